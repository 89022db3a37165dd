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
    try writeFiles(result, aggregates: aggregates, to: directory, options: options).map(\.path)
  }

  /// One piece of a report file, made on any core.
  struct Part: Sendable {
    var bytes: [UInt8]
    var rows: Int
    var aggregates: StudyAggregates? = nil
  }

  /// What a piece of a report is made from.
  enum Job: Sendable {
    case aggregates
    case table(CSVTable)
    case abnormal(Range<Int>), car(Range<Int>), excluded(Range<Int>), events(Range<Int>)
    case caarChart, pathsChart
  }

  /// Writes every report file of `result` and its `aggregates` into `directory` (which must exist)
  /// and returns them with their SHA-256, size and data rows, in `fileNames` order.
  /// `regression.csv` is written only when regression features were given.
  ///
  /// The per-pair tables are cut into runs of pairs formatted on all cores straight into bytes;
  /// then every file is written in large chunks while its SHA-256 is computed from the same bytes
  /// (files, and hashing beside writing, in parallel). The bytes are those of `CSVTable.render()`.
  public static func writeFiles(
    _ result: StudyResult, aggregates: StudyAggregates, to directory: String,
    options: ReportOptions = ReportOptions()
  ) throws(ReportError) -> [ReportFile] {
    try writeFiles(result, aggregating: { aggregates }, to: directory, options: options).files
  }

  /// As `writeFiles(_:aggregates:to:options:)`, computing the aggregates with `aggregating` on one
  /// core while the other cores format the per-pair tables (which do not depend on them); returns
  /// the files and the aggregates.
  public static func writeFiles(
    _ result: StudyResult, aggregating: @Sendable () -> StudyAggregates, to directory: String,
    options: ReportOptions = ReportOptions()
  ) throws(ReportError) -> (files: [ReportFile], aggregates: StudyAggregates) {
    let pairCount = result.pairs.count
    let perChunk = max(1024, pairCount / 64 + 1)
    let chunks = stride(from: 0, to: pairCount, by: perChunk).map { $0..<min($0 + perChunk, pairCount) }
    let names = StudyTables.eventAttributeNames(result)
    let groups = PairGroups(result, groupBy: options.groupBy)

    // Everything but report.html, which lists the others' row counts: (file, part) jobs.
    // The aggregates first, so that their core starts on them at once.
    let first: [(name: String, jobs: [Job], header: [String]?)] = [
      ("", [.aggregates], nil),
      ("abnormal_returns.csv", chunks.map { .abnormal($0) }, StudyTables.abnormalReturnsHeader),
      ("car.csv", chunks.map { .car($0) }, StudyTables.carHeader),
      ("excluded.csv", chunks.map { .excluded($0) }, StudyTables.excludedHeader),
      ("events.csv", chunks.map { .events($0) }, StudyTables.eventsUsedHeader + names),
      ("caar.svg", [.caarChart], nil),
      ("car_paths.svg", [.pathsChart], nil),
    ]
    let topPairs = options.topPairs
    let firstJobs = first.flatMap(\.jobs)
    let firstParts = Parallel.map(firstJobs.count) { i in
      part(
        firstJobs[i], result: result, names: names, groups: groups, topPairs: topPairs,
        aggregating: aggregating)
    }
    guard let aggregates = firstParts.first?.aggregates else {
      throw .cannotWrite(path: directory, reason: "the aggregate statistics were not computed")
    }
    let regress = !aggregates.regressionFeatures.isEmpty
    var second: [(name: String, jobs: [Job], header: [String]?)] = [
      ("summary.csv", [.table(SummaryTables.summary(aggregates.summary))], nil),
      ("aar.csv", [.table(SummaryTables.aar(aggregates.summary))], nil),
    ]
    if regress {
      second.append(("regression.csv", [.table(SummaryTables.regression(aggregates.regressions))], nil))
    }
    let secondJobs = second.flatMap(\.jobs)
    let secondParts = secondJobs.map {
      part($0, result: result, names: names, groups: groups, topPairs: topPairs, aggregating: aggregating)
    }
    // In `fileNames` order.
    let order = [
      "abnormal_returns.csv", "car.csv", "summary.csv", "aar.csv", "regression.csv", "excluded.csv",
      "events.csv", "caar.svg", "car_paths.svg",
    ]
    var byName: [String: (parts: ArraySlice<Part>, header: [String]?)] = [:]
    var next = 0
    for f in first {
      byName[f.name] = (firstParts[next..<next + f.jobs.count], f.header)
      next += f.jobs.count
    }
    next = 0
    for f in second {
      byName[f.name] = (secondParts[next..<next + f.jobs.count], f.header)
      next += f.jobs.count
    }

    var contents: [(name: String, parts: [[UInt8]], rows: Int?)] = []
    for name in order {
      guard let (mine, header) = byName[name] else { continue }
      let isCSV = name.hasSuffix(".csv")
      let rows = mine.reduce(0) { $0 + $1.rows }
      let body = mine.map(\.bytes)
      contents.append((name, (header.map { [StudyTables.headerBytes($0)] } ?? []) + body, isCSV ? rows : nil))
    }
    let links = contents.map {
      HTMLReport.Link(file: $0.name, description: descriptions[$0.name] ?? "", rows: $0.rows)
    }
    func svg(_ name: String) -> String {
      let parts = contents.first { $0.name == name }?.parts ?? []
      return String(decoding: parts.flatMap { $0 }, as: UTF8.self)
    }
    var page = HTMLReport(
      title: options.title, result: result,
      summary: SummaryTables.display(aggregates.summary),
      charts: [
        ("CAAR over event time per group, with its 95% band.", svg("caar.svg")),
        ("Cumulative abnormal return paths of the pairs with the largest |CAR|.", svg("car_paths.svg")),
      ],
      parameters: options.parameters, links: options.extraLinks + links)
    page.footer = options.generator
    if regress {
      page.regression = SummaryTables.displayRegression(aggregates.regressions)
      page.regressionNotes = aggregates.regressionProblems
      page.regressionFeatures = aggregates.regressionFeatures
    }
    contents.append(("report.html", [Array(page.render().utf8)], nil))

    // Hash and write every file, each on its own core when there are several.
    let paths = contents.map { (directory as NSString).appendingPathComponent($0.name) }
    let frozen = contents.map(\.parts)
    let outcomes = Parallel.map(2 * contents.count) { k -> Result<String, ReportError> in
      let i = k / 2
      if k % 2 == 0 { return .success(FileDigest.hex(frozen[i])) }
      do throws(ReportError) {
        try ChunkFile.write(frozen[i], to: paths[i])
        return .success("")
      } catch { return .failure(error) }
    }
    var written: [ReportFile] = []
    for (i, c) in contents.enumerated() {
      if case .failure(let e) = outcomes[2 * i + 1] { throw e }
      guard case .success(let sha) = outcomes[2 * i] else { continue }
      written.append(
        ReportFile(
          name: c.name, path: paths[i], sha256: sha, bytes: frozen[i].reduce(0) { $0 + $1.count },
          rows: c.rows))
    }
    return (written, aggregates)
  }

  /// Makes one piece of a report.
  static func part(
    _ job: Job, result: StudyResult, names: [String], groups: PairGroups, topPairs: Int,
    aggregating: () -> StudyAggregates
  ) -> Part {
    switch job {
    case .aggregates:
      return Part(bytes: [], rows: 0, aggregates: aggregating())
    case .table(let t):
      let b = t.renderBytes()
      return Part(bytes: b, rows: t.rows.count)
    case .abnormal(let r):
      let w = StudyTables.abnormalReturnsBytes(result, pairs: r)
      return Part(bytes: w.bytes, rows: w.rows)
    case .car(let r):
      let w = StudyTables.cumulativeBytes(result, pairs: r)
      return Part(bytes: w.bytes, rows: w.rows)
    case .excluded(let r):
      let w = StudyTables.excludedBytes(result, pairs: r)
      return Part(bytes: w.bytes, rows: w.rows)
    case .events(let r):
      let w = StudyTables.eventsUsedBytes(result, names: names, pairs: r)
      return Part(bytes: w.bytes, rows: w.rows)
    case .caarChart:
      return Part(bytes: Array(StudyCharts.caar(result, groups: groups).render().utf8), rows: 0)
    case .pathsChart:
      return Part(bytes: Array(StudyCharts.carPaths(result, top: topPairs).render().utf8), rows: 0)
    }
  }

  /// CAAR over event time with its 95% band, all `ok` pairs.
  public static func caarChart(_ result: StudyResult) -> SVGChart {
    StudyCharts.caar(result, groups: PairGroups(result, groupBy: []))
  }
}
