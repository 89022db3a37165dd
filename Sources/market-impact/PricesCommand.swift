import ArgumentParser
import Pipeline

/// `market-impact prices`: look into the price store.
struct PricesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "prices", abstract: "List or export the stored price series.",
    subcommands: [List.self, Export.self])

  /// `prices list`.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List securities with exchange, date range, row count and calendar gaps (CSV on stdout).")
    @Option(help: "The SQLite price store.")
    var db = "market-impact.sqlite"
    func run() throws { print(try PriceListing.securitiesCSV(database: db), terminator: "") }
  }

  /// `prices export`.
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Print one stored series as CSV on stdout: date,open,high,low,close,adj_close,volume, oldest first.")
    @Option(help: "The SQLite price store.")
    var db = "market-impact.sqlite"
    @Argument(help: "Ticker as stored (e.g. MP, 600111.SS).")
    var ticker: String
    func run() throws { print(try PriceListing.exportCSV(database: db, ticker: ticker), terminator: "") }
  }
}
