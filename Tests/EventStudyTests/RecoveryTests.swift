import EventStudy
import MarketData
import Testing

/// Simulated returns with known α, β and noise, and a known abnormal return injected on day 0:
/// the market model must recover them.
@Suite struct RecoveryTests {
  @Test func marketModelRecoversAlphaBetaSigmaAndInjectedAR() throws {
    let alpha = 0.0005
    let beta = 1.3
    let sigma = 0.015
    let injected = 0.04
    let n = 80
    let sessions = TradingCalendar(exchange: .xnys).sessions(
      from: day("2023-01-03"), through: day("2025-12-31"))
    var rng = TestRandom(seed: 42)
    let market = sessions.map { _ in 0.0003 + 0.01 * rng.normal() }
    var series = [PriceSeries(ticker: "MKT", exchange: .arcx, dates: sessions, returns: market)]
    var events: [StudyEvent] = []
    for i in 0..<n {
      let d0 = 300 + 5 * i
      var r = market.map { alpha + beta * $0 + sigma * rng.normal() }
      r[d0] += injected
      series.append(PriceSeries(ticker: "S\(i)", exchange: .xnys, dates: sessions, returns: r))
      events.append(StudyEvent(id: "E\(i)", date: sessions[d0], tickers: ["S\(i)"]))
    }
    var p = StudyParameters()
    p.market = MarketIndexChoice(defaultTicker: "MKT")
    let result = try EventStudy.run(events: events, prices: InMemoryPriceSource(series), parameters: p)
    #expect(result.pairs.allSatisfy { $0.outcome == .ok })
    func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }
    let est = result.pairs.compactMap(\.estimation)
    // Standard errors of the means over 80 pairs: β̂ ≈ 0.015/(0.01·√240)/√80 ≈ 0.011,
    // α̂ ≈ 0.015/√240/√80 ≈ 0.00011, AR₀ ≈ 0.015/√80 ≈ 0.0017. Tolerances are about 4 s.e.
    #expect(abs(mean(est.map(\.beta)) - beta) < 0.045)
    #expect(abs(mean(est.map(\.alpha)) - alpha) < 0.0005)
    #expect(abs(mean(est.map(\.sigma)) - sigma) < 0.0006)
    #expect(est.allSatisfy { $0.l1 == 240 })
    let ar0 = mean(result.pairs.compactMap { $0.daily(at: 0)?.ar })
    #expect(abs(ar0 - injected) < 0.007)
    for tau in [-5, -1, 1, 5] {
      #expect(abs(mean(result.pairs.compactMap { $0.daily(at: tau)?.ar })) < 0.007)
    }
    let car = mean(result.pairs.compactMap { $0.result(for: EventWindow(-1, 1))?.car })
    #expect(abs(car - injected) < 0.012)
    // SCAR(0,0) ≈ 0.04/0.015 ≈ 2.67 on average; SARs off day 0 have mean ≈ 0 and variance ≈ 1.
    let scar0 = mean(result.pairs.compactMap { $0.result(for: EventWindow(0, 0))?.scar })
    #expect(abs(scar0 - injected / sigma) < 0.5)
    let sarOff = result.pairs.compactMap { $0.daily(at: -3)?.sar }
    let m = mean(sarOff)
    let v = mean(sarOff.map { ($0 - m) * ($0 - m) })
    #expect(abs(v - 1) < 0.4)
  }
}
