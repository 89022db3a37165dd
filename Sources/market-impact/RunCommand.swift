import ArgumentParser
import Pipeline

/// `market-impact run`: the whole job (ingest, extract, study, reports) in one command.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Ingest prices, extract events from articles, run the study and write every report.",
    discussion: """
      Writes into --out: market-impact.sqlite (the price store), events_extracted.csv,
      articles.csv, the study reports (abnormal_returns.csv, car.csv, summary.csv, aar.csv,
      regression.csv with --regress, excluded.csv, events.csv, caar.svg, car_paths.svg,
      report.html) and run.json, the manifest that `market-impact rerun` re-runs.
      """)

  @Option(help: "Article file or folder (repeatable): .txt, .html, RSS/Atom, .json, .jsonl.")
  var articles: [String]

  @Option(help: "Price CSV file or folder (repeatable).")
  var prices: [String]

  @Option(help: "Output folder.")
  var out = "out"

  @Option(
    help:
      "Company → ticker alias table(s) added to the built-in one (ticker,exchange,company,aliases,requires_cue)."
  )
  var tickers: [String] = []

  @Option(help: "Publication date for articles that carry none (YYYY-MM-DD).")
  var published: String?

  @OptionGroup(title: "Reading the price CSVs") var reading: IngestOptions

  @Flag(
    name: .customLong("input-returns"), inversion: .prefixedNo,
    help:
      "The price CSVs hold returns (--input-returns) or prices (--no-input-returns); default: decided per file."
  )
  var inputReturns: Bool? = nil

  @OptionGroup var study: StudyOptions

  @Flag(help: "No progress or summary on stderr.")
  var quiet = false

  func run() throws {
    let log = Diagnostics(quiet: quiet)
    var extract = ExtractSettings()
    extract.tickerFiles = tickers
    extract.published = published
    var ingest = reading.settings
    ingest.returns = inputReturns
    let job = RunJob(
      articles: articles, prices: prices, out: out, ingest: ingest, extract: extract, study: study.settings)
    let outcome = try RunStage.perform(job, argv: CommandLine.arguments, log: log.log)
    log.say(ReportStage.summary(outcome.study))
    log.say("wrote \(outcome.written.count) files into \(out)")
  }
}
