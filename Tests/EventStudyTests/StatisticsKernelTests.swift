import EventStudy
import MarketData
import Testing

/// Every aggregate statistic on tiny inputs. Expected numbers come from the independent numpy/scipy
/// reference `Scripts/eventstats_ref.py` (script: /tmp/stats/unit.py, reproduced in the comments);
/// the simplest ones are also worked by hand.
@Suite struct StatisticsKernelTests {
  static let car = [0.012, -0.004, 0.025, 0.007, -0.011, 0.018]

  @Test func crossSectionalT() {
    // mean = 0.047/6 = 0.0078333…; scipy.stats.ttest_1samp(car, 0) → t = 1.421633919444423, p = 0.2143933682751812.
    let r = AggregateTests.crossSectionalT(Self.car)
    #expect(r.n == 6)
    #expect(near(r.statistic, 1.421633919444423, 1e-12))
    #expect(near(r.p, 0.21439336827518116, 1e-10))
    // NaN pairs are skipped, not counted.
    #expect(AggregateTests.crossSectionalT(Self.car + [.nan]).n == 6)
    #expect(AggregateTests.crossSectionalT([0.01]).statistic.isNaN)
  }

  @Test func wilcoxonSignedRank() {
    // |car| ranks: 0.004→1, 0.007→2, 0.011→3, 0.012→4, 0.018→5, 0.025→6; W⁺ = 2+4+5+6 = 17;
    // z = (17 − 6·7/4)/√(6·7·13/24) = 6.5/√22.75 = 1.3627702877384937.
    let r = AggregateTests.wilcoxon(Self.car)
    #expect(r.n == 6)
    #expect(near(r.statistic, 6.5 / 22.75.squareRoot(), 1e-14))
    #expect(near(r.p, 0.17295491798842066, 1e-10))
  }

  @Test func wilcoxonTiesAndZeros() {
    // Zero dropped (N = 6); |x| = .01,.01,.02,.02,.03,.02 → ranks 1.5,1.5,4,4,6,4 (ties of 2 and 3);
    // W⁺ = 1.5 + 4 + 4 + 6 = 15.5; var = 6·7·13/24 − ((8−2) + (27−3))/48 = 22.75 − 0.625 = 22.125;
    // z = (15.5 − 10.5)/√22.125 = 1.0629880069054678 (scipy.stats.wilcoxon, correction=False, same p).
    let r = AggregateTests.wilcoxon([0.01, -0.01, 0.02, 0.02, 0.0, 0.03, -0.02])
    #expect(r.n == 6)
    #expect(near(r.statistic, 5 / 22.125.squareRoot(), 1e-14))
    #expect(near(r.p, 0.2877873901541501, 1e-10))
  }

  @Test func skewnessAdjustedT() {
    // numpy: S = mean/sd(ddof=1), γ̂ = Σ(x − x̄)³/(N sd³), t = √N(S + γ̂S²/3 + γ̂/(6N)) = 1.3715050423621056,
    // p = 2·scipy.stats.t.sf(t, 5) = 0.22856370340514598.
    let r = AggregateTests.skewnessAdjustedT(Self.car)
    #expect(near(r.statistic, 1.3715050423621056, 1e-12))
    #expect(near(r.p, 0.22856370340514598, 1e-10))
  }

  @Test func patellZ() {
    // Σz = 3.0; Σ d/(d − 2) = 98/96 + 120/118 + 8/6 = 1.0208333 + 1.0169492 + 1.3333333 = 3.3711158;
    // Z = 3/√3.3711158 = 1.6339336538196159.
    let r = AggregateTests.patell([1.2, -0.3, 2.1], degreesOfFreedom: [98, 120, 8])
    #expect(r.n == 3)
    #expect(near(r.statistic, 3 / (98.0 / 96 + 120.0 / 118 + 8.0 / 6).squareRoot(), 1e-14))
    #expect(near(r.p, 0.10227278235526892, 1e-10))
    // d ≤ 2 has no finite variance: the pair is left out.
    #expect(AggregateTests.patell([1.0, 5.0], degreesOfFreedom: [50, 2]).n == 1)
  }

  @Test func generalizedSign() {
    // w = 4 positive of N = 6; p̂ = mean(.48,.5,.52,.47,.51,.49) = 0.495;
    // Z = (4 − 2.97)/√(6·0.495·0.505) = 1.03/1.2247… = 0.8410335310834567.
    let r = AggregateTests.generalizedSign(Self.car, positiveShare: [0.48, 0.5, 0.52, 0.47, 0.51, 0.49])
    #expect(r.n == 6)
    #expect(near(r.statistic, 1.03 / (6 * 0.495 * 0.505).squareRoot(), 1e-13))
    #expect(near(r.p, 0.4003291500120638, 1e-10))
  }

  @Test func kolariPynnonen() {
    // t_KP = 2.5·√(0.95/(1 + 29·0.05)) = 2.5·√(0.95/2.45) = 1.5567496226930977 (t, 29 df);
    // Z_KP = 3/√2.45 = 1.9166296949998198.
    let bmp = TestResult(statistic: 2.5, p: 0, n: 30)
    let kp = AggregateTests.kolariPynnonenBMP(bmp, meanCorrelation: 0.05)
    #expect(near(kp.statistic, 2.5 * (0.95 / 2.45).squareRoot(), 1e-14))
    #expect(near(kp.p, 0.13037718794057077, 1e-10))
    let z = AggregateTests.kolariPynnonenPatell(TestResult(statistic: 3, p: 0, n: 30), meanCorrelation: 0.05)
    #expect(near(z.statistic, 3 / 2.45.squareRoot(), 1e-14))
    #expect(near(z.p, 0.05528499271702408, 1e-10))
    // r̄ = 0 leaves BMP unchanged.
    #expect(AggregateTests.kolariPynnonenBMP(bmp, meanCorrelation: 0).statistic == 2.5)
  }

  @Test func crudeDependence() {
    // AAR_est = .001, −.002, .0005, .003, −.0015: mean 0.0002, Σ(d²) = 1.73e-5, Ŝ = √(1.73e-5/4) = 0.0020797…;
    // t = 0.01/(√3·Ŝ) = 2.860062779067009, df 4, p = 0.04592657435422224.
    let r = AggregateTests.crudeDependence(
      caar: 0.01, windowLength: 3, estimationAAR: [0.001, -0.002, 0.0005, 0.003, -0.0015], n: 6)
    #expect(near(r.statistic, 2.860062779067009, 1e-12))
    #expect(near(r.p, 0.04592657435422224, 1e-10))
    #expect(r.n == 6)
  }

  @Test func bootstrapIsSeededAndMatchesReference() {
    // numpy re-implementation of SplitMix64 + index ⌊u·N/2⁶⁴⌋ + np.percentile([2.5, 97.5]):
    // (−0.0026666666666666657, 0.0175) for seed 42, 999 draws.
    let a = AggregateTests.bootstrapInterval(Self.car, draws: 999, seed: 42)
    #expect(near(a.low, -0.0026666666666666657, 1e-14))
    #expect(near(a.high, 0.0175, 1e-14))
    let b = AggregateTests.bootstrapInterval(Self.car, draws: 999, seed: 42)
    #expect(a.low == b.low && a.high == b.high)
    let c = AggregateTests.bootstrapInterval(Self.car, draws: 999, seed: 43)
    #expect(a.low != c.low || a.high != c.high)
  }

  @Test func splitMixKnownValue() {
    // SplitMix64 reference output for seed 1 (Vigna's splitmix64.c): 0x910A2DEC89025CC1.
    var g = SplitMix64(seed: 1)
    #expect(g.next() == 0x910A_2DEC_8902_5CC1)
  }

  @Test func quantileRanksAndCorrelation() {
    // np.percentile([1,2,4,8], [2.5, 97.5, 50]) = 1.075, 7.7, 3.
    let s = [1.0, 2.0, 4.0, 8.0]
    #expect(near(AggregateTests.quantile(sorted: s, 0.025), 1.075, 1e-14))
    #expect(near(AggregateTests.quantile(sorted: s, 0.975), 7.7, 1e-14))
    #expect(AggregateTests.quantile(sorted: s, 0.5) == 3)
    // scipy.stats.rankdata([3,1,3,2]) = 3.5, 1, 3.5, 2.
    #expect(AggregateTests.averageRanks([3, 1, 3, 2]) == [3.5, 1, 3.5, 2])
    #expect(AggregateTests.averageRanks([1, .nan, 0])[1].isNaN)
    // np.corrcoef → 0.8304547985373997; a NaN day is skipped.
    let r = AggregateTests.pearson([0.01, 0.02, -0.01, 0.0, .nan], [0.015, 0.01, -0.02, 0.005, 0.3])
    #expect(r.n == 4)
    #expect(near(r.r, 0.8304547985373997, 1e-13))
  }
}
