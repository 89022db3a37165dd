import ArgumentParser
import Pipeline

/// The `market-impact` command line: one subcommand per stage, plus `run` for the whole job.
@main
struct MarketImpact: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "market-impact",
    abstract: "Measure how markets react to trade-policy news.",
    discussion: """
      Typical use: market-impact run --articles DIR --prices DIR --out DIR
      Stages on their own: ingest (price CSVs → SQLite store), extract (articles → events CSV),
      study (events × stored prices → abnormal returns and reports).
      """,
    version: MarketImpactVersion.current,
    subcommands: [
      RunCommand.self, IngestCommand.self, PricesCommand.self, ExtractCommand.self, DatesCommand.self,
      StudyCommand.self, RerunCommand.self, CalendarCommand.self,
    ])
}
