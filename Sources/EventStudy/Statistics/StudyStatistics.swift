import Dispatch
import Foundation
import MarketData

/// Aggregate significance tests of a study, for the whole sample and per group.
///
/// Aggregation is by (event, security) pair — a firm with several events is several pairs — and
/// only `ok` pairs enter. Event time τ of the estimation residuals is counted from the end of the
/// estimation window (the engine clips it only at the start of the data). Each test's variant is
/// named on `TestSet`; the pieces that need more than one pair's window values are:
/// - CDA: the event-time AAR series over the estimation window of the group's pairs.
/// - Kolari-Pynnönen r̄: mean over pairs-of-pairs (i < j, so i ≠ j) of the Pearson correlation of
///   their estimation residuals on common calendar dates, for pairs-of-pairs with at least
///   `minimumCommonDays` such dates. Above `maximumCorrelationPairs` pairs-of-pairs, that many are
///   drawn at random (seeded) instead.
/// - Corrado and GRANK ranks are per pair; GRANK's cumulated observation is SCAR_i divided by the
///   group's cross-sectional sd of SCAR.
public enum StudyStatistics {
  /// Summarizes a study: the group `all`, then every value of each `groupBy` column (`ticker` and
  /// `exchange` come from the pair, any other name from the event's columns; pairs with an empty
  /// value are left out of that column's groups). Bootstrap intervals use `bootstrapDraws`
  /// resamples seeded from `seed`, the group name and the window, so they reproduce exactly.
  public static func summarize(
    _ result: StudyResult, groupBy: [String], bootstrapDraws: Int = 999, seed: UInt64 = 20_250_626,
    minimumCommonDays: Int = 30, maximumCorrelationPairs: Int = 2_000_000
  ) -> StudySummary {
    let prep = Prepared(result)
    var specs: [(name: String, column: String, value: String, members: [Int])] = [
      ("all", "", "", Array(prep.pairs.indices))
    ]
    for column in groupBy {
      var byValue: [String: [Int]] = [:]
      for (i, p) in prep.pairs.enumerated() {
        let v = groupValue(result.pairs[p.index], column: column)
        if !v.isEmpty { byValue[v, default: []].append(i) }
      }
      for v in byValue.keys.sorted() {
        specs.append(("\(column)=\(v)", column, v, byValue[v] ?? []))
      }
    }
    let options = Options(
      draws: bootstrapDraws, seed: seed, minimumCommonDays: minimumCommonDays,
      maximumCorrelationPairs: maximumCorrelationPairs)
    let groups = specs.map { s in
      summarizeGroup(
        prep, name: s.name, column: s.column, value: s.value, members: s.members, options: options)
    }
    return StudySummary(groups: groups)
  }

  /// The value of `column` for a pair: `ticker`, `exchange`, or an event column.
  static func groupValue(_ pair: PairResult, column: String) -> String {
    switch column.lowercased() {
    case "ticker": return pair.ticker
    case "exchange": return pair.exchange
    case "event_id", "event": return pair.eventID
    default:
      return pair.attributes.first { $0.name == column }?.value
        ?? pair.attributes.first { $0.name.lowercased() == column.lowercased() }?.value ?? ""
    }
  }

  struct Options {
    var draws: Int
    var seed: UInt64
    var minimumCommonDays: Int
    var maximumCorrelationPairs: Int
  }

  /// Per-pair arrays the group statistics reuse.
  struct PairData {
    var index: Int
    var df: Int
    var sigma: Double
    /// τ of `residuals[0]`.
    var estTau0: Int
    var residuals: [Double]
    var positiveShare: Double
    /// Corrado demeaned ranks on the axis [axisLo, axisHi].
    var rankD: [Double]
    /// GRANK: estimation SARs sorted, and each estimation day's average rank among them.
    var sortedSAR: [Double]
    var sarRank: [Double]
    /// Event days of the span.
    var ar: [Double]
    var sar: [Double]
    var bhar1: [Double]
    /// Per window.
    var car: [Double]
    var bhar: [Double]
    var scar: [Double]
    var csar: [Double]
    /// Estimation residuals on calendar days from `firstDay` (NaN on days without a residual).
    var firstDay: Int
    var calendarResiduals: [Double]
  }

  struct Prepared {
    var pairs: [PairData] = []
    var windows: [EventWindow]
    var span: (start: Int, end: Int)
    var estimation: (start: Int, end: Int)
    var axisLo: Int
    var axisHi: Int

    init(_ result: StudyResult) {
      let p = result.parameters
      windows = p.windows
      span = p.eventSpan
      estimation = p.estimation
      axisLo = min(estimation.start, span.start)
      axisHi = max(estimation.end, span.end)
      let days = span.end - span.start + 1
      for (index, pr) in result.pairs.enumerated() where pr.outcome == .ok {
        let est = pr.estimation
        let res = est?.residuals ?? []
        let estLength = estimation.end - estimation.start + 1
        let tau0: Int
        if res.count == estLength || estimation.end >= 0 {
          tau0 = estimation.start
        } else {
          tau0 = estimation.end - res.count + 1
        }
        var ar = [Double](repeating: .nan, count: days)
        var sar = ar
        var bhar1 = ar
        for d in pr.daily where d.day >= span.start && d.day <= span.end {
          let k = d.day - span.start
          ar[k] = d.ar
          sar[k] = d.sar
          bhar1[k] = p.returnKind == .simple ? d.ar : exp(d.ret) - exp(d.expected)
        }
        var positive = 0
        var valid = 0
        for r in res where r.isFinite {
          valid += 1
          if r > 0 { positive += 1 }
        }
        // Corrado: ranks over estimation residuals and event-span ARs outside the estimation days.
        var values = [Double](repeating: .nan, count: axisHi - axisLo + 1)
        for (j, r) in res.enumerated() {
          let tau = tau0 + j
          if tau >= axisLo && tau <= axisHi { values[tau - axisLo] = r }
        }
        for k in 0..<days {
          let tau = span.start + k
          if tau < estimation.start || tau > estimation.end { values[tau - axisLo] = ar[k] }
        }
        let ranks = AggregateTests.averageRanks(values)
        let m = Double(values.filter(\.isFinite).count)
        let rankD = ranks.map { $0 - (m + 1) / 2 }
        // GRANK: standardized estimation residuals.
        let sigma = est?.sigma ?? .nan
        let sars = res.map { $0 / sigma }
        let sarRank = AggregateTests.averageRanks(sars)
        let sortedSAR = sars.filter(\.isFinite).sorted()
        var car: [Double] = []
        var bhar: [Double] = []
        var scar: [Double] = []
        var csar: [Double] = []
        for w in windows {
          let r = pr.result(for: w)
          let ok = r?.complete ?? false
          car.append(ok ? r?.car ?? .nan : .nan)
          bhar.append(ok ? r?.bhar ?? .nan : .nan)
          scar.append(ok ? r?.scar ?? .nan : .nan)
          csar.append(ok ? r?.csar ?? .nan : .nan)
        }
        var firstDay = 0
        var cal: [Double] = []
        if let est, let first = est.dates.first, let last = est.dates.last, res.count == est.dates.count {
          firstDay = Int(first.dayNumber)
          cal = [Double](repeating: .nan, count: Int(last.dayNumber) - firstDay + 1)
          for (d, r) in zip(est.dates, res) { cal[Int(d.dayNumber) - firstDay] = r }
        }
        pairs.append(
          PairData(
            index: index, df: est?.degreesOfFreedom ?? 0, sigma: sigma, estTau0: tau0, residuals: res,
            positiveShare: valid > 0 ? Double(positive) / Double(valid) : .nan, rankD: rankD,
            sortedSAR: sortedSAR, sarRank: sarRank, ar: ar, sar: sar, bhar1: bhar1, car: car, bhar: bhar,
            scar: scar, csar: csar, firstDay: firstDay, calendarResiduals: cal))
      }
    }
  }

  static func summarizeGroup(
    _ prep: Prepared, name: String, column: String, value: String, members: [Int], options: Options
  ) -> GroupSummary {
    let pairs = members.map { prep.pairs[$0] }
    let (rBar, rCount) = meanCorrelation(
      pairs, minimumCommonDays: options.minimumCommonDays, maximumPairs: options.maximumCorrelationPairs,
      seed: options.seed ^ SplitMix64.fnv1a(name))
    // CDA: event-time AAR over the estimation window.
    let estimationAAR = eventTimeMeans(pairs, from: prep.estimation.start, to: prep.estimation.end) {
      p, tau in
      let j = tau - p.estTau0
      return j >= 0 && j < p.residuals.count ? p.residuals[j] : .nan
    }.map(\.mean)
    // Corrado: mean demeaned rank per event day, and S_K over every day with a rank.
    let rankMeans = eventTimeMeans(pairs, from: prep.axisLo, to: prep.axisHi) { p, tau in
      p.rankD[tau - prep.axisLo]
    }
    var sk2 = 0.0
    var tRank = 0
    for m in rankMeans where m.n > 0 {
      sk2 += m.mean * m.mean
      tRank += 1
    }
    let sk = tRank > 0 ? (sk2 / Double(tRank)).squareRoot() : .nan
    let corrado = CorradoPieces(means: rankMeans, axisLo: prep.axisLo, sk: sk)

    func tests(
      window: EventWindow, car: [Double], bhar: [Double], scar: [Double], csar: [Double], seedKey: String
    ) -> (TestSet, n: Int, caar: Double, abhar: Double, boot: (low: Double, high: Double)) {
      var t = TestSet()
      let (caar, _, n) = AggregateTests.meanSD(car)
      let abhar = AggregateTests.meanSD(bhar).mean
      t.crossSectional = AggregateTests.crossSectionalT(car)
      t.crudeDependence = AggregateTests.crudeDependence(
        caar: caar, windowLength: window.length, estimationAAR: estimationAAR, n: n)
      t.patell = AggregateTests.patell(csar, degreesOfFreedom: pairs.map(\.df))
      t.bmp = AggregateTests.crossSectionalT(scar)
      t.kpBMP = AggregateTests.kolariPynnonenBMP(t.bmp, meanCorrelation: rBar)
      t.kpPatell = AggregateTests.kolariPynnonenPatell(t.patell, meanCorrelation: rBar)
      t.corrado = corrado.test(window: window, n: window.length == 1 ? nil : n)
      t.grank = grank(pairs, scar: scar, estimation: prep.estimation)
      t.generalizedSign = AggregateTests.generalizedSign(car, positiveShare: pairs.map(\.positiveShare))
      t.wilcoxon = AggregateTests.wilcoxon(car)
      t.skewnessAdjusted = AggregateTests.skewnessAdjustedT(bhar)
      let boot = AggregateTests.bootstrapInterval(
        car, draws: options.draws, seed: options.seed ^ SplitMix64.fnv1a(seedKey))
      return (t, n, caar, abhar, boot)
    }

    var windows: [WindowSummary] = []
    for (k, w) in prep.windows.enumerated() {
      let r = tests(
        window: w, car: pairs.map { $0.car[k] }, bhar: pairs.map { $0.bhar[k] },
        scar: pairs.map { $0.scar[k] },
        csar: pairs.map { $0.csar[k] }, seedKey: "\(name)|w\(w.start):\(w.end)")
      windows.append(
        WindowSummary(
          group: name, window: w, n: r.n, caar: r.caar, abhar: r.abhar, tests: r.0, bootstrapLow: r.boot.low,
          bootstrapHigh: r.boot.high, meanCorrelation: rBar))
    }
    var days: [DaySummary] = []
    var cumulative = [Double](repeating: 0, count: pairs.count)
    for k in 0...(prep.span.end - prep.span.start) {
      let tau = prep.span.start + k
      let ar = pairs.map { $0.ar[k] }
      for i in pairs.indices { cumulative[i] += ar[i] }
      let sar = pairs.map { $0.sar[k] }
      let r = tests(
        window: EventWindow(tau, tau), car: ar, bhar: pairs.map { $0.bhar1[k] }, scar: sar, csar: sar,
        seedKey: "\(name)|d\(tau)")
      let cum = AggregateTests.meanSD(cumulative)
      days.append(
        DaySummary(
          group: name, day: tau, n: r.n, aar: r.caar, caar: cum.mean,
          caarStandardError: cum.n > 1 ? cum.sd / Double(cum.n).squareRoot() : .nan, tests: r.0,
          bootstrapLow: r.boot.low, bootstrapHigh: r.boot.high))
    }
    return GroupSummary(
      name: name, column: column, value: value, pairs: pairs.count, meanCorrelation: rBar,
      correlationPairs: rCount, windows: windows, days: days)
  }

  /// Mean over pairs of `value(pair, τ)` for each τ in `from...to` (finite values only), with counts.
  static func eventTimeMeans(
    _ pairs: [PairData], from: Int, to: Int, _ value: (PairData, Int) -> Double
  ) -> [(mean: Double, n: Int)] {
    guard from <= to else { return [] }
    var sums = [Double](repeating: 0, count: to - from + 1)
    var counts = [Int](repeating: 0, count: to - from + 1)
    for p in pairs {
      for tau in from...to {
        let v = value(p, tau)
        if v.isFinite {
          sums[tau - from] += v
          counts[tau - from] += 1
        }
      }
    }
    return zip(sums, counts).map { $1 > 0 ? ($0 / Double($1), $1) : (.nan, 0) }
  }

  struct CorradoPieces {
    var means: [(mean: Double, n: Int)]
    var axisLo: Int
    var sk: Double

    /// Day: K̄_t/S_K with N_t; window: Σ_t K̄_t/(√L2·S_K) with the window's pair count.
    func test(window: EventWindow, n: Int?) -> TestResult {
      guard sk > 0 else { return .unavailable }
      var s = 0.0
      var nDay = 0
      for tau in window.start...window.end {
        let m = means[tau - axisLo]
        guard m.n > 0 else { return .unavailable }
        s += m.mean
        nDay = m.n
      }
      return .normal(s / (Double(window.length).squareRoot() * sk), n: n ?? nDay)
    }
  }

  /// Kolari-Pynnönen (2011) GRANK t for one window, given each pair's SCAR (or SAR for a day).
  static func grank(_ pairs: [PairData], scar: [Double], estimation: (start: Int, end: Int)) -> TestResult {
    var used: [Int] = []
    for (i, p) in pairs.enumerated() where scar[i].isFinite && !p.sortedSAR.isEmpty { used.append(i) }
    let sd = AggregateTests.meanSD(used.map { scar[$0] }).sd
    let n = used.count
    guard n >= 2, sd > 0 else { return TestResult(statistic: .nan, p: .nan, n: n) }
    let axis = estimation.end - estimation.start + 1
    var sums = [Double](repeating: 0, count: axis)
    var counts = [Int](repeating: 0, count: axis)
    var cw = 0.0
    for i in used {
      let p = pairs[i]
      let v = scar[i] / sd
      let s = p.sortedSAR
      let less = lowerBound(s, v)
      let equal = upperBound(s, v) - less
      let t = Double(s.count + 1)
      cw += (Double(less) + 1 + Double(equal) / 2) / (t + 1) - 0.5
      for (j, r) in p.sarRank.enumerated() where r.isFinite {
        let tau = p.estTau0 + j
        guard tau >= estimation.start && tau <= estimation.end else { continue }
        let x = p.residuals[j] / p.sigma
        let rank = r + (v < x ? 1 : (v == x ? 0.5 : 0))
        sums[tau - estimation.start] += rank / (t + 1) - 0.5
        counts[tau - estimation.start] += 1
      }
    }
    let nn = Double(n)
    let u0 = cw / nn
    var s2 = u0 * u0
    var tt = 1
    for (s, c) in zip(sums, counts) where c > 0 {
      let u = s / Double(c)
      s2 += Double(c) / nn * u * u
      tt += 1
    }
    let su = (s2 / Double(tt)).squareRoot()
    guard su > 0, tt > 2 else { return TestResult(statistic: .nan, p: .nan, n: n) }
    let z = u0 / su
    let d = Double(tt) - 1 - z * z
    guard d > 0 else { return TestResult(statistic: .nan, p: .nan, n: n) }
    return .student(z * ((Double(tt) - 2) / d).squareRoot(), df: Double(tt - 2), n: n)
  }

  static func lowerBound(_ a: [Double], _ v: Double) -> Int {
    var lo = 0
    var hi = a.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if a[mid] < v { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  static func upperBound(_ a: [Double], _ v: Double) -> Int {
    var lo = 0
    var hi = a.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if a[mid] <= v { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// Mean pairwise Pearson correlation (i < j) of estimation residuals on common calendar days,
  /// over pairs-of-pairs with at least `minimumCommonDays` common days; all of them when there are
  /// at most `maximumPairs`, else `maximumPairs` drawn with a SplitMix64 stream from `seed`.
  /// Returns r̄ (NaN when none qualifies) and the number of pairs-of-pairs averaged.
  static func meanCorrelation(_ pairs: [PairData], minimumCommonDays: Int, maximumPairs: Int, seed: UInt64)
    -> (Double, Int)
  {
    let n = pairs.count
    guard n >= 2 else { return (.nan, 0) }
    let total = n * (n - 1) / 2
    @Sendable func correlation(_ a: PairData, _ b: PairData) -> Double {
      let lo = max(a.firstDay, b.firstDay)
      let hi = min(a.firstDay + a.calendarResiduals.count, b.firstDay + b.calendarResiduals.count)
      guard hi - lo >= minimumCommonDays else { return .nan }
      var c = 0.0
      var sx = 0.0
      var sy = 0.0
      var sxx = 0.0
      var syy = 0.0
      var sxy = 0.0
      a.calendarResiduals.withUnsafeBufferPointer { x in
        b.calendarResiduals.withUnsafeBufferPointer { y in
          let ox = lo - a.firstDay
          let oy = lo - b.firstDay
          for d in 0..<(hi - lo) {
            let u = x[ox + d]
            let v = y[oy + d]
            if u.isFinite && v.isFinite {
              c += 1
              sx += u
              sy += v
              sxx += u * u
              syy += v * v
              sxy += u * v
            }
          }
        }
      }
      guard c >= Double(max(minimumCommonDays, 3)) else { return .nan }
      let vx = sxx - sx * sx / c
      let vy = syy - sy * sy / c
      guard vx > 0, vy > 0 else { return .nan }
      return (sxy - sx * sy / c) / (vx * vy).squareRoot()
    }
    if total > maximumPairs {
      var rng = SplitMix64(seed: seed)
      var s = 0.0
      var k = 0
      let un = UInt64(n)
      for _ in 0..<maximumPairs {
        let i = Int(rng.next().multipliedFullWidth(by: un).high)
        var j = Int(rng.next().multipliedFullWidth(by: un - 1).high)
        if j >= i { j += 1 }
        let r = correlation(pairs[i], pairs[j])
        if r.isFinite {
          s += r
          k += 1
        }
      }
      return (k > 0 ? s / Double(k) : .nan, k)
    }
    // Exact: rows i in parallel, each row's partial sum kept separately and added in order.
    var rowSums = [Double](repeating: 0, count: n)
    var rowCounts = [Int](repeating: 0, count: n)
    rowSums.withUnsafeMutableBufferPointer { sb in
      rowCounts.withUnsafeMutableBufferPointer { cb in
        let sums = SendableBuffer(sb)
        let counts = SendableBuffer(cb)
        let work: @Sendable (Int) -> Void = { i in
          var s = 0.0
          var k = 0
          for j in (i + 1)..<n {
            let r = correlation(pairs[i], pairs[j])
            if r.isFinite {
              s += r
              k += 1
            }
          }
          sums.buffer[i] = s
          counts.buffer[i] = k
        }
        if total < 5_000 {
          for i in 0..<n { work(i) }
        } else {
          DispatchQueue.concurrentPerform(iterations: n) { work($0) }
        }
      }
    }
    let k = rowCounts.reduce(0, +)
    return (k > 0 ? rowSums.reduce(0, +) / Double(k) : .nan, k)
  }
}
