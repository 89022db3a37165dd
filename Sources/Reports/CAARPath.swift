import EventStudy
import MarketData

/// The cumulative average abnormal return over event time for a set of pairs, with a 95% band from
/// the cross-sectional dispersion of the pairs' cumulative ARs: the data behind `caar.svg`.
public struct CAARPath: Sendable {
  /// One point of the path.
  public struct Point: Sendable, Equatable {
    /// Event day τ.
    public var day: Int
    /// Pairs contributing at τ.
    public var n: Int
    /// Mean over pairs of Σ_{s=start..τ} AR_s.
    public var caar: Double
    /// Lower and upper ends of the 95% band: CAAR ∓ t(0.975, n−1) · sd/√n (normal quantile 1.96
    /// beyond 30 pairs).
    public var low: Double
    /// Upper end of the band.
    public var high: Double
  }

  /// The points, in event-time order.
  public var points: [Point]

  /// Cumulates each `ok` pair's daily ARs from the first day it has, and averages across pairs.
  public init(pairs: [PairResult]) {
    var sums: [Int: (n: Int, sum: Double, sumSq: Double)] = [:]
    pairs.withUnsafeBufferPointer { pairs in
      for i in pairs.indices where pairs[i].outcome == .ok {
        var cum = 0.0
        for d in pairs[i].daily {
          guard d.ar.isFinite else { break }
          cum += d.ar
          var s = sums[d.day] ?? (0, 0, 0)
          s.n += 1
          s.sum += cum
          s.sumSq += cum * cum
          sums[d.day] = s
        }
      }
    }
    points = sums.keys.sorted().compactMap { day in
      guard let s = sums[day], s.n > 0 else { return nil }
      let mean = s.sum / Double(s.n)
      var half = Double.nan
      if s.n > 1 {
        let variance = max(0, (s.sumSq - Double(s.n) * mean * mean) / Double(s.n - 1))
        half = CAARPath.t975(df: s.n - 1) * variance.squareRoot() / Double(s.n).squareRoot()
      }
      return Point(day: day, n: s.n, caar: mean, low: mean - half, high: mean + half)
    }
  }

  /// Two-sided 95% Student t quantiles for small samples (tabulated), 1.96 beyond 30 df.
  static func t975(df: Int) -> Double {
    let table: [Double] = [
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
      2.131,
      2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ]
    return df >= 1 && df <= table.count ? table[df - 1] : 1.96
  }
}
