import EventStudy
import MarketData
import Testing

/// Hand-worked market-model, mean-adjusted and market-adjusted numbers on a ten-session panel.
///
/// XNYS sessions s0…s9 = 2025-01-02, 01-03, 01-06, 01-07, 01-08, 01-10 (01-09 closed: national day
/// of mourning), 01-13, 01-14, 01-15, 01-16. Day 0 = 2025-01-14 (s7); estimation [−6, −2] is
/// s1…s5, so the closed 01-09 is not counted; event window (−1, +1) is s6…s8.
///   estimation x (market) = 0.01, −0.02, 0.03, 0.00, 0.02   y (stock) = 0.02, −0.01, 0.04, 0.01, 0.01
///   event      x = 0.01, 0.02, −0.01                         y = 0.015, 0.05, −0.005
/// By hand: x̄ = 0.008, ȳ = 0.014, Σ(x−x̄)² = 0.00148, Σ(x−x̄)(y−ȳ) = 0.00124,
///   β = 1240/1480 = 31/37 = 0.837837…, α = 0.014 − (31/37)(0.008) = 0.27/37 = 0.0072972…
/// The remaining values (s², S_it, S_CAR, p) were computed with numpy/scipy from the formulas in
/// event-study-methods.md (script in the comment of each expectation's source: /tmp/study/mm.py).
@Suite struct ModelArithmeticTests {
  static let dates = [
    "2025-01-02", "2025-01-03", "2025-01-06", "2025-01-07", "2025-01-08", "2025-01-10", "2025-01-13",
    "2025-01-14",
    "2025-01-15", "2025-01-16",
  ]
  static let market = [0.0, 0.01, -0.02, 0.03, 0.00, 0.02, 0.01, 0.02, -0.01, 0.0]
  static let stock = [0.0, 0.02, -0.01, 0.04, 0.01, 0.01, 0.015, 0.05, -0.005, 0.0]

  static func run(_ model: ExpectedReturnModel) throws -> PairResult { try runAll(model).pairs[0] }

  static func runAll(_ model: ExpectedReturnModel) throws -> StudyResult {
    let source = InMemoryPriceSource([
      returnSeries("SPY", .arcx, dates: dates, returns: market),
      returnSeries("AAA", dates: dates, returns: stock),
    ])
    var p = StudyParameters()
    p.model = model
    p.estimation = (-6, -2)
    p.minimumEstimationReturns = 3
    p.windows = [EventWindow(-1, 1), EventWindow(0, 0)]
    let events = [StudyEvent(id: "E1", date: day("2025-01-14"), tickers: ["AAA"])]
    return try EventStudy.run(events: events, prices: source, parameters: p)
  }

  @Test func marketModel() throws {
    let result = try Self.runAll(.marketModel)
    let pair = result.pairs[0]
    #expect(pair.outcome == .ok)
    #expect(pair.day0 == day("2025-01-14"))
    let est = try #require(pair.estimation)
    #expect(est.l1 == 5)
    #expect(est.dates.first == day("2025-01-03"))
    #expect(est.dates.last == day("2025-01-10"))
    #expect(near(est.beta, 31.0 / 37.0))
    #expect(near(est.alpha, 0.27 / 37.0))
    #expect(near(est.marketMean, 0.008))
    #expect(near(est.marketSumSquares, 0.00148))
    #expect(est.degreesOfFreedom == 3)
    // s² = SSR/(L1 − 2) = 9.36936936936937e-05 (numpy).
    #expect(near(est.sigma * est.sigma, 9.36936936936937e-05))
    // Residuals sum to zero (OLS with an intercept).
    let resid = try #require(result.estimationResiduals(ofPair: 0))
    #expect(resid.residuals.count == 5)
    #expect(abs(resid.residuals.reduce(0, +)) < 1e-15)
    // AR_t = y − α − βx: day 0: 0.05 − 0.27/37 − (31/37)(0.02) = 0.96/37 = 0.025945945…
    let d0 = try #require(pair.daily(at: 0))
    #expect(d0.date == day("2025-01-14"))
    #expect(near(d0.ar, 0.96 / 37))
    #expect(near(pair.daily(at: -1)?.ar ?? .nan, -0.0006756756756756792))
    #expect(near(pair.daily(at: 1)?.ar ?? .nan, -0.003918918918918924))
    // SAR = AR / (s·√(1 + 1/L1 + (x − x̄)²/Σ(x − x̄)²)) (numpy).
    #expect(near(d0.sar, 2.353393621658208))
    #expect(near(pair.daily(at: -1)?.sar ?? .nan, -0.0636508138360221))
    let w = try #require(pair.result(for: EventWindow(-1, 1)))
    #expect(w.complete)
    #expect(near(w.car, 0.02135135135135134))
    // S_CAR = s·√(L2 + L2²/L1 + (Σ_win(x − x̄))²/Σ_est(x − x̄)²) = 0.021230700283467296 (numpy).
    #expect(near(w.sdCAR, 0.021230700283467296))
    #expect(near(w.scar, 1.0056828586091433))
    #expect(near(w.t, w.scar))
    // Two-sided Student t p with L1 − 2 = 3 df: scipy 2·t.sf(1.00568…, 3).
    #expect(near(w.p, 0.38865904639818594, 1e-10))
    #expect(near(w.csar, 1.1257507902603705))
    // BHAR = (1.015)(1.05)(0.995) − Π(1 + α + βx) (numpy).
    #expect(near(w.bhar, 0.021438896496752236))
    let w0 = try #require(pair.result(for: EventWindow(0, 0)))
    #expect(near(w0.car, 0.96 / 37))
    #expect(near(w0.scar, 2.353393621658208))
    #expect(near(w0.p, 0.09999726058478733, 1e-10))
  }

  @Test func meanAdjusted() throws {
    let pair = try Self.run(.meanAdjusted)
    let est = try #require(pair.estimation)
    // μ = 0.07/5 = 0.014; s² = Σ(y − μ)²/(L1 − 1) = (0.006² + 0.024² + 0.026² + 0.004² + 0.004²)/4
    //   = 0.00132/4 = 0.00033.
    #expect(near(est.alpha, 0.014))
    #expect(near(est.sigma * est.sigma, 0.00033))
    #expect(est.degreesOfFreedom == 4)
    // AR day 0 = 0.05 − 0.014 = 0.036; S = s·√(1 + 1/5) → SAR = 0.036/√(0.00033·1.2) = 1.809068067466582.
    let d0 = try #require(pair.daily(at: 0))
    #expect(near(d0.ar, 0.036))
    #expect(near(d0.sar, 1.809068067466582))
    // CAR(−1, 1) = 0.001 + 0.036 − 0.019 = 0.018; S_CAR = √(0.00033·(3 + 9/5)) = 0.0397994974842648.
    let w = try #require(pair.result(for: EventWindow(-1, 1)))
    #expect(near(w.car, 0.018))
    #expect(near(w.sdCAR, 0.0397994974842648))
  }

  @Test func marketAdjusted() throws {
    let pair = try Self.run(.marketAdjusted)
    let est = try #require(pair.estimation)
    // y − x over the estimation = 0.01, 0.01, 0.01, 0.01, −0.01: mean 0.006, s² = (4·0.004² + 0.016²)/4 = 0.00008.
    #expect(near(est.sigma * est.sigma, 0.00008))
    // AR = y − x: 0.005, 0.03, 0.005; CAR = 0.04; no estimation error: S_CAR = √(3·0.00008).
    let w = try #require(pair.result(for: EventWindow(-1, 1)))
    #expect(near(w.car, 0.04))
    #expect(near(w.sdCAR, (3 * 0.00008).squareRoot()))
    #expect(near(w.scar, 2.581988897471611))
    #expect(near(pair.daily(at: 0)?.sar ?? .nan, 0.03 / 0.00008.squareRoot()))
  }

  @Test func studentPValues() {
    // scipy: 2·t.sf(2, 10), 2·t.sf(1, 3), 2·t.sf(3.5, 250), 2·norm.sf(1.96).
    #expect(near(StudyMath.studentTwoSidedP(2.0, df: 10), 0.07338803477074037, 1e-11))
    #expect(near(StudyMath.studentTwoSidedP(-1.0, df: 3), 0.3910022189557705, 1e-11))
    #expect(near(StudyMath.studentTwoSidedP(3.5, df: 250), 0.0005507336956973843, 1e-11))
    #expect(near(StudyMath.normalTwoSidedP(1.96), 0.04999579029644087, 1e-11))
  }
}
