import MarketData

/// Why a study (or reading its inputs) stopped. Pair-level problems are not errors: they end as a
/// `PairOutcome` in the result. Errors are reserved for the run as a whole.
public enum EventStudyError: Error, Equatable, CustomStringConvertible {
  /// A parameter has an unusable value.
  case invalidParameter(name: String, value: String, expected: String)
  /// A factor model was chosen without a factor table.
  case missingFactors(model: String)
  /// The factor table lacks a column the model needs.
  case missingFactorColumn(column: String, model: String, available: [String])
  /// A factor file could not be read.
  case factorFile(file: String, line: Int, message: String)
  /// Day 0 fell on a non-trading day under `--non-trading error`.
  case nonTradingDay(eventID: String, ticker: String, date: CivilDate, exchange: String)
  /// The price source failed.
  case priceSource(ticker: String, message: String)

  /// A one-line message saying what was expected.
  public var description: String {
    switch self {
    case .invalidParameter(let n, let v, let e): return "invalid \(n) \"\(v)\": expected \(e)"
    case .missingFactors(let m):
      return "model \(m) needs a factor table (--factors FILE, a Ken French daily file)"
    case .missingFactorColumn(let c, let m, let a):
      return "model \(m) needs factor column \(c); the factor table has \(a.joined(separator: ", "))"
    case .factorFile(let f, let l, let m): return "\(f):\(l): \(m)"
    case .nonTradingDay(let id, let t, let d, let x):
      return
        "event \(id), \(t): \(d.iso) is not a session of \(x) (policy error; use --non-trading next|previous|skip)"
    case .priceSource(let t, let m): return "reading prices of \(t): \(m)"
    }
  }
}
