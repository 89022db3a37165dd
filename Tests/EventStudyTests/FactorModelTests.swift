import EventStudy
import MarketData
import Testing

/// Factor models, Scholes-Williams and Dimson on twelve XNYS sessions s0…s11 (2025-01-02 …
/// 2025-01-21; 01-09 and 01-20 closed). Day 0 = s9 (2025-01-16), estimation [−8, −2] = s1…s7,
/// window (−1, +1) = s8…s10. Factor files are written as Ken French ships them (preamble, percent,
/// CRLF, copyright footer). Expected numbers: numpy `lstsq` on [1, factors] for α, b, s² =
/// SSR/(L1 − k − 1), S_it² = s²(1 + x′(A′A)⁻¹x), S_CAR² = s²(L2 + z′(A′A)⁻¹z) with z = (L2, Σ_win x);
/// p = 2·scipy.stats.t.sf(|SCAR|, df). Scholes-Williams and Dimson as documented in `ModelFit`.
@Suite struct FactorModelTests {
  static let ff3Lines = [
    "This file was created using the 202509 CRSP database.",
    "The Tbill return is ...",
    "",
    ",Mkt-RF,SMB,HML,RF",
    "20250102,    0.50,    0.10,   -0.20,    0.02",
    "20250103,   -1.20,    0.30,    0.10,    0.02",
    "20250106,    0.80,   -0.20,    0.30,    0.02",
    "20250107,    0.30,    0.40,   -0.10,    0.02",
    "20250108,   -0.40,   -0.10,    0.20,    0.02",
    "20250110,    1.10,    0.20,   -0.40,    0.02",
    "20250113,   -0.70,    0.00,    0.10,    0.02",
    "20250114,    0.20,   -0.30,    0.20,    0.02",
    "20250115,    0.90,    0.10,   -0.10,    0.02",
    "20250116,   -0.30,    0.20,    0.00,    0.02",
    "20250117,    0.60,   -0.10,    0.30,    0.02",
    "20250121,    0.10,    0.00,    0.10,    0.02",
    "",
    "Copyright 2025 Eugene F. Fama and Kenneth R. French",
    "",
  ]
  static let ff5Lines = [
    "Preamble line one.",
    "",
    ",Mkt-RF,SMB,HML,RMW,CMA,RF",
    "20250102,    0.50,    0.10,   -0.20,    0.05,    0.10,    0.02",
    "20250103,   -1.20,    0.30,    0.10,   -0.10,    0.00,    0.02",
    "20250106,    0.80,   -0.20,    0.30,    0.20,   -0.10,    0.02",
    "20250107,    0.30,    0.40,   -0.10,    0.10,    0.20,    0.02",
    "20250108,   -0.40,   -0.10,    0.20,   -0.20,    0.10,    0.02",
    "20250110,    1.10,    0.20,   -0.40,    0.00,   -0.20,    0.02",
    "20250113,   -0.70,    0.00,    0.10,    0.15,    0.05,    0.02",
    "20250114,    0.20,   -0.30,    0.20,   -0.05,    0.10,    0.02",
    "20250115,    0.90,    0.10,   -0.10,    0.10,    0.00,    0.02",
    "20250116,   -0.30,    0.20,    0.00,    0.00,   -0.05,    0.02",
    "20250117,    0.60,   -0.10,    0.30,   -0.10,    0.10,    0.02",
    "20250121,    0.10,    0.00,    0.10,    0.05,    0.00,    0.02",
    "",
    "Copyright 2025 Eugene F. Fama and Kenneth R. French",
    "",
  ]
  static let momLines = [
    "caldt,UMD",
    "20250102,    0.30",
    "20250103,   -0.20",
    "20250106,    0.10",
    "20250107,    0.00",
    "20250108,    0.40",
    "20250110,   -0.30",
    "20250113,    0.20",
    "20250114,    0.10",
    "20250115,   -0.10",
    "20250116,    0.20",
    "20250117,    0.00",
    "20250121,    0.10",
    "",
  ]
  static let dates = [
    "2025-01-02", "2025-01-03", "2025-01-06", "2025-01-07", "2025-01-08", "2025-01-10", "2025-01-13",
    "2025-01-14",
    "2025-01-15", "2025-01-16", "2025-01-17", "2025-01-21",
  ]
  static let stock = [0.004, -0.013, 0.011, 0.006, -0.002, 0.012, -0.009, 0.001, 0.012, 0.030, 0.004, 0.002]
  // Market = Mkt-RF + RF, exactly as numpy printed it.
  static let market = [
    0.0052, -0.0118, 0.0082, 0.0032, -0.0038, 0.011200000000000002, -0.0068, 0.0022, 0.009200000000000002,
    -0.0028,
    0.0062, 0.0012000000000000001,
  ]

  static func run(_ model: ExpectedReturnModel, factors: FactorTable? = nil) throws -> PairResult {
    let source = InMemoryPriceSource([
      returnSeries("AAA", dates: dates, returns: stock),
      returnSeries("MKT", .arcx, dates: dates, returns: market),
    ])
    var p = StudyParameters()
    p.model = model
    p.factors = factors
    p.market = MarketIndexChoice(defaultTicker: "MKT")
    p.estimation = (-8, -2)
    p.minimumEstimationReturns = 5
    p.windows = [EventWindow(-1, 1)]
    let e = StudyEvent(id: "E", date: day("2025-01-16"), tickers: ["AAA"])
    return try #require(try EventStudy.run(events: [e], prices: source, parameters: p).pairs.first)
  }

  @Test func kenFrenchFileIsReadInPercent() throws {
    let t = try FactorTable.parseKenFrench(Self.ff3Lines.joined(separator: "\r\n"), file: "ff3.csv")
    #expect(t.names == ["MKT-RF", "SMB", "HML", "RF"])
    #expect(t.dates.count == 12)
    #expect(t.dates.first == day("2025-01-02"))
    #expect(t.value("Mkt-RF", on: day("2025-01-03")) == -1.2 / 100)
    #expect(t.value("RF", on: day("2025-01-03")) == 0.02 / 100)
    let mom = try FactorTable.parseKenFrench(Self.momLines.joined(separator: "\n"), file: "mom.csv")
    #expect(mom.names == ["MOM"])
    let c4 = t.merging(mom)
    #expect(c4.names == ["MKT-RF", "SMB", "HML", "RF", "MOM"])
    #expect(c4.value("UMD", on: day("2025-01-06")) == 0.1 / 100)
  }

  @Test func malformedFactorFilesSayWhere() {
    #expect(
      throws: EventStudyError.factorFile(
        file: "f.csv", line: 3, message: "\"x\" is not a number (expected percent, e.g. 0.45)")
    ) {
      _ = try FactorTable.parseKenFrench("pre\n,Mkt-RF,RF\n20250102,x,0.01\n", file: "f.csv")
    }
    #expect(throws: EventStudyError.self) { _ = try FactorTable.parseKenFrench("just text\n", file: "f.csv") }
  }

  @Test func factorModelWithoutFactorsIsAnError() {
    #expect(throws: EventStudyError.missingFactors(model: "ff3")) { _ = try Self.run(.famaFrench3) }
  }

  @Test func famaFrench3() throws {
    let f = try FactorTable.parseKenFrench(Self.ff3Lines.joined(separator: "\r\n"), file: "ff3.csv")
    let pair = try Self.run(.famaFrench3, factors: f)
    #expect(pair.outcome == .ok)
    let est = try #require(pair.estimation)
    #expect(est.degreesOfFreedom == 3)
    #expect(near(est.alpha, -0.0003792164674634701, 1e-9))
    #expect(near(est.betas[0], 1.2888579017264274, 1e-9))
    #expect(near(est.betas[1], 0.773731739707836, 1e-9))
    #expect(near(est.betas[2], 0.9111155378486074, 1e-9))
    #expect(near(est.sigma * est.sigma, 2.3370340858787087e-06, 1e-9))
    #expect(near(pair.daily(at: 0)?.ar ?? .nan, 0.03249832669322708, 1e-9))
    #expect(near(pair.daily(at: 0)?.sar ?? .nan, 19.27596641976591, 1e-9))
    #expect(near(pair.daily(at: 1)?.sar ?? .nan, -2.6975117178719463, 1e-9))
    let w = try #require(pair.windows.first)
    #expect(near(w.car, 0.027701660026560396, 1e-9))
    #expect(near(w.sdCAR, 0.0035006209798178977, 1e-9))
    #expect(near(w.scar, 7.913355997769697, 1e-9))
    #expect(near(w.p, 0.004206962669602258, 1e-8))
  }

  @Test func carhart4() throws {
    let f = try FactorTable.parseKenFrench(Self.ff3Lines.joined(separator: "\r\n"), file: "ff3.csv")
      .merging(try FactorTable.parseKenFrench(Self.momLines.joined(separator: "\n"), file: "mom.csv"))
    let pair = try Self.run(.carhart4, factors: f)
    let est = try #require(pair.estimation)
    #expect(est.degreesOfFreedom == 2)
    #expect(near(est.alpha, -0.0005380983577238771, 1e-9))
    #expect(near(est.betas[3], 0.45936790147881795, 1e-9))
    #expect(near(est.sigma * est.sigma, 1.8093336274816912e-06, 1e-9))
    let w = try #require(pair.windows.first)
    #expect(near(w.car, 0.027550544839614367, 1e-9))
    #expect(near(w.sdCAR, 0.003082126636551351, 1e-9))
    #expect(near(pair.daily(at: -1)?.sar ?? .nan, 0.5264725575292325, 1e-9))
  }

  @Test func famaFrench5() throws {
    let f = try FactorTable.parseKenFrench(Self.ff5Lines.joined(separator: "\r\n"), file: "ff5.csv")
    let pair = try Self.run(.famaFrench5, factors: f)
    let est = try #require(pair.estimation)
    #expect(est.degreesOfFreedom == 1)
    #expect(near(est.betas[3], -0.5603714244543991, 1e-8))
    #expect(near(est.betas[4], 0.09584282867761763, 1e-8))
    let w = try #require(pair.windows.first)
    #expect(near(w.car, 0.02646821080335519, 1e-9))
    #expect(near(w.sdCAR, 0.00482756219852575, 1e-8))
    #expect(near(w.p, 0.11485122768077519, 1e-8))
  }

  @Test func scholesWilliams() throws {
    // β₋₁, β₀, β₊₁: slopes of R_i,t on R_m,t−1, R_m,t, R_m,t+1 over t ∈ s1…s7; ρ_m: Pearson
    // correlation of (R_m,t, R_m,t−1) over the same t; β = (β₋₁ + β₀ + β₊₁)/(1 + 2ρ_m);
    // α = ȳ − β·x̄; s² = Σ(y − α − βx)²/(L1 − 2).
    let pair = try Self.run(.scholesWilliams)
    let est = try #require(pair.estimation)
    #expect(near(est.betas[1], -0.7338926174496642, 1e-10))
    #expect(near(est.betas[2], 1.1457162921348314, 1e-10))
    #expect(near(est.betas[3], -0.8326403326403327, 1e-10))
    #expect(near(est.betas[4], -0.671757774118361, 1e-10))
    #expect(near(est.beta, 1.225029434956388, 1e-10))
    #expect(near(est.alpha, 0.0004371327651578094, 1e-10))
    #expect(near(est.sigma * est.sigma, 3.869808436967416e-06, 1e-10))
    #expect(near(pair.daily(at: 0)?.ar ?? .nan, 0.03299294965272008, 1e-10))
    #expect(near(pair.daily(at: 0)?.sar ?? .nan, 15.524438300908376, 1e-9))
    #expect(near(pair.windows[0].car, 0.029253230824076083, 1e-10))
    #expect(near(pair.windows[0].sdCAR, 0.004225927042727716, 1e-10))
  }

  @Test func dimson() throws {
    // One regression of R_i,t on R_m,t−1, R_m,t, R_m,t+1 (t ∈ s1…s7); β = sum of the slopes;
    // α = ȳ − β·x̄; s² = Σ(y − α − βx)²/(L1 − 2).
    let pair = try Self.run(.dimson(lags: 1))
    let est = try #require(pair.estimation)
    #expect(near(est.betas[1], 0.15049694296173455, 1e-9))
    #expect(near(est.betas[2], 1.334216525377385, 1e-9))
    #expect(near(est.betas[3], 0.1695774296001938, 1e-9))
    #expect(near(est.beta, 1.6542908979393134, 1e-9))
    #expect(near(est.alpha, 0.00028995740642080616, 1e-9))
    #expect(near(est.sigma * est.sigma, 2.4404503201768054e-05, 1e-9))
    #expect(near(pair.daily(at: 0)?.sar ?? .nan, 6.434737062744807, 1e-9))
    #expect(near(pair.windows[0].car, 0.02428606246670223, 1e-9))
    #expect(near(pair.windows[0].sdCAR, 0.010612366672791041, 1e-9))
  }

  @Test func modelNamesRoundTrip() {
    for m in ExpectedReturnModel.all { #expect(ExpectedReturnModel(name: m.description) == m) }
    #expect(ExpectedReturnModel(name: "dimson:3") == .dimson(lags: 3))
    #expect(ExpectedReturnModel(name: "Market_Model") == .marketModel)
    #expect(ExpectedReturnModel(name: "capm?") == nil)
    #expect(
      EventWindow.parseList("-1:1,0:0,-5:+5") == [EventWindow(-1, 1), EventWindow(0, 0), EventWindow(-5, 5)])
    #expect(EventWindow.parseList("3:1") == nil)
  }
}
