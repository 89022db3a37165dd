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
  }

  /// What a piece of a report is made from.
  enum Job: Sendable {
    case table(CSVTable)
    case abnormal(Range<Int>), car(Range<Int>), excluded(Range<Int>), events(Range<Int>)
    case caarChart, pathsChart
  }

  /// A report file's bytes before they are written.
  struct Content: Sendable {
    var name: String
    var parts: [[UInt8]]
    var rows: Int?
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

  /// As `writeFiles(_:aggregates:to:options:)`, computing the aggregates with `aggregating` on the
  /// calling thread while the per-pair tables and the charts (which do not depend on them) are
  /// formatted, hashed and written in the background on all cores; returns the files and the
  /// aggregates. (The two are not nested in one `concurrentPerform`, which would leave any
  /// parallel loop inside `aggregating` one thread.)
  public static func writeFiles(
    _ result: StudyResult, aggregating: () -> StudyAggregates, to directory: String,
    options: ReportOptions = ReportOptions()
  ) throws(ReportError) -> (files: [ReportFile], aggregates: StudyAggregates) {
    let pairCount = result.pairs.count
    let perChunk = max(1024, pairCount / 64 + 1)
    let chunks = stride(from: 0, to: pairCount, by: perChunk).map { $0..<min($0 + perChunk, pairCount) }
    let names = StudyTables.eventAttributeNames(result)
    let groupBy = options.groupBy
    let topPairs = options.topPairs
    let pairFiles: [(name: String, jobs: [Job], header: [String]?)] = [
      ("abnormal_returns.csv", chunks.map { .abnormal($0) }, StudyTables.abnormalReturnsHeader),
      ("car.csv", chunks.map { .car($0) }, StudyTables.carHeader),
      ("excluded.csv", chunks.map { .excluded($0) }, StudyTables.excludedHeader),
      ("events.csv", chunks.map { .events($0) }, StudyTables.eventsUsedHeader + names),
      ("caar.svg", [.caarChart], nil),
      ("car_paths.svg", [.pathsChart], nil),
    ]
    let pairJobs = pairFiles.flatMap(\.jobs)
    let background = Background<(contents: [Content], written: Result<[ReportFile], ReportError>)> {
      let groups = PairGroups(result, groupBy: groupBy)
      let contents = assemble(
        pairFiles,
        parts: Parallel.map(pairJobs.count) { i in
          part(pairJobs[i], result: result, names: names, groups: groups, topPairs: topPairs)
        })
      return (contents, hashAndWrite(contents, in: directory))
    }
    let aggregates = aggregating()
    guard let done = background.wait() else {
      throw .cannotWrite(path: directory, reason: "the per-pair reports were not made")
    }
    let pairWritten = try done.written.get()

    let regress = !aggregates.regressionFeatures.isEmpty
    var summaryFiles: [(name: String, jobs: [Job], header: [String]?)] = [
      ("summary.csv", [.table(SummaryTables.summary(aggregates.summary))], nil),
      ("aar.csv", [.table(SummaryTables.aar(aggregates.summary))], nil),
    ]
    if regress {
      summaryFiles.append(("regression.csv", [.table(SummaryTables.regression(aggregates.regressions))], nil))
    }
    let summaryContents = assemble(
      summaryFiles,
      parts: summaryFiles.flatMap(\.jobs).map {
        part($0, result: result, names: names, groups: nil, topPairs: topPairs)
      })
    // `fileNames` order (report.html last).
    let all = (done.contents + summaryContents).sorted {
      (fileNames.firstIndex(of: $0.name) ?? fileNames.count)
        < (fileNames.firstIndex(of: $1.name) ?? fileNames.count)
    }
    let links = all.map {
      HTMLReport.Link(file: $0.name, description: descriptions[$0.name] ?? "", rows: $0.rows)
    }
    func svg(_ name: String) -> String {
      let parts = all.first { $0.name == name }?.parts ?? []
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
    let html = Content(name: "report.html", parts: [Array(page.render().utf8)], rows: nil)
    let rest = try hashAndWrite(summaryContents + [html], in: directory).get()
    let written = (pairWritten + rest).sorted {
      (fileNames.firstIndex(of: $0.name) ?? fileNames.count)
        < (fileNames.firstIndex(of: $1.name) ?? fileNames.count)
    }
    return (written, aggregates)
  }

  /// Joins the parts of each file (in `files` order, the parts of all files one after the other)
  /// behind its header.
  static func assemble(_ files: [(name: String, jobs: [Job], header: [String]?)], parts: [Part]) -> [Content]
  {
    var out: [Content] = []
    var next = 0
    for f in files {
      let mine = parts[next..<next + f.jobs.count]
      next += f.jobs.count
      let rows = mine.reduce(0) { $0 + $1.rows }
      out.append(
        Content(
          name: f.name, parts: (f.header.map { [StudyTables.headerBytes($0)] } ?? []) + mine.map(\.bytes),
          rows: f.name.hasSuffix(".csv") ? rows : nil))
    }
    return out
  }

  /// Writes each file into `directory` while hashing its bytes, hashing beside writing and files
  /// beside each other on all cores.
  static func hashAndWrite(_ contents: [Content], in directory: String) -> Result<[ReportFile], ReportError> {
    let paths = contents.map { (directory as NSString).appendingPathComponent($0.name) }
    let outcomes = Parallel.map(2 * contents.count) { k -> Result<String, ReportError> in
      let i = k / 2
      if k % 2 == 0 { return .success(FileDigest.hex(contents[i].parts)) }
      do throws(ReportError) {
        try ChunkFile.write(contents[i].parts, to: paths[i])
        return .success("")
      } catch { return .failure(error) }
    }
    var written: [ReportFile] = []
    for (i, c) in contents.enumerated() {
      if case .failure(let e) = outcomes[2 * i + 1] { return .failure(e) }
      guard case .success(let sha) = outcomes[2 * i] else { continue }
      written.append(
        ReportFile(
          name: c.name, path: paths[i], sha256: sha, bytes: c.parts.reduce(0) { $0 + $1.count }, rows: c.rows)
      )
    }
    return .success(written)
  }

  /// Makes one piece of a report.
  static func part(_ job: Job, result: StudyResult, names: [String], groups: PairGroups?, topPairs: Int)
    -> Part
  {
    switch job {
    case .table(let t):
      return Part(bytes: t.renderBytes(), rows: t.rows.count)
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
      let groups = groups ?? PairGroups(result, groupBy: [])
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
