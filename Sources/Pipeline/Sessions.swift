import MarketData

/// Lists exchange sessions for the `calendar` command.
public enum Sessions {
  /// The sessions of `exchange` from `from` through `to` (ISO dates), as ISO strings.
  public static func list(exchange: String, from: String, to: String) throws(PipelineError) -> [String] {
    guard let ex = Exchange.named(exchange) else {
      throw .invalidArgument(
        "unknown exchange \"\(exchange)\" (expected a MIC such as XNYS, XSHG, XASX, XHKG, XLON, XTKS, XTSE, XFRA)"
      )
    }
    guard let start = CivilDate(iso: from) else {
      throw .invalidArgument("--from \"\(from)\" is not a date (expected YYYY-MM-DD)")
    }
    guard let end = CivilDate(iso: to) else {
      throw .invalidArgument("--to \"\(to)\" is not a date (expected YYYY-MM-DD)")
    }
    return TradingCalendar(exchange: ex).sessions(from: start, through: end).map(\.iso)
  }
}
