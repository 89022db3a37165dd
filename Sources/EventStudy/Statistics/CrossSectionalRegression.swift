import MarketData

/// One coefficient of a cross-sectional regression.
public struct RegressionCoefficient: Sendable, Equatable {
  /// `intercept`, a numeric column's name, or `column=level` for a dummy.
  public var name: String
  /// OLS estimate.
  public var estimate: Double
  /// HC1 heteroskedasticity-robust standard error.
  public var standardError: Double
  /// estimate / standardError.
  public var t: Double
  /// Two-sided p-value from Student's t with N − k degrees of freedom.
  public var p: Double

  /// Creates a coefficient row.
  public init(name: String, estimate: Double, standardError: Double, t: Double, p: Double) {
    self.name = name
    self.estimate = estimate
    self.standardError = standardError
    self.t = t
    self.p = p
  }
}

/// The fit of CAR on event features.
public struct RegressionResult: Sendable {
  /// The event window whose CAR is the dependent variable.
  public var window: EventWindow
  /// Intercept first, then the regressors in feature order (dummies by sorted level).
  public var coefficients: [RegressionCoefficient]
  /// Observations (pairs with a complete window and every feature present).
  public var n: Int
  /// R² = 1 − SSR/SST.
  public var rSquared: Double
  /// Reference (dropped) level of each categorical feature.
  public var referenceLevels: [(column: String, level: String)]

  /// Creates a result.
  public init(
    window: EventWindow, coefficients: [RegressionCoefficient], n: Int, rSquared: Double,
    referenceLevels: [(column: String, level: String)]
  ) {
    self.window = window
    self.coefficients = coefficients
    self.n = n
    self.rSquared = rSquared
    self.referenceLevels = referenceLevels
  }

  /// Columns of the regression CSV: `window_start,window_end,term,estimate,se_hc1,t,p,n,r2`.
  public static let columns = [
    "window_start", "window_end", "term", "estimate", "se_hc1", "t", "p", "n", "r2",
  ]

  /// One row per coefficient in the order of `columns`.
  public var rows: [[SummaryCell]] {
    coefficients.map {
      [
        .integer(window.start), .integer(window.end), .text($0.name), .number($0.estimate),
        .number($0.standardError), .number($0.t), .number($0.p), .integer(n), .number(rSquared),
      ]
    }
  }
}

/// Cross-sectional OLS of CAR_i on event features with HC1 (White, MacKinnon-White n/(n − k))
/// robust standard errors: V = n/(n − k)·(X'X)⁻¹ X' diag(e²) X (X'X)⁻¹.
public struct CrossSectionalRegression {
  /// Fits CAR over `window` on `features`: a column whose non-empty values all parse as numbers
  /// enters as is; any other column becomes one dummy per level except the first in sorted order
  /// (the reference). `ticker` and `exchange` come from the pair, other names from event columns.
  /// Only `ok` pairs with a complete window and every feature non-empty enter.
  /// Throws `EventStudyError.invalidParameter` when the window was not studied, there are no more
  /// observations than regressors, or the design is singular.
  public static func fit(_ result: StudyResult, window: EventWindow, features: [String])
    throws(EventStudyError)
    -> RegressionResult
  {
    guard result.parameters.windows.contains(window) else {
      throw .invalidParameter(
        name: "regression window", value: window.description, expected: "one of the study's --windows")
    }
    var ys: [Double] = []
    var raw: [[String]] = []
    for p in result.pairs where p.outcome == .ok {
      guard let w = p.result(for: window), w.complete, w.car.isFinite else { continue }
      let values = features.map { StudyStatistics.groupValue(p, column: $0).trimmingSpaces() }
      if values.contains(where: \.isEmpty) { continue }
      ys.append(w.car)
      raw.append(values)
    }
    var names = ["intercept"]
    var references: [(column: String, level: String)] = []
    var columns: [[Double]] = [[Double](repeating: 1, count: ys.count)]
    for (f, feature) in features.enumerated() {
      let values = raw.map { $0[f] }
      let numbers = values.map { Double($0) }
      if !values.isEmpty, numbers.allSatisfy({ $0?.isFinite ?? false }) {
        names.append(feature)
        columns.append(numbers.map { $0 ?? .nan })
      } else {
        let levels = Set(values).sorted()
        if let first = levels.first { references.append((feature, first)) }
        for level in levels.dropFirst() {
          names.append("\(feature)=\(level)")
          columns.append(values.map { $0 == level ? 1 : 0 })
        }
      }
    }
    let n = ys.count
    let k = columns.count
    guard n > k else {
      throw .invalidParameter(
        name: "regression features", value: features.joined(separator: ","),
        expected: "more observations (\(n)) than regressors (\(k))")
    }
    // X'X and X'y.
    var xtx = [Double](repeating: 0, count: k * k)
    var xty = [Double](repeating: 0, count: k)
    for i in 0..<n {
      for a in 0..<k {
        let xa = columns[a][i]
        xty[a] += xa * ys[i]
        for b in 0..<k { xtx[a * k + b] += xa * columns[b][i] }
      }
    }
    guard let inv = OLS.invert(xtx, k) else {  // the same Gauss-Jordan as the expected-return fits
      throw .invalidParameter(
        name: "regression features", value: features.joined(separator: ","),
        expected: "regressors that are not collinear (a level or column is constant or redundant)")
    }
    var beta = [Double](repeating: 0, count: k)
    for a in 0..<k { for b in 0..<k { beta[a] += inv[a * k + b] * xty[b] } }
    var meat = [Double](repeating: 0, count: k * k)
    var ssr = 0.0
    let ybar = ys.reduce(0, +) / Double(n)
    var sst = 0.0
    for i in 0..<n {
      var fit = 0.0
      for a in 0..<k { fit += beta[a] * columns[a][i] }
      let e = ys[i] - fit
      ssr += e * e
      sst += (ys[i] - ybar) * (ys[i] - ybar)
      for a in 0..<k { for b in 0..<k { meat[a * k + b] += e * e * columns[a][i] * columns[b][i] } }
    }
    // V = c · inv · meat · inv.
    var tmp = [Double](repeating: 0, count: k * k)
    for a in 0..<k {
      for b in 0..<k { for c in 0..<k { tmp[a * k + b] += inv[a * k + c] * meat[c * k + b] } }
    }
    let scale = Double(n) / Double(n - k)
    var coefficients: [RegressionCoefficient] = []
    for a in 0..<k {
      var v = 0.0
      for c in 0..<k { v += tmp[a * k + c] * inv[c * k + a] }
      let se = (scale * v).squareRoot()
      let t = beta[a] / se
      coefficients.append(
        RegressionCoefficient(
          name: names[a], estimate: beta[a], standardError: se, t: t,
          p: StudyMath.studentTwoSidedP(t, df: Double(n - k))))
    }
    return RegressionResult(
      window: window, coefficients: coefficients, n: n, rSquared: sst > 0 ? 1 - ssr / sst : .nan,
      referenceLevels: references)
  }
}
