import EventStudy
import Foundation
import MarketData

/// What the reports show besides the study itself.
public struct ReportOptions: Sendable {
  /// Event columns (or `ticker`, `exchange`) the aggregates and the CAAR chart are grouped by.
  public var groupBy: [String] = []
  /// Number of pairs drawn in `car_paths.svg` (at most `StudyCharts.maximumLines`).
  public var topPairs: Int = 8
  /// The settings listed in `report.html`, in order.
  public var parameters: [(name: String, value: String)] = []
  /// Title of `report.html`.
  public var title: String = "MarketImpact event study"
  /// Who wrote the reports, shown at the foot of `report.html`.
  public var generator: String = "MarketImpact"
  /// Extra files in the folder linked from `report.html` (written by other stages).
  public var extraLinks: [HTMLReport.Link] = []

  /// The defaults: no grouping, eight CAR paths.
  public init() {}
}

/// Writes a study's reports into a folder: the CSV tables, the charts and the HTML page.
public enum ReportWriter {
  /// The files `write` produces, in the order it writes them.
  public static let fileNames = [
    "abnormal_returns.csv", "car.csv", "summary.csv", "aar.csv", "regression.csv", "excluded.csv",
    "events.csv",
    "caar.svg", "car_paths.svg", "report.html",
  ]

  /// What each report file holds (for `report.html` and the docs).
  public static let descriptions: [String: String] = [
    "abnormal_returns.csv": "daily return, expected return, AR and standardized AR per pair and event day",
    "car.csv": "CAR, BHAR, standardized CAR, t and p per pair and event window",
    "summary.csv": "per group and window: N, CAAR, ABHAR, every test statistic with its p-value and N",
    "aar.csv": "per group and event day: N, AAR, CAAR and its standard error, every test",
    "regression.csv": "cross-sectional OLS of CAR on event features, HC1 standard errors, per window",
    "excluded.csv": "pairs not used, with outcome code and reason",
    "events.csv": "every (event, security) pair as used, with day 0 on the security's exchange",
    "caar.svg": "CAAR over event time with a 95% band, one line per group",
    "car_paths.svg": "CAR paths of the pairs with the largest |CAR|",
    "report.html": "this page",
  ]

  /// Writes every report file of `result` into `directory` (which must exist) and returns their
  /// paths; the aggregates are computed with the default bootstrap and no regression.
  public static func write(
    _ result: StudyResult, to directory: String, options: ReportOptions = ReportOptions()
  ) throws(ReportError) -> [String] {
    let aggregates = StudyAggregates.compute(result, groupBy: options.groupBy, regress: [])
    return try write(result, aggregates: aggregates, to: directory, options: options)
  }

  /// Writes every report file of `result` and its `aggregates` into `directory` (which must exist)
  /// and returns their paths. `regression.csv` is written only when regression features were given.
  public static func write(
    _ result: StudyResult, aggregates: StudyAggregates, to directory: String,
    options: ReportOptions = ReportOptions()
  ) throws(ReportError) -> [String] {
    var written: [String] = []
    var links: [HTMLReport.Link] = []
    func put(_ name: String, _ text: String, rows: Int? = nil) throws(ReportError) {
      let path = (directory as NSString).appendingPathComponent(name)
      guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
        throw .cannotWrite(path: path, reason: "cannot create file")
      }
      written.append(path)
      if name != "report.html" {
        links.append(HTMLReport.Link(file: name, description: descriptions[name] ?? "", rows: rows))
      }
    }
    func put(_ name: String, _ table: CSVTable) throws(ReportError) {
      try put(name, table.render(), rows: table.rows.count)
    }
    let groups = PairGroups(result, groupBy: options.groupBy)
    try put("abnormal_returns.csv", StudyTables.abnormalReturns(result))
    try put("car.csv", StudyTables.cumulative(result))
    try put("summary.csv", SummaryTables.summary(aggregates.summary))
    try put("aar.csv", SummaryTables.aar(aggregates.summary))
    if !aggregates.regressionFeatures.isEmpty {
      try put("regression.csv", SummaryTables.regression(aggregates.regressions))
    }
    try put("excluded.csv", StudyTables.excluded(result))
    try put("events.csv", StudyTables.eventsUsed(result))
    let caar = StudyCharts.caar(result, groups: groups)
    let paths = StudyCharts.carPaths(result, top: options.topPairs)
    try put("caar.svg", caar.render())
    try put("car_paths.svg", paths.render())
    var page = HTMLReport(
      title: options.title, result: result,
      summary: SummaryTables.display(aggregates.summary),
      charts: [
        ("CAAR over event time per group, with its 95% band.", caar.render()),
        ("Cumulative abnormal return paths of the pairs with the largest |CAR|.", paths.render()),
      ],
      parameters: options.parameters, links: options.extraLinks + links)
    page.footer = options.generator
    if !aggregates.regressionFeatures.isEmpty {
      page.regression = SummaryTables.displayRegression(aggregates.regressions)
      page.regressionNotes = aggregates.regressionProblems
      page.regressionFeatures = aggregates.regressionFeatures
    }
    try put("report.html", page.render())
    return written
  }

  /// CAAR over event time with its 95% band, all `ok` pairs.
  public static func caarChart(_ result: StudyResult) -> SVGChart {
    StudyCharts.caar(result, groups: PairGroups(result, groupBy: []))
  }
}
