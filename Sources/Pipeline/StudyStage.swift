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

  /// Defaults everywhere.
  public init() {}

  /// Index tickers tried, in order, for each exchange when `market` is empty.
  public static let conventionalIndices: [String: [String]] = [
    "XNYS": ["SPY", "^GSPC", "IVV", "VOO", "VTI"],
    "XSHG": ["000300.SS", "000300.SH", "510300.SS", "000001.SS"],
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
