import EventStudy
import Foundation
import MarketData

/// `run.json`: everything needed to know what a study run did and to run it again. The reports
/// themselves never carry timestamps or durations; they live here only.
///
/// `market-impact rerun run.json` reads it back, checks that every input still has the recorded
/// SHA-256, runs the same job with the same parameters and compares the new outputs with the
/// recorded digests.
public struct RunManifest: Codable, Sendable, Equatable {
  /// The manifest's file name in the output folder.
  public static let fileName = "run.json"
  /// Version of this manifest layout.
  public var manifestVersion: Int = 1
  /// The MarketImpact release that wrote it.
  public var marketImpactVersion: String = MarketImpactVersion.current
  /// `study` or `run`: which job ran.
  public var command: String
  /// The command line exactly as given (program name first).
  public var argv: [String]
  /// The directory the command ran in (relative paths in `argv` are relative to it).
  public var workingDirectory: String
  /// Every parameter of the job, defaults filled in, paths made absolute.
  public var parameters: JobParameters
  /// The study parameters as the engine used them (market index picked per exchange, …).
  public var resolved: ResolvedStudy
  /// Every input read, with SHA-256 and row count.
  public var inputs: [InputFile]
  /// Number of (event, security) pairs.
  public var pairs: Int
  /// Pairs per outcome code, every outcome listed.
  public var outcomes: [OutcomeCount]
  /// Every report written (the price store excepted), with SHA-256 and row count.
  public var outputs: [OutputFile]
  /// When the job started, ISO 8601 UTC.
  public var startedAt: String
  /// When the job ended, ISO 8601 UTC.
  public var finishedAt: String
  /// Wall-clock time of the whole job, seconds.
  public var durationSeconds: Double
  /// Wall-clock time per stage (`ingest`, `extract`, `study`, `reports`), seconds.
  public var stageSeconds: [String: Double]
  /// The manifest this run re-ran, when it was a `rerun` (absolute path).
  public var rerunOf: String?

  /// Creates a manifest.
  public init(
    command: String, argv: [String], workingDirectory: String, parameters: JobParameters,
    resolved: ResolvedStudy, inputs: [InputFile], pairs: Int, outcomes: [OutcomeCount],
    outputs: [OutputFile], startedAt: String, finishedAt: String, durationSeconds: Double,
    stageSeconds: [String: Double], rerunOf: String? = nil
  ) {
    self.command = command
    self.argv = argv
    self.workingDirectory = workingDirectory
    self.parameters = parameters
    self.resolved = resolved
    self.inputs = inputs
    self.pairs = pairs
    self.outcomes = outcomes
    self.outputs = outputs
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.durationSeconds = durationSeconds
    self.stageSeconds = stageSeconds
    self.rerunOf = rerunOf
  }

  /// The manifest as pretty-printed JSON with sorted keys, ending in a newline.
  public func render() throws(PipelineError) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do { return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n" } catch {
      throw .stage("cannot encode the run manifest: \(error)")
    }
  }

  /// Reads a manifest, or throws naming the file and what is wrong.
  public static func read(_ path: String) throws(PipelineError) -> RunManifest {
    let bytes = try Inputs.readBytes(path)
    do { return try JSONDecoder().decode(RunManifest.self, from: Data(bytes)) } catch {
      throw .unreadable(path: path, reason: "not a MarketImpact run manifest (\(RunManifest.explain(error)))")
    }
  }

  static func explain(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, let ctx):
      return "missing \((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
    case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
      return
        "unexpected value at \(ctx.codingPath.map(\.stringValue).joined(separator: ".")): \(ctx.debugDescription)"
    case DecodingError.dataCorrupted(let ctx):
      return ctx.debugDescription
    default:
      return "\(error)"
    }
  }
}

/// The parameters of a `study` or `run` job; fields that the other command has are absent.
public struct JobParameters: Codable, Sendable, Equatable {
  /// `study`: the events CSV.
  public var events: String?
  /// `study`: the SQLite price store.
  public var db: String?
  /// `run`: article files or folders.
  public var articles: [String]?
  /// `run`: price CSV files or folders.
  public var prices: [String]?
  /// The output folder.
  public var out: String
  /// The study options.
  public var study: StudySettings
  /// `run`: the ingest options.
  public var ingest: IngestParameters?
  /// `run`: the extract options.
  public var extract: ExtractParameters?

  /// Creates parameters.
  public init(
    events: String? = nil, db: String? = nil, articles: [String]? = nil, prices: [String]? = nil, out: String,
    study: StudySettings, ingest: IngestParameters? = nil, extract: ExtractParameters? = nil
  ) {
    self.events = events
    self.db = db
    self.articles = articles
    self.prices = prices
    self.out = out
    self.study = study
    self.ingest = ingest
    self.extract = extract
  }
}

/// `IngestSettings` as recorded in the manifest (unset options written as `null`).
public struct IngestParameters: Codable, Sendable, Equatable {
  /// See `IngestSettings.ticker`.
  public var ticker: String?
  /// See `IngestSettings.exchange`.
  public var exchange: String?
  /// See `IngestSettings.dateFormat`.
  public var dateFormat: String?
  /// See `IngestSettings.delimiter`.
  public var delimiter: String?
  /// See `IngestSettings.decimal`.
  public var decimal: String?
  /// See `IngestSettings.columns`.
  public var columns: [String]
  /// See `IngestSettings.returns` (`null`: decided from the file).
  public var returns: Bool?

  /// Records `settings`.
  public init(_ settings: IngestSettings) {
    ticker = settings.ticker
    exchange = settings.exchange
    dateFormat = settings.dateFormat
    delimiter = settings.delimiter
    decimal = settings.decimal
    columns = settings.columns
    returns = settings.returns
  }

  /// The settings back.
  public var settings: IngestSettings {
    var s = IngestSettings()
    s.ticker = ticker
    s.exchange = exchange
    s.dateFormat = dateFormat
    s.delimiter = delimiter
    s.decimal = decimal
    s.columns = columns
    s.returns = returns
    return s
  }

  enum CodingKeys: String, CodingKey {
    case ticker, exchange, dateFormat, delimiter, decimal, columns, returns
  }

  /// Writes every option, `null` for the unset ones.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(ticker, forKey: .ticker)
    try c.encode(exchange, forKey: .exchange)
    try c.encode(dateFormat, forKey: .dateFormat)
    try c.encode(delimiter, forKey: .delimiter)
    try c.encode(decimal, forKey: .decimal)
    try c.encode(columns, forKey: .columns)
    try c.encode(returns, forKey: .returns)
  }
}

/// `ExtractSettings` as recorded in the manifest (unset options written as `null`).
public struct ExtractParameters: Codable, Sendable, Equatable {
  /// See `ExtractSettings.tickerFiles` (absolute paths).
  public var tickerFiles: [String]
  /// See `ExtractSettings.published`.
  public var published: String?
  /// See `ExtractSettings.timeZone`.
  public var timeZone: String?

  /// Records `settings`.
  public init(_ settings: ExtractSettings) {
    tickerFiles = settings.tickerFiles
    published = settings.published
    timeZone = settings.timeZone
  }

  /// The settings back.
  public var settings: ExtractSettings {
    var s = ExtractSettings()
    s.tickerFiles = tickerFiles
    s.published = published
    s.timeZone = timeZone
    return s
  }

  enum CodingKeys: String, CodingKey { case tickerFiles, published, timeZone }

  /// Writes every option, `null` for the unset ones.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(tickerFiles, forKey: .tickerFiles)
    try c.encode(published, forKey: .published)
    try c.encode(timeZone, forKey: .timeZone)
  }
}

/// The study parameters as the engine used them.
public struct ResolvedStudy: Codable, Sendable, Equatable {
  /// Model name (`market-model`, `ff3`, `dimson:1`, …).
  public var model: String
  /// Estimation window `START:END`.
  public var estimation: String
  /// Minimum valid estimation returns.
  public var minimumEstimationReturns: Int
  /// Event windows, `START:END` each, in report order.
  public var windows: [String]
  /// Non-trading day policy.
  public var nonTrading: String
  /// `simple` or `log`.
  public var returns: String
  /// Index used when nothing more specific applies.
  public var marketDefault: String
  /// Index per exchange MIC.
  public var marketPerExchange: [String: String]
  /// Event column that may name an index per event.
  public var marketEventColumn: String
  /// Factor columns of the model (empty for index models).
  public var factorColumns: [String]
  /// Grouping columns of the aggregates.
  public var groupBy: [String]
  /// Regressors of the cross-sectional regression (empty: none).
  public var regress: [String]
  /// Bootstrap resamples.
  public var bootstrapDraws: Int
  /// Bootstrap seed.
  public var seed: UInt64

  /// Records the engine's parameters and the statistics settings.
  public init(_ p: StudyParameters, settings: StudySettings) {
    model = p.model.description
    estimation = "\(p.estimation.start):\(p.estimation.end)"
    minimumEstimationReturns = p.minimumEstimationReturns
    windows = p.windows.map(\.description)
    nonTrading = p.nonTrading.rawValue
    returns = p.returnKind.rawValue
    marketDefault = p.market.defaultTicker
    marketPerExchange = p.market.perExchange
    marketEventColumn = p.market.eventColumn
    factorColumns = p.model.factorNames
    groupBy = settings.groupBy
    regress = settings.regress
    bootstrapDraws = settings.bootstrapDraws
    seed = settings.seed
  }
}

/// One input file.
public struct InputFile: Codable, Sendable, Equatable {
  /// `events`, `price_store`, `price_file`, `price_file_in_store`, `article_file`, `factors`,
  /// `tickers`.
  public var role: String
  /// Absolute path.
  public var path: String
  /// Hex SHA-256 of the file's bytes.
  public var sha256: String
  /// Size in bytes (`nil` when only the digest is known, e.g. from the store's ingest log).
  public var bytes: Int?
  /// Rows: events for an events file, price rows read for a price file, stored price rows for the
  /// store, articles for an article file, data lines otherwise.
  public var rows: Int
  /// `true` when `rerun` checks the digest before running (files the job reads itself).
  public var checked: Bool
  /// Extra facts (rows stored, securities, …).
  public var detail: String

  /// Creates an input record.
  public init(
    role: String, path: String, sha256: String, bytes: Int?, rows: Int, checked: Bool, detail: String = ""
  ) {
    self.role = role
    self.path = path
    self.sha256 = sha256
    self.bytes = bytes
    self.rows = rows
    self.checked = checked
    self.detail = detail
  }

  /// Fingerprints `path` as an input of `role` with `rows` rows.
  public static func of(_ path: String, role: String, rows: Int, detail: String = "") throws(PipelineError)
    -> InputFile
  {
    let abs = Fingerprint.absolute(path)
    let f = try Fingerprint.sha256(abs)
    return InputFile(
      role: role, path: abs, sha256: f.sha256, bytes: f.bytes, rows: rows, checked: true, detail: detail)
  }
}

/// One output file.
public struct OutputFile: Codable, Sendable, Equatable {
  /// File name inside the output folder.
  public var file: String
  /// Hex SHA-256 of its bytes.
  public var sha256: String
  /// Size in bytes.
  public var bytes: Int
  /// Data rows (CSV files; `nil` for others).
  public var rows: Int?

  /// Creates an output record.
  public init(file: String, sha256: String, bytes: Int, rows: Int?) {
    self.file = file
    self.sha256 = sha256
    self.bytes = bytes
    self.rows = rows
  }

  /// Fingerprints a written file.
  public static func of(_ path: String) throws(PipelineError) -> OutputFile {
    let f = try Fingerprint.sha256(path)
    var rows: Int? = nil
    if path.lowercased().hasSuffix(".csv") { rows = Fingerprint.csvRows(try Inputs.readText(path)) }
    return OutputFile(
      file: (path as NSString).lastPathComponent, sha256: f.sha256, bytes: f.bytes, rows: rows)
  }
}

/// Pairs with one outcome.
public struct OutcomeCount: Codable, Sendable, Equatable {
  /// Outcome code (`ok`, `insufficient_estimation`, …).
  public var outcome: String
  /// Number of pairs.
  public var count: Int

  /// Creates a count.
  public init(outcome: String, count: Int) {
    self.outcome = outcome
    self.count = count
  }

  /// Every outcome of `result`, zeros included, in `PairOutcome` order.
  public static func of(_ result: StudyResult) -> [OutcomeCount] {
    result.outcomeCounts.map { OutcomeCount(outcome: $0.outcome.code, count: $0.count) }
  }
}
