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
  /// Work is spread over all cores unless the study ran with `threads == 1`; every partial result
  /// is combined in a fixed order, so the summary is bit-for-bit the same for any thread count.
  public static func summarize(
    _ result: StudyResult, groupBy: [String], bootstrapDraws: Int = 999, seed: UInt64 = 20_250_626,
    minimumCommonDays: Int = 30, maximumCorrelationPairs: Int = 200_000
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
      maximumCorrelationPairs: maximumCorrelationPairs, sequential: result.parameters.threads == 1)
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
    /// `true` when the study ran with one thread: no worker threads here either.
    var sequential: Bool
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
    /// Corrado demeaned ranks on the axis [axisLo, axisHi] (multiples of ½: exact in `Float`).
    var rankD: [Float]
    /// GRANK: each estimation day's average rank among the pair's standardized residuals.
    var sarRank: [Float]
    /// Number of finite estimation residuals (0 when s_i is not positive).
    var validResiduals: Int
    /// Event days of the span.
    var ar: [Double]
    var sar: [Double]
    var bhar1: [Double]
    /// Per window.
    var car: [Double]
    var bhar: [Double]
    var scar: [Double]
    var csar: [Double]
    /// Calendar dates of `residuals` (ascending), for cross-correlations.
    var dates: ArraySlice<CivilDate>
    /// Address of element 0 of the array `dates` slices (0 when empty): pairs with the same value
    /// slice one session grid, so equal indices are equal dates.
    var gridBase: Int
  }

  struct Prepared: Sendable {
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
      let indices = result.pairs.indices.filter { result.pairs[$0].outcome == .ok }
      var slots = [PairData?](repeating: nil, count: indices.count)
      let me = self
      slots.withUnsafeMutableBufferPointer { buffer in
        let out = SendableBuffer(buffer)
        // Chunks of pairs, each with one rank scratch reused pair after pair.
        let chunk = 256
        let chunks = (indices.count + chunk - 1) / chunk
        let work: @Sendable (Int) -> Void = { c in
          var scratch = RankScratch()
          for k in (c * chunk)..<min(indices.count, (c + 1) * chunk) {
            let i = indices[k]
            // Residuals are recomputed when the run did not keep them (keepEstimationResiduals off).
            let residuals = result.estimationResiduals(ofPair: i)?.residuals ?? []
            out.buffer[k] = me.prepare(
              result.pairs[i], index: i, residuals: residuals, returnKind: p.returnKind, scratch: &scratch)
          }
        }
        if chunks < 2 || p.threads == 1 {
          for c in 0..<chunks { work(c) }
        } else {
          DispatchQueue.concurrentPerform(iterations: chunks) { work($0) }
        }
      }
      pairs = slots.compactMap { $0 }
    }

    func prepare(
      _ pr: PairResult, index: Int, residuals res: [Double], returnKind: ReturnKind,
      scratch: inout RankScratch
    ) -> PairData {
      let days = span.end - span.start + 1
      let est = pr.estimation
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
        bhar1[k] = returnKind == .simple ? d.ar : exp(d.ret) - exp(d.expected)
      }
      var positive = 0
      var valid = 0
      for r in res where r.isFinite {
        valid += 1
        if r > 0 { positive += 1 }
      }
      let sigma = est?.sigma ?? .nan
      let (rankD, sarRank) = ranks(
        residuals: res, tau0: tau0, ar: ar, standardizable: sigma > 0, scratch: &scratch)
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
      let dates = est.map { $0.dates.count == res.count ? $0.dates : $0.dates.prefix(0) } ?? []
      let gridBase =
        dates.withUnsafeBufferPointer { b in
          b.baseAddress.map { Int(bitPattern: $0) - dates.startIndex * MemoryLayout<CivilDate>.stride }
        } ?? 0
      return PairData(
        index: index, df: est?.degreesOfFreedom ?? 0, sigma: sigma, estTau0: tau0, residuals: res,
        positiveShare: valid > 0 ? Double(positive) / Double(valid) : .nan, rankD: rankD, sarRank: sarRank,
        validResiduals: sigma > 0 ? valid : 0, ar: ar, sar: sar, bhar1: bhar1, car: car, bhar: bhar,
        scar: scar,
        csar: csar, dates: dates, gridBase: gridBase)
    }

    /// Corrado's demeaned ranks on the axis [axisLo, axisHi] and GRANK's ranks among the
    /// estimation residuals, from one sort of the pair's values.
    ///
    /// Corrado ranks the finite estimation residuals together with the finite event-span ARs of
    /// days outside the estimation window (M values; K − (M+1)/2, ties averaged); a pair without
    /// residuals has no Corrado ranks. GRANK ranks the standardized residuals among themselves,
    /// which is the residuals' own order when σ > 0 (`standardizable`), else nothing.
    /// Ranks are multiples of ½ below 2²³: exact in `Float`.
    func ranks(residuals res: [Double], tau0: Int, ar: [Double], standardizable: Bool) -> (
      rankD: [Float], sarRank: [Float]
    ) {
      var scratch = RankScratch()
      return ranks(residuals: res, tau0: tau0, ar: ar, standardizable: standardizable, scratch: &scratch)
    }

    /// As `ranks(residuals:tau0:ar:standardizable:)`, sorting in `scratch`'s arrays.
    func ranks(
      residuals res: [Double], tau0: Int, ar: [Double], standardizable: Bool, scratch: inout RankScratch
    ) -> (rankD: [Float], sarRank: [Float]) {
      var rankD = [Float](repeating: .nan, count: axisHi - axisLo + 1)
      var sarRank = [Float](repeating: .nan, count: res.count)
      guard !res.isEmpty else { return (rankD, sarRank) }
      // slot ≥ 0: residual `slot`; slot < 0: event day −1 − slot.
      var entries = scratch.entries
      scratch.entries = []
      entries.removeAll(keepingCapacity: true)
      for (j, r) in res.enumerated() where r.isFinite { entries.append(RankEntry(value: r, slot: Int32(j))) }
      for (k, a) in ar.enumerated() where a.isFinite {
        let tau = span.start + k
        if tau < estimation.start || tau > estimation.end {
          entries.append(RankEntry(value: a, slot: Int32(-1 - k)))
        }
      }
      defer { scratch.entries = entries }
      let half = Double(entries.count + 1) / 2
      let (spanStart, lo, hi) = (span.start, axisLo, axisHi)
      entries.withUnsafeMutableBufferPointer { e in
        RankSort.sort(e, scratch: &scratch)
        rankD.withUnsafeMutableBufferPointer { rd in
          sarRank.withUnsafeMutableBufferPointer { sr in
            var residualsBefore = 0
            var i = 0
            while i < e.count {
              var j = i
              var residualsInGroup = e[i].slot >= 0 ? 1 : 0
              while j + 1 < e.count && e[j + 1].value == e[i].value {
                j += 1
                if e[j].slot >= 0 { residualsInGroup += 1 }
              }
              let unionRank = Float(Double(i + j + 2) / 2 - half)
              let residualRank = Float(Double(residualsBefore) + Double(residualsInGroup + 1) / 2)
              for k in i...j {
                let slot = Int(e[k].slot)
                let tau: Int
                if slot >= 0 {
                  tau = tau0 + slot
                  if standardizable { sr[slot] = residualRank }
                } else {
                  tau = spanStart - 1 - slot
                }
                if tau >= lo && tau <= hi { rd[tau - lo] = unionRank }
              }
              residualsBefore += residualsInGroup
              i = j + 1
            }
          }
        }
      }
      return (rankD, sarRank)
    }
  }

  static func summarizeGroup(
    _ prep: Prepared, name: String, column: String, value: String, members: [Int], options: Options
  ) -> GroupSummary {
    // The group `all` shares the prepared array (no per-pair copies).
    let pairs = members.count == prep.pairs.count ? prep.pairs : members.map { prep.pairs[$0] }
    let (rBar, rCount) = meanCorrelation(
      pairs, minimumCommonDays: options.minimumCommonDays, maximumPairs: options.maximumCorrelationPairs,
      seed: options.seed ^ SplitMix64.fnv1a(name), sequential: options.sequential)
    // CDA: event-time AAR over the estimation window.
    let estimationAAR = eventTimeMeans(pairs, from: prep.estimation.start, to: prep.estimation.end) {
      ($0.estTau0, $0.residuals)
    }.map(\.mean)
    // Corrado: mean demeaned rank per event day, and S_K over every day with a rank.
    let rankMeans = eventTimeMeans(pairs, from: prep.axisLo, to: prep.axisHi) { (prep.axisLo, $0.rankD) }
    var sk2 = 0.0
    var tRank = 0
    for m in rankMeans where m.n > 0 {
      sk2 += m.mean * m.mean
      tRank += 1
    }
    let sk = tRank > 0 ? (sk2 / Double(tRank)).squareRoot() : .nan
    let corrado = CorradoPieces(means: rankMeans, axisLo: prep.axisLo, sk: sk)

    @Sendable func tests(
      window: EventWindow, car: [Double], bhar: [Double], scar: [Double], csar: [Double], seedKey: String?
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
      if seedKey != nil { t.grank = grank(pairs, scar: scar, estimation: prep.estimation) }
      t.generalizedSign = AggregateTests.generalizedSign(car, positiveShare: pairs.map(\.positiveShare))
      t.wilcoxon = AggregateTests.wilcoxon(car)
      t.skewnessAdjusted = AggregateTests.skewnessAdjustedT(bhar)
      let boot =
        seedKey.map {
          AggregateTests.bootstrapInterval(
            car, draws: options.draws, seed: options.seed ^ SplitMix64.fnv1a($0))
        } ?? (.nan, .nan)
      return (t, n, caar, abhar, boot)
    }

    // Every window and day row is independent: compute them in parallel, assemble in order. GRANK
    // and the bootstrap interval are window statistics (a one-day window such as 0:0 has them);
    // day rows carry the per-day tests, which cost O(pairs) each, where GRANK and the bootstrap
    // cost O(pairs × estimation days) and O(pairs × draws).
    let windowCount = prep.windows.count
    let dayCount = prep.span.end - prep.span.start + 1
    typealias Row = (tests: TestSet, n: Int, caar: Double, abhar: Double, boot: (low: Double, high: Double))
    var rows = [Row?](repeating: nil, count: windowCount + dayCount)
    rows.withUnsafeMutableBufferPointer { buffer in
      let out = SendableBuffer(buffer)
      let work: @Sendable (Int) -> Void = { q in
        if q < windowCount {
          let w = prep.windows[q]
          out.buffer[q] = tests(
            window: w, car: valuesPerPair(pairs) { $0.pointee.car[q] },
            bhar: valuesPerPair(pairs) { $0.pointee.bhar[q] },
            scar: valuesPerPair(pairs) { $0.pointee.scar[q] },
            csar: valuesPerPair(pairs) { $0.pointee.csar[q] }, seedKey: "\(name)|w\(w.start):\(w.end)")
        } else {
          let k = q - windowCount
          let tau = prep.span.start + k
          let sar = valuesPerPair(pairs) { $0.pointee.sar[k] }
          out.buffer[q] = tests(
            window: EventWindow(tau, tau), car: valuesPerPair(pairs) { $0.pointee.ar[k] },
            bhar: valuesPerPair(pairs) { $0.pointee.bhar1[k] }, scar: sar, csar: sar, seedKey: nil)
        }
      }
      if pairs.count < 200 || options.sequential {
        for q in 0..<(windowCount + dayCount) { work(q) }
      } else {
        DispatchQueue.concurrentPerform(iterations: windowCount + dayCount) { work($0) }
      }
    }
    var windows: [WindowSummary] = []
    for (k, w) in prep.windows.enumerated() {
      guard let r = rows[k] else { continue }
      windows.append(
        WindowSummary(
          group: name, window: w, n: r.n, caar: r.caar, abhar: r.abhar, tests: r.tests,
          bootstrapLow: r.boot.low,
          bootstrapHigh: r.boot.high, meanCorrelation: rBar))
    }
    var days: [DaySummary] = []
    var cumulative = [Double](repeating: 0, count: pairs.count)
    for k in 0..<dayCount {
      pairs.withUnsafeBufferPointer { pb in
        cumulative.withUnsafeMutableBufferPointer { c in
          for i in pb.indices { c[i] += pb[i].ar[k] }
        }
      }
      guard let r = rows[windowCount + k] else { continue }
      let cum = AggregateTests.meanSD(cumulative)
      days.append(
        DaySummary(
          group: name, day: prep.span.start + k, n: r.n, aar: r.caar, caar: cum.mean,
          caarStandardError: cum.n > 1 ? cum.sd / Double(cum.n).squareRoot() : .nan, tests: r.tests,
          bootstrapLow: r.boot.low, bootstrapHigh: r.boot.high))
    }
    return GroupSummary(
      name: name, column: column, value: value, pairs: pairs.count, meanCorrelation: rBar,
      correlationPairs: rCount, windows: windows, days: days)
  }

  /// One value per pair, read in place (no copy of the pairs' arrays).
  @inline(__always)
  static func valuesPerPair(_ pairs: [PairData], _ value: (UnsafePointer<PairData>) -> Double) -> [Double] {
    pairs.withUnsafeBufferPointer { pb in
      [Double](unsafeUninitializedCapacity: pb.count) { out, count in
        if let base = pb.baseAddress {
          for i in 0..<pb.count { out[i] = value(base + i) }
        }
        count = pb.count
      }
    }
  }

  /// Mean over pairs of the finite values of one per-pair series for τ in `from...to`, with counts:
  /// `column(pair)` gives τ of the series' first value and the values (τ ascending; values outside
  /// `from...to` are ignored). Sums run pair by pair in order, so the result does not depend on
  /// anything but the input.
  static func eventTimeMeans<T: BinaryFloatingPoint>(
    _ pairs: [PairData], from: Int, to: Int, _ column: (PairData) -> (tau0: Int, values: [T])
  ) -> [(mean: Double, n: Int)] {
    guard from <= to else { return [] }
    let length = to - from + 1
    var sums = [Double](repeating: 0, count: length)
    var counts = [Double](repeating: 0, count: length)
    sums.withUnsafeMutableBufferPointer { s in
      counts.withUnsafeMutableBufferPointer { c in
        for p in pairs {
          let (tau0, values) = column(p)
          values.withUnsafeBufferPointer { v in
            // Values j with from ≤ τ0 + j ≤ to.
            let lo = min(v.count, max(0, from - tau0))
            let hi = max(lo, min(v.count, to - tau0 + 1))
            let base = tau0 - from
            for j in lo..<hi {
              let x = Double(v[j])
              let finite = x.isFinite
              s[base + j] += finite ? x : 0
              c[base + j] += finite ? 1 : 0
            }
          }
        }
      }
    }
    return zip(sums, counts).map { $1 > 0 ? ($0 / $1, Int($1)) : (.nan, 0) }
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
    for i in pairs.indices where scar[i].isFinite && pairs[i].validResiduals > 0 { used.append(i) }
    let sd = AggregateTests.meanSD(used.map { scar[$0] }).sd
    let n = used.count
    guard n >= 2, sd > 0 else { return TestResult(statistic: .nan, p: .nan, n: n) }
    let axis = estimation.end - estimation.start + 1
    var sums = [Double](repeating: 0, count: axis)
    var counts = [Double](repeating: 0, count: axis)
    var cw = 0.0
    // One pass per pair over its residuals, through unsafe buffers (no copies, no bounds checks),
    // branch-free: x against v is a coin flip the predictor cannot learn, and a missing residual
    // adds zero instead of skipping, so the loop has no branch at all.
    pairs.withUnsafeBufferPointer { pb in
      sums.withUnsafeMutableBufferPointer { sb in
        counts.withUnsafeMutableBufferPointer { cb in
          for i in used {
            let v = scar[i] / sd
            let sigma = pb[i].sigma
            let t1 = Double(pb[i].validResiduals + 2)
            let offset = pb[i].estTau0 - estimation.start
            var less = 0.0
            var equal = 0.0
            pb[i].residuals.withUnsafeBufferPointer { res in
              pb[i].sarRank.withUnsafeBufferPointer { rk in
                let count = min(res.count, rk.count)
                // Residuals on the axis (all of them unless the window was clipped).
                let from = min(count, max(0, -offset))
                let to = max(from, min(count, axis - offset))
                for j in 0..<from where res[j].isFinite {
                  less += res[j] / sigma < v ? 1 : 0
                  equal += res[j] / sigma == v ? 1 : 0
                }
                for j in from..<to {
                  let r = res[j]
                  let finite = r.isFinite
                  let x = r / sigma
                  let below: Double = finite && x < v ? 1 : 0
                  let tie: Double = finite && x == v ? 1 : 0
                  less += below
                  equal += tie
                  let rank = Double(rk[j]) + (1 - below - tie) + 0.5 * tie
                  sb[offset + j] += finite ? rank / t1 - 0.5 : 0
                  cb[offset + j] += finite ? 1 : 0
                }
                for j in to..<count where res[j].isFinite {
                  less += res[j] / sigma < v ? 1 : 0
                  equal += res[j] / sigma == v ? 1 : 0
                }
              }
            }
            cw += (less + 1 + equal / 2) / t1 - 0.5
          }
        }
      }
    }
    let nn = Double(n)
    let u0 = cw / nn
    var s2 = u0 * u0
    var tt = 1
    for (s, c) in zip(sums, counts) where c > 0 {
      let u = s / c
      s2 += c / nn * u * u
      tt += 1
    }
    let su = (s2 / Double(tt)).squareRoot()
    guard su > 0, tt > 2 else { return TestResult(statistic: .nan, p: .nan, n: n) }
    let z = u0 / su
    let d = Double(tt) - 1 - z * z
    guard d > 0 else { return TestResult(statistic: .nan, p: .nan, n: n) }
    return .student(z * ((Double(tt) - 2) / d).squareRoot(), df: Double(tt - 2), n: n)
  }

  /// Mean pairwise Pearson correlation (i < j) of estimation residuals on common calendar days,
  /// over pairs-of-pairs with at least `minimumCommonDays` common days; all of them when there are
  /// at most `maximumPairs`, else `maximumPairs` drawn with a SplitMix64 stream from `seed`.
  /// Returns r̄ (NaN when none qualifies) and the number of pairs-of-pairs averaged. Partial sums
  /// are combined in a fixed order, so the result does not depend on the number of threads.
  static func meanCorrelation(
    _ pairs: [PairData], minimumCommonDays: Int, maximumPairs: Int, seed: UInt64, sequential: Bool = false
  )
    -> (Double, Int)
  {
    let n = pairs.count
    guard n >= 2 else { return (.nan, 0) }
    let total = n * (n - 1) / 2
    let minimum = max(minimumCommonDays, 3)
    // Merge-join on the (ascending) estimation dates; one pass of sums.
    @Sendable func correlation(_ pb: UnsafeBufferPointer<PairData>, _ i0: Int, _ j0: Int) -> Double {
      // Fields are read through the buffer (no copy of the pairs' arrays).
      guard let af = pb[i0].dates.first, let al = pb[i0].dates.last, let bf = pb[j0].dates.first,
        let bl = pb[j0].dates.last
      else {
        return .nan
      }
      let lo = max(af, bf)
      let hi = min(al, bl)
      guard lo <= hi, lo.days(to: hi) + 1 >= minimum else { return .nan }
      var m = CoMoments()
      if pb[i0].gridBase != 0 && pb[i0].gridBase == pb[j0].gridBase {
        // Same session grid: the common dates are the common indices.
        let from = max(pb[i0].dates.startIndex, pb[j0].dates.startIndex)
        let to = min(pb[i0].dates.endIndex, pb[j0].dates.endIndex)
        pb[i0].residuals.withUnsafeBufferPointer { x in
          pb[j0].residuals.withUnsafeBufferPointer { y in
            let ox = pb[i0].dates.startIndex
            let oy = pb[j0].dates.startIndex
            for k in from..<max(from, to) {
              let u = x[k - ox]
              let v = y[k - oy]
              m.add(u, v)
            }
          }
        }
        return m.correlation(minimum: minimum)
      }
      var i = pb[i0].dates.startIndex
      var j = pb[j0].dates.startIndex
      let ax = pb[i0].residuals
      let by = pb[j0].residuals
      let ia = pb[i0].dates.startIndex
      let ib = pb[j0].dates.startIndex
      while i < pb[i0].dates.endIndex && j < pb[j0].dates.endIndex {
        let da = pb[i0].dates[i]
        let db = pb[j0].dates[j]
        if da < db {
          i += 1
        } else if db < da {
          j += 1
        } else {
          let u = ax[i - ia]
          let v = by[j - ib]
          m.add(u, v)
          i += 1
          j += 1
        }
      }
      return m.correlation(minimum: minimum)
    }
    // The pairs-of-pairs: every (i, j > i) by rows, or a seeded sample of (i, j ≠ i).
    let sampled = total > maximumPairs
    var drawn: [(Int32, Int32)] = []
    if sampled {
      var rng = SplitMix64(seed: seed)
      let un = UInt64(n)
      drawn.reserveCapacity(maximumPairs)
      for _ in 0..<maximumPairs {
        let i = Int(rng.next().multipliedFullWidth(by: un).high)
        var j = Int(rng.next().multipliedFullWidth(by: un - 1).high)
        if j >= i { j += 1 }
        drawn.append((Int32(i), Int32(j)))
      }
    }
    let sample = drawn
    let chunks = sampled ? 64 : n
    var sums = [Double](repeating: 0, count: chunks)
    var counts = [Int](repeating: 0, count: chunks)
    sums.withUnsafeMutableBufferPointer { sb in
      counts.withUnsafeMutableBufferPointer { cb in
        let s = SendableBuffer(sb)
        let k = SendableBuffer(cb)
        let work: @Sendable (Int) -> Void = { chunk in
          var sum = 0.0
          var count = 0
          if sampled {
            let size = (sample.count + chunks - 1) / chunks
            for q in min(sample.count, chunk * size)..<min(sample.count, (chunk + 1) * size) {
              let r = pairs.withUnsafeBufferPointer { pb in
                correlation(pb, Int(sample[q].0), Int(sample[q].1))
              }
              if r.isFinite {
                sum += r
                count += 1
              }
            }
          } else {
            for j in (chunk + 1)..<n {
              let r = pairs.withUnsafeBufferPointer { pb in correlation(pb, chunk, j) }
              if r.isFinite {
                sum += r
                count += 1
              }
            }
          }
          s.buffer[chunk] = sum
          k.buffer[chunk] = count
        }
        if sequential || (!sampled && total < 5_000) {
          for c in 0..<chunks { work(c) }
        } else {
          DispatchQueue.concurrentPerform(iterations: chunks) { work($0) }
        }
      }
    }
    let k = counts.reduce(0, +)
    return (k > 0 ? sums.reduce(0, +) / Double(k) : .nan, k)
  }
}

/// Running sums for a Pearson correlation over the pairs where both values are finite.
struct CoMoments {
  var c = 0.0
  var sx = 0.0
  var sy = 0.0
  var sxx = 0.0
  var syy = 0.0
  var sxy = 0.0

  /// Adds (u, v) when both are finite.
  @inline(__always) mutating func add(_ u: Double, _ v: Double) {
    guard u.isFinite && v.isFinite else { return }
    c += 1
    sx += u
    sy += v
    sxx += u * u
    syy += v * v
    sxy += u * v
  }

  /// The correlation, or NaN below `minimum` pairs or without variance.
  func correlation(minimum: Int) -> Double {
    guard c >= Double(minimum) else { return .nan }
    let vx = sxx - sx * sx / c
    let vy = syy - sy * sy / c
    guard vx > 0, vy > 0 else { return .nan }
    return (sxy - sx * sy / c) / (vx * vy).squareRoot()
  }
}
