import Foundation

/// The cross-sectional test statistics as functions of plain arrays, one value per (event,
/// security) pair. `StudyStatistics` feeds them; tests call them with hand-worked inputs.
/// Non-finite inputs are skipped, and each result reports the N it used.
public enum AggregateTests {
  /// Mean and sample standard deviation (divisor n − 1) of the finite values, and their count.
  public static func meanSD(_ x: [Double]) -> (mean: Double, sd: Double, n: Int) {
    var n = 0
    var s = 0.0
    for v in x where v.isFinite {
      n += 1
      s += v
    }
    guard n > 0 else { return (.nan, .nan, 0) }
    let m = s / Double(n)
    guard n > 1 else { return (m, .nan, 1) }
    var ss = 0.0
    for v in x where v.isFinite { ss += (v - m) * (v - m) }
    return (m, (ss / Double(n - 1)).squareRoot(), n)
  }

  /// Cross-sectional t = mean/(sd/√N), Student t with N − 1 df (also BMP when fed SCARs).
  public static func crossSectionalT(_ x: [Double]) -> TestResult {
    let (m, sd, n) = meanSD(x)
    guard n >= 2, sd > 0 else { return TestResult(statistic: .nan, p: .nan, n: n) }
    return .student(m / (sd / Double(n).squareRoot()), df: Double(n - 1), n: n)
  }

  /// Patell Z = Σ z_i / √(Σ d_i/(d_i − 2)) over pairs with a finite z_i and d_i > 2, where z_i is
  /// the (cumulated) standardized AR and d_i the residual degrees of freedom. Standard normal.
  public static func patell(_ z: [Double], degreesOfFreedom d: [Int]) -> TestResult {
    var num = 0.0
    var den = 0.0
    var n = 0
    for (v, df) in zip(z, d) where v.isFinite && df > 2 {
      num += v
      den += Double(df) / Double(df - 2)
      n += 1
    }
    guard n > 0 else { return .unavailable }
    return .normal(num / den.squareRoot(), n: n)
  }

  /// Kolari-Pynnönen (2010) adjusted BMP: t·√((1 − r̄)/(1 + (N − 1)r̄)), Student t with N − 1 df.
  public static func kolariPynnonenBMP(_ bmp: TestResult, meanCorrelation r: Double) -> TestResult {
    let n = Double(bmp.n)
    let d = 1 + (n - 1) * r
    guard bmp.statistic.isFinite, r.isFinite, d > 0, r < 1 else {
      return TestResult(statistic: .nan, p: .nan, n: bmp.n)
    }
    return .student(bmp.statistic * ((1 - r) / d).squareRoot(), df: n - 1, n: bmp.n)
  }

  /// Kolari-Pynnönen (2010) adjusted Patell: Z·√(1/(1 + (N − 1)r̄)), standard normal.
  public static func kolariPynnonenPatell(_ patell: TestResult, meanCorrelation r: Double) -> TestResult {
    let d = 1 + (Double(patell.n) - 1) * r
    guard patell.statistic.isFinite, r.isFinite, d > 0 else {
      return TestResult(statistic: .nan, p: .nan, n: patell.n)
    }
    return .normal(patell.statistic / d.squareRoot(), n: patell.n)
  }

  /// Cowan (1992) generalized sign Z = (w − N p̂)/√(N p̂(1 − p̂)), w = number of positive `x`,
  /// p̂ = mean of the pairs' shares of positive estimation residuals. Pairs with a finite `x` and
  /// a finite share enter.
  public static func generalizedSign(_ x: [Double], positiveShare: [Double]) -> TestResult {
    var n = 0
    var w = 0.0
    var p = 0.0
    for (v, s) in zip(x, positiveShare) where v.isFinite && s.isFinite {
      n += 1
      if v > 0 { w += 1 }
      p += s
    }
    guard n > 0 else { return .unavailable }
    p /= Double(n)
    let nn = Double(n)
    guard p > 0, p < 1 else { return TestResult(statistic: .nan, p: .nan, n: n) }
    return .normal((w - nn * p) / (nn * p * (1 - p)).squareRoot(), n: n)
  }

  /// Wilcoxon signed-rank z on `x`: zeros dropped, average ranks of |x| for ties,
  /// z = (W⁺ − N(N+1)/4)/√(N(N+1)(2N+1)/24 − Σ(t³ − t)/48), no continuity correction.
  public static func wilcoxon(_ x: [Double]) -> TestResult {
    let v = x.filter { $0.isFinite && $0 != 0 }
    let n = v.count
    guard n > 0 else { return .unavailable }
    // Sorted |x| of all and of the positive values; walk tie blocks of the first, counting the
    // positives of equal magnitude in the second.
    let all = RankSort.sorted(v.map { abs($0) })
    let positive = RankSort.sorted(v.filter { $0 > 0 })
    var wPlus = 0.0
    var tieTerm = 0.0
    var i = 0
    var p = 0
    while i < n {
      var j = i
      while j + 1 < n && all[j + 1] == all[i] { j += 1 }
      let rank = Double(i + j + 2) / 2
      let t = Double(j - i + 1)
      tieTerm += t * t * t - t
      while p < positive.count && positive[p] == all[i] {
        wPlus += rank
        p += 1
      }
      i = j + 1
    }
    let nn = Double(n)
    let variance = nn * (nn + 1) * (2 * nn + 1) / 24 - tieTerm / 48
    guard variance > 0 else { return TestResult(statistic: .nan, p: .nan, n: n) }
    return .normal((wPlus - nn * (nn + 1) / 4) / variance.squareRoot(), n: n)
  }

  /// Lyon-Barber-Tsai (1999, eq. 5) skewness-adjusted t = √N(S + γ̂S²/3 + γ̂/(6N)), S = mean/sd,
  /// γ̂ = Σ(x − x̄)³/(N·sd³), sd with divisor N − 1; Student t with N − 1 df.
  public static func skewnessAdjustedT(_ x: [Double]) -> TestResult {
    let (m, sd, n) = meanSD(x)
    guard n >= 3, sd > 0 else { return TestResult(statistic: .nan, p: .nan, n: n) }
    var c3 = 0.0
    for v in x where v.isFinite { c3 += (v - m) * (v - m) * (v - m) }
    let nn = Double(n)
    let gamma = c3 / (nn * sd * sd * sd)
    let s = m / sd
    let t = nn.squareRoot() * (s + gamma * s * s / 3 + gamma / (6 * nn))
    return .student(t, df: nn - 1, n: n)
  }

  /// Crude dependence adjustment (Brown-Warner): t = mean(x)/(√L2·Ŝ), Ŝ = sd (divisor T − 1) of
  /// the estimation-window AAR series; Student t with T − 1 df. `n` is reported as the pairs used.
  public static func crudeDependence(caar: Double, windowLength: Int, estimationAAR: [Double], n: Int)
    -> TestResult
  {
    let (_, sd, t) = meanSD(estimationAAR)
    guard t >= 2, sd > 0, caar.isFinite, n > 0 else { return TestResult(statistic: .nan, p: .nan, n: n) }
    return .student(caar / (Double(windowLength).squareRoot() * sd), df: Double(t - 1), n: n)
  }

  /// The q-quantile of sorted values with linear interpolation between order statistics
  /// (position (n − 1)q, numpy's default "linear" method).
  public static func quantile(sorted a: [Double], _ q: Double) -> Double {
    guard !a.isEmpty else { return .nan }
    let h = Double(a.count - 1) * q
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, a.count - 1)
    return a[lo] + (h - Double(lo)) * (a[hi] - a[lo])
  }

  /// Bootstrap percentile interval of the mean: `draws` resamples of the finite values with
  /// replacement, index j = ⌊u·N/2⁶⁴⌋ with u from SplitMix64 seeded by `seed`; the 2.5% and 97.5%
  /// quantiles (`quantile(sorted:_:)`) of the resampled means. Deterministic for a given seed.
  public static func bootstrapInterval(_ x: [Double], draws: Int, seed: UInt64, level: Double = 0.95)
    -> (low: Double, high: Double)
  {
    let v = x.filter(\.isFinite)
    guard !v.isEmpty, draws > 0 else { return (.nan, .nan) }
    var rng = SplitMix64(seed: seed)
    let n = UInt64(v.count)
    var means = [Double](repeating: 0, count: draws)
    let count = v.count
    v.withUnsafeBufferPointer { vb in
      for b in 0..<draws {
        // Two running sums (even and odd draws) halve the floating-point add chain.
        var even = 0.0
        var odd = 0.0
        var k = 0
        while k + 1 < count {
          even += vb[Int(rng.next().multipliedFullWidth(by: n).high)]
          odd += vb[Int(rng.next().multipliedFullWidth(by: n).high)]
          k += 2
        }
        if k < count { even += vb[Int(rng.next().multipliedFullWidth(by: n).high)] }
        means[b] = (even + odd) / Double(count)
      }
    }
    means.sort()
    let a = (1 - level) / 2
    return (quantile(sorted: means, a), quantile(sorted: means, 1 - a))
  }

  /// Average ranks (1-based) of the finite values; NaN stays NaN.
  public static func averageRanks(_ x: [Double]) -> [Double] {
    let idx = x.indices.filter { x[$0].isFinite }.sorted { x[$0] < x[$1] }
    var r = [Double](repeating: .nan, count: x.count)
    var i = 0
    while i < idx.count {
      var j = i
      while j + 1 < idx.count && x[idx[j + 1]] == x[idx[i]] { j += 1 }
      let rank = Double(i + j + 2) / 2
      for k in i...j { r[idx[k]] = rank }
      i = j + 1
    }
    return r
  }

  /// Pearson correlation of the finite (x_t, y_t) pairs, and their count (NaN below 3 pairs).
  public static func pearson(_ x: [Double], _ y: [Double]) -> (r: Double, n: Int) {
    var n = 0.0
    var sx = 0.0
    var sy = 0.0
    for (a, b) in zip(x, y) where a.isFinite && b.isFinite {
      n += 1
      sx += a
      sy += b
    }
    guard n >= 3 else { return (.nan, Int(n)) }
    let mx = sx / n
    let my = sy / n
    var sxx = 0.0
    var syy = 0.0
    var sxy = 0.0
    for (a, b) in zip(x, y) where a.isFinite && b.isFinite {
      sxx += (a - mx) * (a - mx)
      syy += (b - my) * (b - my)
      sxy += (a - mx) * (b - my)
    }
    guard sxx > 0, syy > 0 else { return (.nan, Int(n)) }
    return (sxy / (sxx * syy).squareRoot(), Int(n))
  }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, seedable generator whose output is the same
/// on every platform, so bootstrap intervals reproduce exactly.
public struct SplitMix64: Sendable {
  /// The state.
  public var state: UInt64

  /// Seeds the generator.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// FNV-1a 64-bit hash of `text`'s UTF-8 bytes (stable across runs, unlike `Hasher`).
  public static func fnv1a(_ text: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in text.utf8 {
      h ^= UInt64(b)
      h = h &* 0x0000_0100_0000_01B3
    }
    return h
  }
}
