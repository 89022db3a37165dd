import Foundation

/// Distribution functions the study and its statistics need (two-sided p-values).
public enum StudyMath {
  /// Two-sided p-value of a Student t statistic with `df` degrees of freedom: P(|T| ≥ |t|).
  /// NaN when `t` is NaN or `df` ≤ 0; a normal p-value when `df` is infinite.
  public static func studentTwoSidedP(_ t: Double, df: Double) -> Double {
    guard !t.isNaN, df > 0 else { return .nan }
    if df.isInfinite { return normalTwoSidedP(t) }
    if t.isInfinite { return 0 }
    let x = df / (df + t * t)
    return regularizedIncompleteBeta(x, a: df / 2, b: 0.5)
  }

  /// Two-sided p-value of a standard normal statistic: P(|Z| ≥ |z|) = erfc(|z|/√2).
  public static func normalTwoSidedP(_ z: Double) -> Double {
    guard !z.isNaN else { return .nan }
    return erfc(abs(z) / 2.0.squareRoot())
  }

  /// Regularized incomplete beta I_x(a, b), by the continued fraction (modified Lentz), to ~1e-15.
  public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
    if x < (a + 1) / (a + b + 2) {
      return exp(lnFront) * betaContinuedFraction(x, a: a, b: b) / a
    }
    return 1 - exp(lnFront) * betaContinuedFraction(1 - x, a: b, b: a) / b
  }

  static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
    let tiny = 1e-300
    var c = 1.0
    var d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...10_000 {
      let m = Double(m)
      let m2 = 2 * m
      var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      h *= d * c
      aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
    }
    return h
  }
}
