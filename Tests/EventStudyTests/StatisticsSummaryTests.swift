import EventStudy
import MarketData
import Testing

/// `StudyStatistics.summarize` on a three-pair study built by hand: estimation τ −8…−3 (six
/// residuals each, C missing one), windows (−1, 1) and (0, 0). A and B share calendar days; C's
/// estimation starts two days later (four common days). Expected numbers: the independent numpy/scipy
/// reference `Scripts/eventstats_ref.py` (`summarize_group`), script /tmp/stats/unit.py:
///   A resid .01 −.02 .015 −.005 0 .012, s .013; days −1,0,1: AR .004 .03 −.01, SAR .3 2.1 −.7;
///     (−1,1): CAR .024 BHAR .0243 SCAR 1.2 CSAR 1.1
///   B resid .004 −.01 .02 .003 −.011 .006, s .011; AR −.002 .012 .005, SAR −.2 1 .4;
///     (−1,1): CAR .015 BHAR .0151 SCAR .7 CSAR .69
///   C resid −.006 .002 NaN .009 −.004 .001, s .008; AR .001 −.004 .002, SAR .15 −.5 .25;
///     (−1,1): CAR −.001 BHAR −.0009 SCAR −.08 CSAR −.07
/// All with d = 4 residual degrees of freedom.
@Suite struct StatisticsSummaryTests {
  static func pair(
    _ id: String, type: String, firstDay: Int32, resid: [Double], sigma: Double, ar: [Double], sar: [Double],
    window: (car: Double, bhar: Double, scar: Double, csar: Double)
  ) -> PairResult {
    var p = PairResult(
      eventID: id, eventIndex: 0, ticker: id, exchange: "XNYS", eventDate: nil, eventMinute: nil,
      outcome: .ok,
      detail: "", attributes: [("type", type)])
    let dates = (0..<6).map { CivilDate(dayNumber: firstDay + Int32($0)) }
    p.estimation = EstimationStats(
      l1: 6, alpha: 0, betas: [1], coefficientNames: ["market"], sigma: sigma, degreesOfFreedom: 4,
      marketMean: 0, marketSumSquares: 1, dates: dates[...], residuals: resid)
    p.daily = (0..<3).map {
      DailyAbnormalReturn(
        date: CivilDate(dayNumber: firstDay + 10 + Int32($0)), day: $0 - 1, ret: ar[$0], expected: 0,
        ar: ar[$0],
        sar: sar[$0])
    }
    p.windows = [
      WindowResult(
        window: EventWindow(-1, 1), complete: true, car: window.car, bhar: window.bhar, sdCAR: 1,
        scar: window.scar, csar: window.csar, t: window.scar, p: 0),
      WindowResult(
        window: EventWindow(0, 0), complete: true, car: ar[1], bhar: ar[1], sdCAR: 1, scar: sar[1],
        csar: sar[1],
        t: sar[1], p: 0),
    ]
    return p
  }

  static var result: StudyResult {
    var params = StudyParameters()
    params.estimation = (-8, -3)
    params.windows = [EventWindow(-1, 1), EventWindow(0, 0)]
    let pairs = [
      pair(
        "A", type: "x", firstDay: 20000, resid: [0.01, -0.02, 0.015, -0.005, 0.0, 0.012], sigma: 0.013,
        ar: [0.004, 0.03, -0.01], sar: [0.3, 2.1, -0.7], window: (0.024, 0.0243, 1.2, 1.1)),
      pair(
        "B", type: "x", firstDay: 20000, resid: [0.004, -0.01, 0.02, 0.003, -0.011, 0.006], sigma: 0.011,
        ar: [-0.002, 0.012, 0.005], sar: [-0.2, 1.0, 0.4], window: (0.015, 0.0151, 0.7, 0.69)),
      pair(
        "C", type: "y", firstDay: 20002, resid: [-0.006, 0.002, .nan, 0.009, -0.004, 0.001], sigma: 0.008,
        ar: [0.001, -0.004, 0.002], sar: [0.15, -0.5, 0.25], window: (-0.001, -0.0009, -0.08, -0.07)),
    ]
    var excluded = PairResult(
      eventID: "D", eventIndex: 0, ticker: "D", exchange: "XNYS", eventDate: nil, eventMinute: nil,
      outcome: .insufficientEstimation, detail: "", attributes: [("type", "x")])
    excluded.windows = []
    return StudyResult(parameters: params, events: [], pairs: pairs + [excluded])
  }

  static func check(_ t: TestResult, _ stat: Double, _ p: Double, n: Int = 3) {
    #expect(near(t.statistic, stat, 1e-10), "statistic \(t.statistic) vs \(stat)")
    #expect(near(t.p, p, 1e-9), "p \(t.p) vs \(p)")
    #expect(t.n == n)
  }

  @Test func windowMinusOneToOne() throws {
    let s = StudyStatistics.summarize(Self.result, groupBy: [], minimumCommonDays: 3)
    let all = try #require(s.group("all"))
    #expect(all.pairs == 3)  // the excluded pair does not enter
    #expect(all.correlationPairs == 3)
    #expect(near(all.meanCorrelation, -0.07169603009055174, 1e-12))
    let w = all.windows[0]
    #expect(w.window == EventWindow(-1, 1))
    #expect(w.n == 3)
    #expect(near(w.caar, 0.038 / 3, 1e-15))
    #expect(near(w.abhar, 0.0385 / 3, 1e-15))
    Self.check(w.tests.crossSectional, 1.732650859832702, 0.22529602360703674)
    Self.check(w.tests.crudeDependence, 0.7831598047882989, 0.4689859283129563)
    Self.check(w.tests.patell, 0.7021870595978444, 0.48256251458414334)
    Self.check(w.tests.bmp, 1.628900317635593, 0.24488478051487722)
    Self.check(w.tests.kpBMP, 1.8219618170725669, 0.21004558031268325)
    Self.check(w.tests.kpPatell, 0.7586854826231496, 0.4480407232143284)
    Self.check(w.tests.corrado, 0.33842000798232535, 0.7350466985025135)
    Self.check(w.tests.grank, 1.1122619626384966, 0.31662328094671427)
    Self.check(w.tests.generalizedSign, 0.2737914429032384, 0.7842449000189287)
    Self.check(w.tests.wilcoxon, 1.0690449676496976, 0.28504940740261275)
    Self.check(w.tests.skewnessAdjusted, 1.6258818206286068, 0.2454871534714618)
    #expect(near(w.bootstrapLow, -0.001, 1e-14))
    #expect(near(w.bootstrapHigh, 0.024, 1e-14))
  }

  @Test func dayZero() throws {
    let s = StudyStatistics.summarize(Self.result, groupBy: [], minimumCommonDays: 3)
    let all = try #require(s.group("all"))
    #expect(all.days.map(\.day) == [-1, 0, 1])
    let d = all.days[1]
    #expect(d.n == 3)
    #expect(near(d.aar, 0.038 / 3, 1e-15))
    // CAAR through day 0: (0.004 + 0.03 − 0.002 + 0.012 + 0.001 − 0.004)/3 = 0.041/3.
    #expect(near(d.caar, 0.041 / 3, 1e-15))
    Self.check(d.tests.crossSectional, 1.289804043274048, 0.3261394429746868)
    Self.check(d.tests.crudeDependence, 1.3564725723390572, 0.23298192655825734)
    Self.check(d.tests.patell, 1.061445555206044, 0.28848746332348907)
    Self.check(d.tests.bmp, 1.150172283529903, 0.3690361104488228)
    Self.check(d.tests.kpBMP, 1.2864936920685488, 0.3270852496034824)
    Self.check(d.tests.kpPatell, 1.1468501481512727, 0.2514435591283656)
    Self.check(d.tests.corrado, 0.9769344135387541, 0.32860162330529963)
    // GRANK and the bootstrap interval are window statistics: the day row has neither (the
    // one-day window 0:0 below has both).
    #expect(d.tests.grank.statistic.isNaN && d.tests.grank.n == 0)
    Self.check(d.tests.generalizedSign, 0.2737914429032384, 0.7842449000189287)
    Self.check(d.tests.wilcoxon, 1.0690449676496976, 0.28504940740261275)
    Self.check(d.tests.skewnessAdjusted, 1.3060983487694713, 0.32153187563446206)
    #expect(d.bootstrapLow.isNaN && d.bootstrapHigh.isNaN)
    // The one-day window (0, 0) equals day 0 (same SCAR = SAR, CSAR = SAR), and has GRANK.
    let w0 = all.windows[1]
    #expect(w0.tests.bmp == d.tests.bmp)
    #expect(w0.tests.corrado == d.tests.corrado)
    Self.check(w0.tests.grank, 1.1122619626384966, 0.31662328094671427)
    #expect(w0.bootstrapLow.isFinite && w0.bootstrapHigh.isFinite)
  }

  @Test func groupsAndRows() throws {
    let s = StudyStatistics.summarize(Self.result, groupBy: ["type", "ticker"], minimumCommonDays: 3)
    #expect(s.groups.map(\.name) == ["all", "type=x", "type=y", "ticker=A", "ticker=B", "ticker=C"])
    let x = try #require(s.group("type=x"))
    #expect(x.pairs == 2)  // pair D is excluded although its type is x
    #expect(near(x.windows[0].caar, 0.039 / 2, 1e-15))
    // One pair: a t statistic needs two.
    let c = try #require(s.group("ticker=C"))
    #expect(c.windows[0].n == 1)
    #expect(c.windows[0].tests.crossSectional.statistic.isNaN)
    #expect(c.meanCorrelation.isNaN)
    // Rows map onto summary.csv: the documented columns first.
    let head = Array(WindowSummary.columns.prefix(28))
    #expect(
      head.joined(separator: ",")
        == "group,window_start,window_end,n,caar,abhar,t_cs,p_cs,cda_t,p_cda,patell_z,p_patell,bmp_t,p_bmp,kp_t,p_kp,rank_z,p_rank,grank_t,p_grank,gsign_z,p_gsign,wilcoxon_z,p_wilcoxon,skew_t,p_skew,boot_lo,boot_hi"
    )
    let row = s.windowRows[0]
    #expect(row.cells.count == WindowSummary.columns.count)
    #expect(row.cells[0] == .text("all"))
    #expect(row.cells[6] == .number(row.tests.crossSectional.statistic))
    #expect(s.dayRows.first?.cells.count == DaySummary.columns.count)
    #expect(s.windowRows.count == 6 * 2)
  }

  @Test func reproducible() {
    let a = StudyStatistics.summarize(Self.result, groupBy: ["type"], minimumCommonDays: 3)
    let b = StudyStatistics.summarize(Self.result, groupBy: ["type"], minimumCommonDays: 3)
    for (x, y) in zip(a.windowRows, b.windowRows) {
      #expect(x.bootstrapLow == y.bootstrapLow && x.bootstrapHigh == y.bootstrapHigh)
    }
  }
}

/// Reproducibility across thread counts and behaviour without estimation residuals, on a
/// simulated 260-pair study (large enough for the parallel paths).
@Suite struct StatisticsDeterminismTests {
  static func study(threads: Int, keepResiduals: Bool = true) throws -> StudyResult {
    let sessions = TradingCalendar(exchange: .xnys).sessions(
      from: day("2023-01-03"), through: day("2024-12-31"))
    var rng = TestRandom(seed: 99)
    let market = sessions.map { _ in 0.0003 + 0.01 * rng.normal() }
    var series = [PriceSeries(ticker: "MKT", exchange: .arcx, dates: sessions, returns: market)]
    for i in 0..<26 {
      let r = market.map { 0.8 * $0 + 0.02 * rng.normal() }
      series.append(PriceSeries(ticker: "S\(i)", exchange: .xnys, dates: sessions, returns: r))
    }
    let tickers = (0..<26).map { "S\($0)" }
    let events = (0..<10).map {
      StudyEvent(
        id: "E\($0)", date: sessions[280 + 7 * $0], tickers: tickers,
        attributes: [("type", $0 % 2 == 0 ? "a" : "b")])
    }
    var p = StudyParameters()
    p.market = MarketIndexChoice(defaultTicker: "MKT")
    p.threads = threads
    p.keepEstimationResiduals = keepResiduals
    return try EventStudy.run(events: events, prices: InMemoryPriceSource(series), parameters: p)
  }

  static func flatten(_ s: StudySummary) -> [Double] {
    var out: [Double] = []
    for row in s.windowRows {
      for cell in row.cells {
        if case .number(let x) = cell { out.append(x) }
        if case .integer(let i) = cell { out.append(Double(i)) }
      }
    }
    for row in s.dayRows {
      for cell in row.cells { if case .number(let x) = cell { out.append(x) } }
    }
    return out
  }

  @Test func sameBitsForOneThreadAndAllCores() throws {
    let r1 = try Self.study(threads: 1)
    let r0 = try Self.study(threads: 0)
    let one = StudyStatistics.summarize(r1, groupBy: ["type"], bootstrapDraws: 99)
    let all = StudyStatistics.summarize(r0, groupBy: ["type"], bootstrapDraws: 99)
    #expect(one.groups.first?.pairs == 260)
    let a = Self.flatten(one)
    let b = Self.flatten(all)
    #expect(a.count == b.count)
    #expect(zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) })
    // Sampling r̄ (fewer pairs-of-pairs allowed than exist) is seeded: also the same bits.
    let s1 = StudyStatistics.summarize(
      r1, groupBy: [], bootstrapDraws: 9, maximumCorrelationPairs: 5_000)
    let s2 = StudyStatistics.summarize(
      r0, groupBy: [], bootstrapDraws: 9, maximumCorrelationPairs: 5_000)
    #expect(s1.groups[0].meanCorrelation == s2.groups[0].meanCorrelation)
    #expect(s1.groups[0].correlationPairs == 5_000)
    // The sample estimates the exact r̄ closely (independent series: both near 0).
    #expect(abs(s1.groups[0].meanCorrelation - all.groups[0].meanCorrelation) < 0.01)
  }

  @Test func residualsNotKeptByTheRunAreRecomputedForTheRankAndCorrelationTests() throws {
    // The engine keeps no residuals by default; the statistics recompute them, so every test
    // matches a run that kept them.
    let without = StudyStatistics.summarize(
      try Self.study(threads: 0, keepResiduals: false), groupBy: [], bootstrapDraws: 9)
    let with = StudyStatistics.summarize(
      try Self.study(threads: 0, keepResiduals: true), groupBy: [], bootstrapDraws: 9)
    let a = without.windowRows[0]
    let b = with.windowRows[0]
    #expect(a.n == 260)
    let pairs = [
      (a.tests.corrado, b.tests.corrado), (a.tests.grank, b.tests.grank),
      (a.tests.generalizedSign, b.tests.generalizedSign), (a.tests.crudeDependence, b.tests.crudeDependence),
      (a.tests.kpBMP, b.tests.kpBMP),
    ]
    for (x, y) in pairs {
      #expect(x.statistic.isFinite)
      #expect(abs(x.statistic - y.statistic) <= 1e-12 * max(1, abs(y.statistic)))
    }
  }
}
