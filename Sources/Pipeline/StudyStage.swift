import EventStudy
import Foundation
import MarketData
import Reports

/// The study options exactly as the user typed them (CLI flags or a run manifest); `parameters(…)`
/// turns them into `StudyParameters`, checking each one.
public struct StudySettings: Sendable, Equatable, Codable {
  /// Expected-return model name (`market-model`, `market-adjusted`, `mean-adjusted`, `ff3`, …).
  public var model: String = "market-model"
  /// Estimation window `START:END` in sessions relative to day 0.
  public var estimation: String = "-250:-11"
  /// Minimum valid estimation returns.
  public var minimumEstimation: Int = 100
  /// Event windows, `-1:1,0:0,-5:5`.
  public var windows: String = "-1:1,0:0,-5:5"
  /// Non-trading event-day policy: next, previous, skip or error.
  public var nonTrading: String = "next"
  /// Market index: `SPY` or `SPY,XSHG=000300.SS,XASX=XJO.AX`; empty = pick per exchange from the store.
  public var market: String = ""
  /// Ken French factor files (for ff3, carhart4, ff5).
  public var factors: [String] = []
  /// Event columns to group aggregate statistics by.
  public var groupBy: [String] = []
  /// `simple` or `log` returns.
  public var returns: String = "simple"
  /// Event columns (or `ticker`, `exchange`) CAR is regressed on in `regression.csv`; empty = no
  /// regression.
  public var regress: [String] = []
  /// Bootstrap resamples for the CAAR intervals of `summary.csv` and `aar.csv`.
  public var bootstrapDraws: Int = 999
  /// Seed of the bootstrap (the intervals reproduce exactly for a given seed).
  public var seed: UInt64 = 20_250_626

  /// Defaults everywhere.
  public init() {}

  enum CodingKeys: String, CodingKey {
    case model, estimation, minimumEstimation, windows, nonTrading, market, factors, groupBy, returns, regress
    case bootstrapDraws, seed
  }

  /// Reads settings; a key that is absent (a manifest from an older release) keeps its default.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = StudySettings()
    model = try c.decodeIfPresent(String.self, forKey: .model) ?? d.model
    estimation = try c.decodeIfPresent(String.self, forKey: .estimation) ?? d.estimation
    minimumEstimation = try c.decodeIfPresent(Int.self, forKey: .minimumEstimation) ?? d.minimumEstimation
    windows = try c.decodeIfPresent(String.self, forKey: .windows) ?? d.windows
    nonTrading = try c.decodeIfPresent(String.self, forKey: .nonTrading) ?? d.nonTrading
    market = try c.decodeIfPresent(String.self, forKey: .market) ?? d.market
    factors = try c.decodeIfPresent([String].self, forKey: .factors) ?? d.factors
    groupBy = try c.decodeIfPresent([String].self, forKey: .groupBy) ?? d.groupBy
    returns = try c.decodeIfPresent(String.self, forKey: .returns) ?? d.returns
    regress = try c.decodeIfPresent([String].self, forKey: .regress) ?? d.regress
    bootstrapDraws = try c.decodeIfPresent(Int.self, forKey: .bootstrapDraws) ?? d.bootstrapDraws
    seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
  }

  /// Index tickers tried, in order, for each exchange when `market` is empty.
  public static let conventionalIndices: [String: [String]] = [
    "XNYS": ["SPY", "^GSPC", "IVV", "VOO", "VTI"],
    // CSI 300 under Yahoo's, other vendors' and the bare exchange code (a file named 000300.csv),
    // its Shenzhen listing, an ETF on it, then the SSE Composite. Shenzhen shares use this entry
    // too (XSHE follows the XSHG calendar).
    "XSHG": ["000300.SS", "000300.SH", "000300", "399300.SZ", "510300.SS", "000001.SS"],
    "XASX": ["XJO.AX", "^AXJO", "STW.AX"],
    "XHKG": ["^HSI", "2800.HK"],
    "XLON": ["^FTSE", "ISF.L"],
    "XTKS": ["^N225", "1306.T", "^TPX"],
    "XTSE": ["^GSPTSE", "XIU.TO"],
    "XFRA": ["^GDAXI", "EXS1.F"],
  ]

  /// Checks every setting and builds the engine's parameters. `available` lists the tickers the
  /// price source holds (used to pick market indices when `market` is empty).
  public func parameters(available: [String]) throws(PipelineError) -> StudyParameters {
    var p = StudyParameters()
    guard let m = ExpectedReturnModel(name: model) else {
      throw .invalidArgument(
        "--model \"\(model)\" is not a model (expected one of: \(ExpectedReturnModel.all.map(\.description).joined(separator: ", ")))"
      )
    }
    p.model = m
    guard let est = EventWindow(parsing: estimation) else {
      throw .invalidArgument(
        "--estimation \"\(estimation)\" is not a window (expected START:END, e.g. -250:-11)")
    }
    p.estimation = (est.start, est.end)
    guard minimumEstimation >= 3 else {
      throw .invalidArgument("--min-estimation \(minimumEstimation) is too small (expected at least 3)")
    }
    p.minimumEstimationReturns = minimumEstimation
    guard bootstrapDraws >= 0 else {
      throw .invalidArgument(
        "--bootstrap \(bootstrapDraws) is negative (expected a number of resamples, 0 for none)")
    }
    guard let ws = EventWindow.parseList(windows), !ws.isEmpty else {
      throw .invalidArgument(
        "--windows \"\(windows)\" is not a list of windows (expected e.g. -1:1,0:0,-5:5)")
    }
    p.windows = ws
    guard let nt = NonTradingPolicy(rawValue: nonTrading.lowercased()) else {
      throw .invalidArgument(
        "--non-trading \"\(nonTrading)\" is not a policy (expected next, previous, skip or error)")
    }
    p.nonTrading = nt
    guard let rk = ReturnKind(rawValue: returns.lowercased()) else {
      throw .invalidArgument("--returns \"\(returns)\" is not a return kind (expected simple or log)")
    }
    p.returnKind = rk
    if market.isEmpty {
      var choice = MarketIndexChoice()
      let have = Set(available)
      for (mic, candidates) in StudySettings.conventionalIndices {
        if let t = candidates.first(where: { have.contains($0) }) { choice.perExchange[mic] = t }
      }
      choice.defaultTicker = choice.perExchange["XNYS"] ?? "SPY"
      p.market = choice
    } else {
      do { p.market = try MarketIndexChoice.parse(market) } catch {
        throw .invalidArgument(error.description)
      }
    }
    if m.usesFactors {
      guard !factors.isEmpty else {
        throw .invalidArgument("--model \(model) needs --factors FILE (Ken French daily factor files)")
      }
      var table: FactorTable? = nil
      for path in factors {
        let text = try Inputs.readText(path)
        do {
          let t = try FactorTable.parseKenFrench(text, file: path)
          table = table.map { $0.merging(t) } ?? t
        } catch { throw .stage(error.description) }
      }
      p.factors = table
    }
    return p
  }
}

/// Runs the study stage: events file × price source → `StudyResult`.
public enum StudyStage {
  /// Reads the events CSV and runs the study on `prices` with `settings`.
  public static func run(
    eventsPath: String, prices: some PriceSource, settings: StudySettings
  ) throws(PipelineError) -> StudyResult {
    let text = try Inputs.readText(eventsPath)
    let events: [StudyEvent]
    do { events = try EventFile.parse(text, file: eventsPath) } catch { throw .stage("\(error)") }
    return try run(events: events, prices: prices, settings: settings)
  }

  /// Runs the study on events already in memory.
  public static func run(
    events: [StudyEvent], prices: some PriceSource, settings: StudySettings
  ) throws(PipelineError) -> StudyResult {
    let available: [String]
    do { available = try prices.tickers() } catch { throw .stage("cannot list the stored tickers: \(error)") }
    let parameters = try settings.parameters(available: available)
    do { return try EventStudy.run(events: events, prices: prices, parameters: parameters) } catch {
      throw .stage(error.description)
    }
  }
}

extension StudyStage {
  /// Warnings about the market index choice: with `--market` left to the store, securities of an
  /// exchange none of whose conventional indices is stored are compared with the default (US)
  /// index, whose sessions and hours are another market's; one line per such exchange.
  public static func marketWarnings(_ result: StudyResult, settings: StudySettings) -> [String] {
    guard settings.market.isEmpty, result.parameters.model.usesMarket else { return [] }
    let choice = result.parameters.market
    var pairsByCalendar: [String: (count: Int, market: String)] = [:]
    for pair in result.pairs where pair.outcome == .ok {
      guard let exchange = Exchange.named(pair.exchange), let market = pair.marketTicker else { continue }
      let calendar = exchange.calendarMIC
      guard calendar != "XNYS", choice.perExchange[exchange.mic] == nil, choice.perExchange[calendar] == nil,
        market == choice.defaultTicker
      else { continue }
      pairsByCalendar[calendar, default: (0, market)].count += 1
    }
    return pairsByCalendar.keys.sorted().compactMap { calendar in
      guard let (count, market) = pairsByCalendar[calendar] else { return nil }
      let candidates = StudySettings.conventionalIndices[calendar] ?? []
      let none =
        candidates.isEmpty
        ? "no index of it is known" : "none of \(candidates.joined(separator: ", ")) is stored"
      return "\(count) pair(s) on \(calendar) are compared with \(market), not an index of their own market "
        + "(\(none)); ingest one or pass --market \(calendar)=TICKER"
    }
  }
}

/// A `study` job: events file × price store → reports and `run.json` in `out`.
public struct StudyJob: Sendable, Equatable {
  /// The SQLite price store.
  public var db: String
  /// The events CSV.
  public var events: String
  /// The output folder.
  public var out: String
  /// The study options.
  public var settings: StudySettings

  /// Creates a job.
  public init(db: String, events: String, out: String, settings: StudySettings) {
    self.db = db
    self.events = events
    self.out = out
    self.settings = settings
  }
}

/// What a `study` or `run` job produced.
public struct JobOutcome: Sendable {
  /// The study.
  public var study: StudyResult
  /// Every file written, `run.json` last.
  public var written: [String]
  /// The manifest written to `run.json`.
  public var manifest: RunManifest
}

extension StudySettings {
  /// The settings with file paths made absolute (as recorded in the manifest).
  public var absolutePaths: StudySettings {
    var s = self
    s.factors = factors.map(Fingerprint.absolute)
    return s
  }
}

extension StudyStage {
  /// Runs a study job: reads the events, runs the study on the store, writes the reports and
  /// `run.json` (argv, parameters, input digests, outcome counts, timings) into `job.out`.
  public static func perform(
    _ job: StudyJob, argv: [String], log: StageLog, rerunOf: String? = nil
  ) throws(PipelineError) -> JobOutcome {
    var watch = Stopwatch()
    let eventsPath = Fingerprint.absolute(job.events)
    let db = Fingerprint.absolute(job.db)
    let settings = job.settings.absolutePaths
    let store = try IngestStage.openStore(db)
    let text = try Inputs.readText(eventsPath)
    let events: [StudyEvent]
    do { events = try EventFile.parse(text, file: job.events) } catch { throw .stage("\(error)") }
    let inputs = try watch.time("fingerprint") { () throws(PipelineError) in
      [try InputFile.of(eventsPath, role: "events", rows: events.count)]
        + (try StoreFingerprint.inputs(store, path: db)) + (try factorInputs(settings))
    }
    log.progress(
      "study: \(events.count) event(s), \(events.reduce(0) { $0 + max(1, $1.tickers.count) }) pair(s)")
    let result = try watch.time("study") { () throws(PipelineError) in
      try run(events: events, prices: store, settings: settings)
    }
    for warning in marketWarnings(result, settings: settings) { log.warning("study: \(warning)") }
    let resolved = ResolvedStudy(result.parameters, settings: settings)
    log.progress(
      "statistics: \(settings.groupBy.isEmpty ? "all pairs" : "all pairs and groups by " + settings.groupBy.joined(separator: ", "))"
    )
    log.progress("reports: writing into \(job.out)")
    let reports = try watch.time("reports") { () throws(PipelineError) in
      try ReportStage.statisticsAndReports(
        result, settings: settings, to: job.out,
        options: ReportStage.options(
          settings, resolved: resolved,
          extraLinks: [
            .init(
              file: RunManifest.fileName,
              description: "run manifest: command, parameters, input digests, timings")
          ]), log: log)
    }
    watch.stages["statistics"] = reports.statisticsSeconds
    let parameters = JobParameters(
      events: eventsPath, db: db, out: Fingerprint.absolute(job.out), study: settings)
    return try finish(
      command: "study", argv: argv, parameters: parameters, resolved: resolved, inputs: inputs,
      result: result, others: [], reports: reports.files, out: job.out, watch: watch, rerunOf: rerunOf)
  }

  /// The factor files of `settings`, fingerprinted (rows: non-empty lines).
  static func factorInputs(_ settings: StudySettings) throws(PipelineError) -> [InputFile] {
    var out: [InputFile] = []
    for f in settings.factors {
      out.append(try InputFile.of(f, role: "factors", rows: Fingerprint.lines(try Inputs.readText(f))))
    }
    return out
  }

  /// Fingerprints the outputs, assembles the manifest and writes `run.json`. `others` are files
  /// written by other stages (read back to fingerprint them; the price store is not listed),
  /// `reports` the report files with the fingerprints taken as they were written.
  static func finish(
    command: String, argv: [String], parameters: JobParameters, resolved: ResolvedStudy, inputs: [InputFile],
    result: StudyResult, others: [String], reports: [ReportFile], out: String, watch: Stopwatch,
    rerunOf: String?
  ) throws(PipelineError) -> JobOutcome {
    var outputs: [OutputFile] = []
    for path in others where !path.hasSuffix(".sqlite") {
      outputs.append(try OutputFile.of(path))
    }
    for f in reports {
      outputs.append(OutputFile(file: f.name, sha256: f.sha256, bytes: f.bytes, rows: f.rows))
    }
    let written = others + reports.map(\.path)
    let manifest = RunManifest(
      command: command, argv: argv, workingDirectory: FileManager.default.currentDirectoryPath,
      parameters: parameters, resolved: resolved, inputs: inputs, pairs: result.pairs.count,
      outcomes: OutcomeCount.of(result), outputs: outputs, startedAt: Stopwatch.iso(watch.startDate),
      finishedAt: Stopwatch.iso(Date()), durationSeconds: watch.elapsed, stageSeconds: watch.stages,
      rerunOf: rerunOf)
    let path = try ReportStage.writeManifest(manifest, out: out)
    return JobOutcome(study: result, written: written + [path], manifest: manifest)
  }
}
