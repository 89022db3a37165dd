import EventStudy
import MarketData
import Testing

/// Cross-sectional OLS of CAR on a categorical and a numeric feature with HC1 standard errors.
/// Expected numbers: numpy (b = solve(X'X, X'y), V = n/(n−k)·inv·X'diag(e²)X·inv, scipy t p-values),
/// script /tmp/stats/reg.py: CAR = .02 −.01 .035 .004 −.02 .015 .01 −.005; type = tariff ban tariff
/// deal ban deal tariff ban (reference level `ban`); size = 1.5 2 .5 3 1 2.5 1.2 .8.
@Suite struct StatisticsRegressionTests {
  static var result: StudyResult {
    let car = [0.02, -0.01, 0.035, 0.004, -0.02, 0.015, 0.01, -0.005]
    let type = ["tariff", "ban", "tariff", "deal", "ban", "deal", "tariff", "ban"]
    let size = ["1.5", "2.0", "0.5", "3.0", "1.0", "2.5", "1.2", "0.8"]
    var params = StudyParameters()
    params.windows = [EventWindow(-1, 1)]
    var pairs: [PairResult] = []
    for i in 0..<8 {
      var p = PairResult(
        eventID: "E\(i)", eventIndex: i, ticker: "T\(i)", exchange: "XNYS", eventDate: nil, eventMinute: nil,
        outcome: .ok, detail: "", attributes: [("type", type[i]), ("size", size[i])])
      p.windows = [
        WindowResult(
          window: EventWindow(-1, 1), complete: true, car: car[i], bhar: car[i], sdCAR: 1, scar: 0, csar: 0,
          t: 0,
          p: 1)
      ]
      pairs.append(p)
    }
    return StudyResult(parameters: params, events: [], pairs: pairs)
  }

  @Test func hc1() throws {
    let r = try CrossSectionalRegression.fit(
      Self.result, window: EventWindow(-1, 1), features: ["type", "size"])
    #expect(r.n == 8)
    #expect(r.coefficients.map(\.name) == ["intercept", "type=deal", "type=tariff", "size"])
    #expect(r.referenceLevels.first?.level == "ban")
    let expected: [(Double, Double, Double, Double)] = [
      (-0.0011706125516723232, 0.011414933420528394, -0.10255097498572496, 0.9232548201851789),
      (0.033458098459225816, 0.014375984598306434, 2.327360483063355, 0.08048452069550753),
      (0.031676061630965806, 0.008828446231749172, 3.587954301296102, 0.023003756928167533),
      (-0.008286358511837635, 0.008001536824986688, -1.03559587277803, 0.3588894199448326),
    ]
    for (c, e) in zip(r.coefficients, expected) {
      #expect(near(c.estimate, e.0, 1e-11))
      #expect(near(c.standardError, e.1, 1e-11))
      #expect(near(c.t, e.2, 1e-9))
      #expect(near(c.p, e.3, 1e-9))
    }
    #expect(near(r.rSquared, 0.8209275099842199, 1e-11))
    #expect(r.rows.count == 4 && r.rows[0].count == RegressionResult.columns.count)
  }

  @Test func errors() {
    #expect(throws: EventStudyError.self) {
      try CrossSectionalRegression.fit(Self.result, window: EventWindow(0, 0), features: ["type"])
    }
    // A numeric copy of a dummy makes the design singular.
    #expect(throws: EventStudyError.self) {
      try CrossSectionalRegression.fit(Self.result, window: EventWindow(-1, 1), features: ["type", "type"])
    }
  }
}
