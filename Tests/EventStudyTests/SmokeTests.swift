import EventStudy
import MarketData
import Testing

@Suite struct SmokeTests {
  @Test func defaultsMatchTheConventions() {
    let p = StudyParameters()
    #expect(p.model == .marketModel)
    #expect(p.estimation == (-250, -11))
    #expect(p.minimumEstimationReturns == 100)
    #expect(p.windows == [EventWindow(-1, 1), EventWindow(0, 0), EventWindow(-5, 5)])
    #expect(p.nonTrading == .next)
  }
}
