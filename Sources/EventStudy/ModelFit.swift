import Foundation

/// An estimated expected-return model of one pair, with what the prediction-error correction needs.
///
/// Expected returns: mean-adjusted α; market-adjusted R_mt; market model, Scholes-Williams and
/// Dimson α + β R_mt; factor models RF_t + α + Σ b_j F_jt.
///
/// Variance of a sum of m prediction errors with regressor sums S (the correction regressors:
/// R_m for market-type models, the factors for factor models):
/// s²·[m + m²/L1 + d'C⁻¹d], d = S − m·x̄, C the centred cross-product matrix of the estimation
/// regressors. For m = 1 this is Patell's S²_it, for the market model with m = L2 MacKinlay's
/// S²_CAR. Mean-adjusted has no regressors (s²[m + m²/L1]); market-adjusted estimates nothing (s²·m).
struct ModelFit {
  var n: Int
  var alpha: Double
  var betas: [Double]
  var names: [String]
  var s2: Double
  var df: Int
  /// Means of the correction regressors.
  var xMean: [Double]
  /// Inverse of the centred cross-product matrix of the correction regressors (k×k, row-major).
  var cInverse: [Double]
  /// `false` for market-adjusted: nothing estimated, no correction.
  var estimated: Bool

  /// s²·factor(m, S) as described above.
  @inline(__always) func varianceFactor(days m: Int, sums: UnsafeBufferPointer<Double>) -> Double {
    let md = Double(m)
    guard estimated else { return md }
    var q = md + md * md / Double(n)
    let k = xMean.count
    if k == 1 {
      let d = sums[0] - md * xMean[0]
      q += d * d * cInverse[0]
    } else if k > 1 {
      for a in 0..<k {
        let da = sums[a] - md * xMean[a]
        for b in 0..<k { q += da * cInverse[a * k + b] * (sums[b] - md * xMean[b]) }
      }
    }
    return q
  }
}

/// Ordinary least squares with an intercept on centred data.
enum OLS {
  /// Fits y = a + Σ b_j x_j. `x` is row-major n×k. Returns nil when C is singular or n ≤ k + 1.
  static func fit(y: UnsafeBufferPointer<Double>, x: UnsafeBufferPointer<Double>, n: Int, k: Int) -> (
    alpha: Double, b: [Double], ssr: Double, xMean: [Double], cInverse: [Double]
  )? {
    guard n > k + 1 else { return nil }
    let nd = Double(n)
    var ym = 0.0
    var xm = [Double](repeating: 0, count: k)
    for i in 0..<n {
      ym += y[i]
      for j in 0..<k { xm[j] += x[i * k + j] }
    }
    ym /= nd
    for j in 0..<k { xm[j] /= nd }
    var c = [Double](repeating: 0, count: k * k)
    var cy = [Double](repeating: 0, count: k)
    for i in 0..<n {
      let dy = y[i] - ym
      for a in 0..<k {
        let da = x[i * k + a] - xm[a]
        cy[a] += da * dy
        for b in a..<k { c[a * k + b] += da * (x[i * k + b] - xm[b]) }
      }
    }
    for a in 0..<k { for b in 0..<a { c[a * k + b] = c[b * k + a] } }
    guard let inv = invert(c, k) else { return nil }
    var b = [Double](repeating: 0, count: k)
    for a in 0..<k { for j in 0..<k { b[a] += inv[a * k + j] * cy[j] } }
    var alpha = ym
    for j in 0..<k { alpha -= b[j] * xm[j] }
    var ssr = 0.0
    for i in 0..<n {
      var e = y[i] - alpha
      for j in 0..<k { e -= b[j] * x[i * k + j] }
      ssr += e * e
    }
    return (alpha, b, ssr, xm, inv)
  }

  /// Inverse of a symmetric positive-definite k×k matrix (Gauss-Jordan with partial pivoting);
  /// nil when (numerically) singular.
  static func invert(_ m: [Double], _ k: Int) -> [Double]? {
    if k == 0 { return [] }
    if k == 1 { return m[0] > 0 && m[0].isFinite ? [1 / m[0]] : nil }
    var a = m
    var inv = [Double](repeating: 0, count: k * k)
    for i in 0..<k { inv[i * k + i] = 1 }
    var scale = 0.0
    for i in 0..<k { scale = max(scale, abs(m[i * k + i])) }
    guard scale > 0, scale.isFinite else { return nil }
    for col in 0..<k {
      var piv = col
      for r in (col + 1)..<k where abs(a[r * k + col]) > abs(a[piv * k + col]) { piv = r }
      guard abs(a[piv * k + col]) > scale * 1e-13 else { return nil }
      if piv != col {
        for j in 0..<k {
          a.swapAt(piv * k + j, col * k + j)
          inv.swapAt(piv * k + j, col * k + j)
        }
      }
      let p = a[col * k + col]
      for j in 0..<k {
        a[col * k + j] /= p
        inv[col * k + j] /= p
      }
      for r in 0..<k where r != col {
        let f = a[r * k + col]
        if f == 0 { continue }
        for j in 0..<k {
          a[r * k + j] -= f * a[col * k + j]
          inv[r * k + j] -= f * inv[col * k + j]
        }
      }
    }
    return inv
  }

  /// Centred co-moments Σ(x−x̄)(y−ȳ), Σ(x−x̄)², Σ(y−ȳ)² of the pairs (two passes); `nil` with
  /// fewer than 2 pairs.
  static func comoments(_ pairs: [(y: Double, x: Double)]) -> (sxy: Double, sxx: Double, syy: Double)? {
    guard pairs.count >= 2 else { return nil }
    let n = Double(pairs.count)
    var my = 0.0
    var mx = 0.0
    for p in pairs {
      my += p.y
      mx += p.x
    }
    my /= n
    mx /= n
    var sxy = 0.0
    var sxx = 0.0
    var syy = 0.0
    for p in pairs {
      sxy += (p.x - mx) * (p.y - my)
      sxx += (p.x - mx) * (p.x - mx)
      syy += (p.y - my) * (p.y - my)
    }
    return (sxy, sxx, syy)
  }

  /// Slope of y on x over the finite pairs: cov/var (NaN with fewer than 2 pairs or var 0).
  static func slope(_ pairs: [(y: Double, x: Double)]) -> Double {
    guard let c = comoments(pairs), c.sxx > 0 else { return .nan }
    return c.sxy / c.sxx
  }

  /// Pearson correlation over the pairs (NaN when undefined).
  static func correlation(_ pairs: [(y: Double, x: Double)]) -> Double {
    guard let c = comoments(pairs), c.sxx > 0, c.syy > 0 else { return .nan }
    return c.sxy / (c.sxx * c.syy).squareRoot()
  }
}
