import ArgumentParser

/// The `market-impact` command line.
@main
struct MarketImpact: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "market-impact",
    abstract: "Measure how markets react to trade-policy news.",
    subcommands: [CalendarCommand.self])
}
