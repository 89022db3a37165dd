import ArgumentParser
import Pipeline

/// `market-impact study`: events × stored prices → abnormal returns and reports.
struct StudyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "study",
    abstract: "Compute abnormal returns around events and write the reports.",
    discussion: """
      The events file is the extractor's events.csv or any CSV with at least `date` and `ticker`
      columns (`ticker` may list several, `;`-separated; optional `event_id`, `time` HH:MM and
      `timezone`; other columns are kept for grouping). Writes abnormal_returns.csv, car.csv,
      excluded.csv, events.csv (as used, with day 0) and caar.svg into --out.
      """)

  @Option(help: "The SQLite price store written by `ingest`.")
  var db = "market-impact.sqlite"

  @Option(help: "Events CSV.")
  var events: String

  @Option(help: "Output folder for the reports.")
  var out = "study"

  @OptionGroup var study: StudyOptions

  @Flag(help: "No progress or summary on stderr.")
  var quiet = false

  func run() throws {
    let log = Diagnostics(quiet: quiet)
    let store = try IngestStage.openStore(db)
    let result = try StudyStage.run(eventsPath: events, prices: store, settings: study.settings)
    let written = try ReportStage.write(result, to: out)
    log.say(ReportStage.summary(result))
    log.say("wrote \(written.joined(separator: ", "))")
  }
}
