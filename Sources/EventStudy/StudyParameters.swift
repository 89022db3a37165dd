import MarketData

/// How the expected ("normal") return of a security is modelled.
public enum ExpectedReturnModel: Sendable, Hashable, CustomStringConvertible {
  /// E[R_it] = mean of R_i over the estimation window.
  case meanAdjusted
  /// E[R_it] = R_mt (no estimation; the estimation window only measures the AR variance).
  case marketAdjusted
  /// OLS market model R_it = α + β R_mt + ε over the estimation window.
  case marketModel
  /// Fama-French three factors: R − RF on Mkt-RF, SMB, HML.
  case famaFrench3
  /// Carhart four factors: Fama-French 3 plus momentum (MOM / UMD / WML).
  case carhart4
  /// Fama-French five factors: Mkt-RF, SMB, HML, RMW, CMA.
  case famaFrench5
  /// Scholes-Williams (1977) non-synchronous-trading β: (β₋₁ + β₀ + β₊₁)/(1 + 2ρ_m).
  case scholesWilliams
  /// Dimson (1979) aggregated β: sum of slopes on R_m at leads and lags −K…K.
  case dimson(lags: Int)

  /// The name used on the command line and in reports (`market-model`, `ff3`, `dimson:1`, …).
  public var description: String {
    switch self {
    case .meanAdjusted: return "mean-adjusted"
    case .marketAdjusted: return "market-adjusted"
    case .marketModel: return "market-model"
    case .famaFrench3: return "ff3"
    case .carhart4: return "carhart4"
    case .famaFrench5: return "ff5"
    case .scholesWilliams: return "scholes-williams"
    case .dimson(let k): return "dimson:\(k)"
    }
  }

  /// Reads a model name (`mean`, `market-adjusted`, `market`, `ff3`, `carhart`, `ff5`, `sw`,
  /// `dimson`, `dimson:2`, …), case-insensitive; `nil` for anything else.
  public init?(name: String) {
    let key = name.trimmingSpaces().lowercased().replacingUnderscores()
    switch key {
    case "mean", "mean-adjusted", "constant-mean", "mean-adj": self = .meanAdjusted
    case "market-adjusted", "market-adj", "marketadjusted", "raw-market": self = .marketAdjusted
    case "market", "market-model", "marketmodel", "mm", "ols": self = .marketModel
    case "ff3", "fama-french-3", "famafrench3", "fama-french": self = .famaFrench3
    case "carhart", "carhart4", "ff4", "c4": self = .carhart4
    case "ff5", "fama-french-5", "famafrench5": self = .famaFrench5
    case "sw", "scholes-williams", "scholeswilliams": self = .scholesWilliams
    case "dimson": self = .dimson(lags: 1)
    default:
      guard key.hasPrefix("dimson:"), let k = Int(key.dropFirst(7)), k >= 0 else { return nil }
      self = .dimson(lags: k)
    }
  }

  /// The factor-file columns the model regresses on (empty for models on the market index).
  public var factorNames: [String] {
    switch self {
    case .famaFrench3: return ["MKT-RF", "SMB", "HML"]
    case .carhart4: return ["MKT-RF", "SMB", "HML", "MOM"]
    case .famaFrench5: return ["MKT-RF", "SMB", "HML", "RMW", "CMA"]
    default: return []
    }
  }

  /// `true` for models that need a factor table.
  public var usesFactors: Bool { !factorNames.isEmpty }

  /// `true` for models that need the market index's returns.
  public var usesMarket: Bool {
    switch self {
    case .meanAdjusted, .famaFrench3, .carhart4, .famaFrench5: return false
    default: return true
    }
  }

  /// Every model with its default settings, for help texts.
  public static let all: [ExpectedReturnModel] = [
    .meanAdjusted, .marketAdjusted, .marketModel, .famaFrench3, .carhart4, .famaFrench5, .scholesWilliams,
    .dimson(lags: 1),
  ]
}

/// An event window [start, end] in trading sessions relative to day 0 (both ends included).
public struct EventWindow: Sendable, Hashable, CustomStringConvertible {
  /// First day, e.g. −1.
  public var start: Int
  /// Last day, e.g. +1.
  public var end: Int

  /// Creates a window; `start` must not exceed `end` (checked by `EventStudy.run`).
  public init(_ start: Int, _ end: Int) {
    self.start = start
    self.end = end
  }

  /// Number of sessions in the window (L2).
  public var length: Int { end - start + 1 }

  /// `start:end`, e.g. `-1:1`.
  public var description: String { "\(start):\(end)" }

  /// Reads `a:b` (also `a,b` or `(a,b)`), e.g. `-5:5`; `nil` when malformed or `a > b`.
  public init?(parsing text: String) {
    var t = text.trimmingSpaces()
    if t.hasPrefix("(") && t.hasSuffix(")") { t = String(t.dropFirst().dropLast()) }
    let parts = t.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let a = Int(parts[0].trimmingSpaces().replacingPlus()),
      let b = Int(parts[1].trimmingSpaces().replacingPlus()), a <= b
    else { return nil }
    self.init(a, b)
  }

  /// Reads a comma-separated list of windows, `-1:1,0:0,-5:5`; `nil` when any is malformed.
  public static func parseList(_ text: String) -> [EventWindow]? {
    var out: [EventWindow] = []
    for part in text.split(separator: ",") {
      guard let w = EventWindow(parsing: String(part)) else { return nil }
      out.append(w)
    }
    return out.isEmpty ? nil : out
  }
}

/// What to do when day 0 falls on a day the security's exchange does not trade.
public enum NonTradingPolicy: String, Sendable, CaseIterable {
  /// Use the next session (default).
  case next
  /// Use the previous session.
  case previous
  /// Skip the pair with outcome `non_trading_skipped`.
  case skip
  /// Stop the study with `EventStudyError.nonTradingDay`.
  case error
}

/// Simple or continuously compounded returns.
public enum ReturnKind: String, Sendable, CaseIterable {
  /// R_t = P_t / P_{t−1} − 1.
  case simple
  /// r_t = ln(P_t / P_{t−1}).
  case log
}

/// Which session calendar event time is counted on.
public enum CalendarChoice: Sendable, Hashable {
  /// The built-in calendar of each security's exchange (default).
  case exchange
  /// The dates on which each security's market index has a price.
  case inferredFromMarket
}

/// Which market index each security is measured against.
///
/// Precedence: the event's own column (`eventColumn`, default `market`) when it is non-empty, then
/// the override for the security's exchange (by MIC, e.g. `XSHG` → `000300.SS`), then `defaultTicker`.
public struct MarketIndexChoice: Sendable, Hashable {
  /// The index used when nothing more specific applies (default `SPY`).
  public var defaultTicker: String
  /// Per-exchange overrides keyed by MIC (`XSHG`, `XASX`, …). An override on a calendar MIC also
  /// applies to exchanges that follow it (`XNYS` covers XNAS and ARCX) unless they have their own.
  public var perExchange: [String: String]
  /// Name of an event column that names the index for that event (empty to ignore).
  public var eventColumn: String

  /// Creates a choice.
  public init(
    defaultTicker: String = "SPY", perExchange: [String: String] = [:], eventColumn: String = "market"
  ) {
    self.defaultTicker = defaultTicker
    self.perExchange = perExchange
    self.eventColumn = eventColumn
  }

  /// Reads `SPY` or `SPY,XSHG=000300.SS,ASX=XJO.AX` (exchange keys by MIC or common name; an entry
  /// without `=` sets the default). Throws for an unknown exchange name.
  public static func parse(_ text: String) throws(EventStudyError) -> MarketIndexChoice {
    var choice = MarketIndexChoice()
    for part in text.split(separator: ",") {
      let item = part.trimmingSpaces()
      if let eq = item.firstIndex(of: "=") {
        let key = item[..<eq].trimmingSpaces()
        let value = item[item.index(after: eq)...].trimmingSpaces()
        guard let ex = Exchange.named(key) else {
          throw .invalidParameter(
            name: "market", value: text, expected: "EXCHANGE=TICKER with a known exchange (\(key)?)")
        }
        choice.perExchange[ex.mic] = value
      } else if !item.isEmpty {
        choice.defaultTicker = item
      }
    }
    return choice
  }

  /// The index ticker for a security on `exchange` in `event`.
  public func ticker(for exchange: Exchange, event: StudyEvent) -> String {
    if !eventColumn.isEmpty, let v = event.attribute(eventColumn)?.trimmingSpaces(), !v.isEmpty { return v }
    if let t = perExchange[exchange.mic] { return t }
    if let t = perExchange[exchange.calendarMIC] { return t }
    return defaultTicker
  }
}

/// Everything a study run needs besides the events and prices.
public struct StudyParameters: Sendable {
  /// The expected-return model (default: market model).
  public var model: ExpectedReturnModel = .marketModel
  /// Estimation window in sessions relative to day 0, both ends included (default −250…−11).
  public var estimation: (start: Int, end: Int) = (-250, -11)
  /// Minimum number of valid estimation returns a pair needs (default 100).
  public var minimumEstimationReturns: Int = 100
  /// Event windows (default (−1,+1), (0,0), (−5,+5)).
  public var windows: [EventWindow] = [EventWindow(-1, 1), EventWindow(0, 0), EventWindow(-5, 5)]
  /// What to do when day 0 is not a session (default: next session).
  public var nonTrading: NonTradingPolicy = .next
  /// Which market index each security is compared with.
  public var market: MarketIndexChoice = MarketIndexChoice()
  /// Factor returns (decimal units) for the factor models; `nil` otherwise.
  public var factors: FactorTable? = nil
  /// Simple (default) or log returns.
  public var returnKind: ReturnKind = .simple
  /// The session calendar event time counts on (default: each security's exchange calendar).
  public var calendar: CalendarChoice = .exchange
  /// Store each pair's estimation-window residuals in `EstimationStats.residuals` (default off:
  /// `StudyResult.estimationResiduals(ofPair:)` recomputes them on demand from the aligned returns
  /// the result keeps, which saves L1 doubles per pair).
  public var keepEstimationResiduals: Bool = false
  /// Worker threads (0 = one per core).
  public var threads: Int = 0

  /// The defaults: market model, [−250, −11], at least 100 returns, windows (−1,1), (0,0), (−5,5).
  public init() {}

  /// The union of all event windows: the first and last event day a pair needs.
  public var eventSpan: (start: Int, end: Int) {
    (windows.map(\.start).min() ?? 0, windows.map(\.end).max() ?? 0)
  }
}

extension StringProtocol {
  func replacingUnderscores() -> String { String(map { $0 == "_" || $0 == " " ? "-" : $0 }) }
  func replacingPlus() -> String { hasPrefix("+") ? String(dropFirst()) : String(self) }
}
