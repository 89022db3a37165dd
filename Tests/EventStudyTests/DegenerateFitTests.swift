import EventStudy
import Foundation
import MarketData
import Testing

/// A security that is its own market index fits the market model exactly (α = 0, β = 1, every
/// residual 0): its standardized returns would be 0/0. It is excluded as `degenerate_estimation`,
/// never reported `ok` with empty SAR, and the other pairs are untouched.
@Suite struct DegenerateFitTests {
  @Test func aSecurityRegressedOnItselfIsDegenerate() throws {
    let event = StudyEvent(id: "E1", date: day("2025-06-24"), tickers: ["SPY", "AAA"])
    let r = try EventStudy.run(
      events: [event], prices: StudyRunTests.source(), parameters: StudyRunTests.parameters)
    #expect(r.pairs.map(\.outcome) == [.degenerateEstimation, .ok])
    let spy = r.pairs[0]
    #expect(spy.detail.contains("fits the security exactly"))
    #expect(spy.windows.isEmpty)
    #expect(spy.daily.isEmpty)
    #expect(PairOutcome.degenerateEstimation.code == "degenerate_estimation")
    #expect(r.outcomeCounts.first { $0.outcome == .degenerateEstimation }?.count == 1)
    let aaa = r.pairs[1]
    #expect(aaa.daily.allSatisfy { $0.sar.isFinite })
    #expect(aaa.windows.allSatisfy { $0.scar.isFinite })
  }

  @Test func aNoisyFitIsNotDegenerate() throws {
    // Mean-adjusted on a random walk: σ is the return's own standard deviation (about 1%).
    var p = StudyRunTests.parameters
    p.model = .meanAdjusted
    let event = StudyEvent(id: "E1", date: day("2025-06-24"), tickers: ["SPY"])
    let r = try EventStudy.run(events: [event], prices: StudyRunTests.source(), parameters: p)
    #expect(r.pairs.map(\.outcome) == [.ok])
    #expect((r.pairs[0].estimation?.sigma ?? 0) > 0.001)
  }
}
