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
}
