import EventStudy
import Foundation
import MarketData
import Testing

/// Timing of `StudyStatistics.summarize` at benchmark scale, skipped unless `MI_SCALE` is set:
/// 200 event dates × `MI_SCALE` securities (500 → 100,000 pairs) of simulated returns, grouped by a
/// four-level `type` column. Prints the seconds spent in the study and in the summary.
@Suite struct StatisticsScale {
  static let securities = Int(ProcessInfo.processInfo.environment["MI_SCALE"] ?? "")

  @Test(.enabled(if: securities != nil)) func timing() throws {
    let n = try #require(Self.securities)
    let sessions = TradingCalendar(exchange: .xnys).sessions(
      from: day("2019-01-02"), through: day("2024-12-31"))
    var rng = TestRandom(seed: 7)
    let market = sessions.map { _ in 0.0003 + 0.01 * rng.normal() }
    var series = [PriceSeries(ticker: "MKT", exchange: .arcx, dates: sessions, returns: market)]
    for i in 0..<n {
      let r = market.map { 0.9 * $0 + 0.02 * rng.normal() }
      series.append(PriceSeries(ticker: "S\(i)", exchange: .xnys, dates: sessions, returns: r))
    }
    let types = ["tariff", "export_control", "deal", "sanction"]
    let tickers = (0..<n).map { "S\($0)" }
    let events = (0..<200).map {
      StudyEvent(
        id: "E\($0)", date: sessions[300 + 5 * $0], tickers: tickers, attributes: [("type", types[$0 % 4])])
    }
    var p = StudyParameters()
    p.market = MarketIndexChoice(defaultTicker: "MKT")
    p.windows = [EventWindow(-1, 1), EventWindow(-5, 5)]
    let clock = ContinuousClock()
    let t0 = clock.now
    let result = try EventStudy.run(events: events, prices: InMemoryPriceSource(series), parameters: p)
    let t1 = clock.now
    let env = ProcessInfo.processInfo.environment
    let summary = StudyStatistics.summarize(
      result, groupBy: ["type"], bootstrapDraws: Int(env["MI_SCALE_DRAWS"] ?? "") ?? 999,
      maximumCorrelationPairs: Int(env["MI_SCALE_CORR"] ?? "") ?? 200_000)
    let t2 = clock.now
    print(
      "pairs \(result.pairs.count), study \(t1 - t0), summarize \(t2 - t1), groups \(summary.groups.count)")
    #expect(summary.groups.count == 5)
  }
}
