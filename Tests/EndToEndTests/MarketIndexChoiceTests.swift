import Foundation
import MarketData
import Pipeline
import Testing

/// Without `--market`, each exchange's index is the first conventional one the store holds.
@Suite struct MarketIndexChoiceTests {
  @Test func conventionalIndexPerExchange() throws {
    // A CSI 300 file named 000300.csv is stored as the bare code on XSHG.
    let p = try StudySettings().parameters(available: ["000300", "MP", "SPY", "XJO.AX", "600111.SS"])
    #expect(p.market.perExchange["XSHG"] == "000300")
    #expect(p.market.perExchange["XASX"] == "XJO.AX")
    #expect(p.market.defaultTicker == "SPY")
    let shenzhen = StudyEvent(id: "E1", date: nil, tickers: ["000333.SZ"])
    #expect(p.market.ticker(for: .xshe, event: shenzhen) == "000300")
    // Yahoo's name wins over the bare code when both are stored.
    let both = try StudySettings().parameters(available: ["000300", "000300.SS", "SPY"])
    #expect(both.market.perExchange["XSHG"] == "000300.SS")
    // An exchange without any of its indices stored falls back to the default ticker.
    #expect(p.market.ticker(for: .xhkg, event: shenzhen) == "SPY")
  }

  /// A series of closes on every session of `exchange`'s calendar in 2023–2024 (a deterministic
  /// wiggle: the values only need returns).
  static func series(_ ticker: String, _ exchange: Exchange, seed: Int) -> PriceSeries {
    let from = CivilDate(year: 2023, month: 1, day: 3) ?? CivilDate(dayNumber: 0)
    let to = CivilDate(year: 2024, month: 6, day: 28) ?? CivilDate(dayNumber: 0)
    let dates = TradingCalendar(exchange: exchange).sessions(from: from, through: to)
    let closes = dates.indices.map {
      50 + 5 * sin(Double($0 * (seed + 3)) / 7) + Double($0 % (seed + 5)) / 10
    }
    return PriceSeries(ticker: ticker, exchange: exchange, dates: dates, close: closes)
  }

  @Test func aSecurityComparedWithAnotherMarketsIndexIsWarnedAbout() throws {
    let event = StudyEvent(
      id: "E1", date: CivilDate(year: 2024, month: 3, day: 13), tickers: ["BHP.AX", "LYC.AX", "MP"])
    let base = [
      Self.series("BHP.AX", .xasx, seed: 1), Self.series("LYC.AX", .xasx, seed: 2),
      Self.series("MP", .xnys, seed: 3), Self.series("SPY", .arcx, seed: 4),
    ]
    let alone = try StudyStage.run(
      events: [event], prices: InMemoryPriceSource(base), settings: StudySettings())
    #expect(
      StudyStage.marketWarnings(alone, settings: StudySettings()) == [
        "2 pair(s) on XASX are compared with SPY, not an index of their own market (none of XJO.AX, ^AXJO, STW.AX is stored); ingest one or pass --market XASX=TICKER"
      ])
    // With the ASX index stored, or the index chosen by the user, nothing to say.
    let withIndex = try StudyStage.run(
      events: [event], prices: InMemoryPriceSource(base + [Self.series("XJO.AX", .xasx, seed: 5)]),
      settings: StudySettings())
    #expect(StudyStage.marketWarnings(withIndex, settings: StudySettings()).isEmpty)
    var chosen = StudySettings()
    chosen.market = "SPY"
    let explicit = try StudyStage.run(events: [event], prices: InMemoryPriceSource(base), settings: chosen)
    #expect(StudyStage.marketWarnings(explicit, settings: chosen).isEmpty)
  }
}
