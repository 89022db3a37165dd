import ArgumentParser
import Pipeline

/// `market-impact extract`: articles → trade-policy events.
struct ExtractCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "extract",
    abstract: "Find trade-policy announcements in articles, date them and map companies to tickers.",
    discussion: """
      Reads .txt (optional Title:/Published:/URL:/Source: header lines before a blank line), .html,
      RSS/Atom feeds, .json and .jsonl; folders are read recursively. Writes the events CSV (or JSON
      Lines), which feeds `market-impact study` directly.
      """)

  @Argument(help: "Article files or folders.")
  var paths: [String]

  @Option(help: "Events output file (default: stdout).")
  var out: String?

  @Option(help: "Output format: csv or jsonl.")
  var format = "csv"

  @Option(
    name: .customLong("articles-out"),
    help: "Also write one row per article: article,title,published,published_source,event_count.")
  var articlesOut: String?

  @Option(help: "Company → ticker alias table(s) added to the built-in one.")
  var tickers: [String] = []

  @Option(help: "Publication date for articles (overrides what the articles say): YYYY-MM-DD[THH:MM±HH:MM].")
  var published: String?

  @Option(help: "IANA time zone of naive times in the articles (e.g. America/New_York).")
  var timezone: String?

  @Flag(help: "No warnings on stderr.")
  var quiet = false

  func run() throws {
    let log = Diagnostics(quiet: quiet)
    var settings = ExtractSettings()
    settings.tickerFiles = tickers
    settings.published = published
    settings.timeZone = timezone
    let result = try ExtractStage.run(
      paths: paths, settings: settings, onWarning: { log.say("warning: \($0)") })
    let text = try ExtractStage.render(result, format: format)
    if let out { try Inputs.write(text, to: out) } else { print(text, terminator: "") }
    if let articlesOut { try Inputs.write(ExtractStage.renderArticles(result), to: articlesOut) }
    log.say("\(result.events.count) event(s) in \(result.articles.count) article(s)")
  }
}
