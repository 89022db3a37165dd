import ArgumentParser
import Pipeline

/// `market-impact calendar`: list an exchange's trading sessions.
struct CalendarCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "calendar",
    abstract: "List the trading sessions of an exchange between two dates, one ISO date per line.")

  @Argument(
    help: "Exchange MIC or common name (XNYS, XSHG, XASX, XHKG, XLON, XTKS, XTSE, XFRA, NYSE, SSE, ASX…).")
  var exchange: String

  @Option(name: .customLong("from"), help: "First day (YYYY-MM-DD).")
  var from: String

  @Option(help: "Last day (YYYY-MM-DD), inclusive.")
  var to: String

  func run() throws {
    for day in try Sessions.list(exchange: exchange, from: from, to: to) { print(day) }
  }
}
