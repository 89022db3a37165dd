import ArgumentParser
import Pipeline

/// `market-impact ingest`: price CSVs → the SQLite store.
struct IngestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ingest",
    abstract: "Load price CSVs (any common vendor layout) into the SQLite price store.",
    discussion: """
      Delimiter, header, date format, number format, column roles and layout are detected; every
      detected setting can be overridden. Each file is stored in one transaction; rows that cannot
      be used are recorded in the store's rejects table and listed on stderr with file:line.
      """)

  @Argument(help: "Price CSV files or folders.")
  var paths: [String]

  @Option(help: "The SQLite price store to write (created when missing).")
  var db = "market-impact.sqlite"

  @Option(help: "Ticker for every row (overrides the ticker column and the file name).")
  var ticker: String?

  @OptionGroup var reading: IngestOptions

  @Flag(
    inversion: .prefixedNo,
    help: "The values are returns (--returns) or prices (--no-returns); default: decided from the file.")
  var returns: Bool? = nil

  @Flag(name: .customLong("dry-run"), help: "Print what was detected without writing the store.")
  var dryRun = false

  @Flag(help: "No progress on stderr.")
  var quiet = false

  func run() throws {
    let log = Diagnostics(quiet: quiet)
    var settings = reading.settings
    settings.ticker = ticker
    settings.returns = returns
    _ = try IngestStage.run(
      paths: paths, database: db, settings: settings, dryRun: dryRun,
      onFile: { report in
        if dryRun {
          print(IngestReportText.dryRun(report))
          return
        }
        log.say(IngestReportText.line(report))
        for reject in report.file.rejects.prefix(20) { log.say("  rejected \(reject.message)") }
        if report.file.rejects.count > 20 {
          log.say("  … \(report.file.rejects.count - 20) more rejects in the store")
        }
      },
      onError: { log.say("error: \($0)") })
  }
}
