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
      summary.csv, aar.csv, regression.csv (with --regress), excluded.csv, events.csv (as used,
      with day 0), caar.svg, car_paths.svg, report.html and run.json into --out.
      `market-impact rerun OUT/run.json` runs it again.
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
    let job = StudyJob(db: db, events: events, out: out, settings: study.settings)
    let outcome = try StudyStage.perform(job, argv: CommandLine.arguments, log: log.log)
    log.say(ReportStage.summary(outcome.study))
    log.say("wrote \(outcome.written.count) files into \(out)")
  }
}
