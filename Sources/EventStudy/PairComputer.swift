import Foundation
import MarketData

/// Fits one pair's model over its estimation window and measures its event windows.
enum PairComputer {
  /// Residual standard deviations at or below this (returns are about 1e-2 a day) are exact fits.
  static let degenerateSigma = 1e-10

  static func compute(_ pr: inout PairResult, task: PairTask, context c: StudyContext, scratch: inout Scratch)
  {
    let p = c.parameters
    let span = c.span
    let grid = c.grids[task.grid]
    let y = c.securities[task.security]
    let m = task.market.map { c.markets[$0] } ?? .empty
    let f = c.factors[task.grid]
    let g0 = task.g0
    let e0 = g0 + p.estimation.start
    let e1 = g0 + p.estimation.end
    var gaps = 0
    let gapLo = max(e0, y.offset)
    let gapHi = min(e1, y.offset + y.reasons.count - 1)
    if gapLo <= gapHi {
      for i in (gapLo - y.offset)...(gapHi - y.offset) where y.reasons[i] == MissingReason.gap.rawValue {
        gaps += 1
      }
    }
    pr.gapReturnsExcluded = gaps

    guard let fit = estimate(model: p.model, y: y, m: m, f: f, range: e0...e1, scratch: &scratch) else {
      pr.outcome = .insufficientEstimation
      pr.detail = note(pr.detail, "regressors are constant or collinear over the estimation window")
      return
    }
    if fit.n < p.minimumEstimationReturns {
      pr.outcome = .insufficientEstimation
      var why = "\(fit.n) valid estimation returns in [\(p.estimation.start), \(p.estimation.end)], "
      why += "\(p.minimumEstimationReturns) required"
      if gaps > 0 { why += " (\(gaps) multi-session returns after missing prices excluded)" }
      pr.detail = note(pr.detail, why)
      return
    }
    let sigma = fit.s2.squareRoot()
    // An exact fit leaves nothing to standardize by: SAR, SCAR and every test would be NaN or
    // rounding noise divided by rounding noise. Returns are dimensionless, so an absolute bound.
    guard sigma.isFinite, sigma > PairComputer.degenerateSigma else {
      pr.outcome = .degenerateEstimation
      pr.detail = note(
        pr.detail,
        "residual standard deviation \(sigma) over \(fit.n) estimation returns: the model fits the security exactly (is it its own market index?)"
      )
      return
    }
    let k = fit.xMean.count

    // Expected return and correction regressors on session g; false when not computable.
    func expected(_ g: Int, _ x: UnsafeMutableBufferPointer<Double>) -> Double {
      switch p.model {
      case .meanAdjusted: return fit.alpha
      case .marketAdjusted: return m[g]
      case .marketModel, .scholesWilliams, .dimson:
        let mg = m[g]
        x[0] = mg
        return fit.alpha + fit.betas[0] * mg
      case .famaFrench3, .carhart4, .famaFrench5:
        var e = f[k][g] + fit.alpha
        for j in 0..<k {
          let v = f[j][g]
          x[j] = v
          e += fit.betas[j] * v
        }
        return e
      }
    }

    // Estimation residuals on the grid.
    let lo = max(e0, 0)
    let hi = min(e1, grid.dates.count - 1)
    let residuals =
      p.keepEstimationResiduals && lo <= hi
      ? estimationResiduals(
        model: p.model, alpha: fit.alpha, betas: fit.betas, y: y, m: m, f: f, range: lo...hi) : []
    pr.estimation = EstimationStats(
      l1: fit.n, alpha: fit.alpha, betas: fit.betas, coefficientNames: fit.names, sigma: sigma,
      degreesOfFreedom: fit.df, marketMean: k == 1 && p.model.usesMarket ? fit.xMean[0] : .nan,
      marketSumSquares: k == 1 && p.model.usesMarket ? 1 / fit.cInverse[0] : .nan,
      dates: lo <= hi ? grid.dates[lo...hi] : grid.dates[0..<0], residuals: residuals)

    // Event days.
    let days = span.end - span.start + 1
    var daily: [DailyAbnormalReturn] = []
    daily.reserveCapacity(days)
    scratch.regressors.removeAll(keepingCapacity: true)
    scratch.regressors.append(contentsOf: repeatElement(0.0, count: days * max(k, 1)))
    var firstMissing: String? = nil
    scratch.regressors.withUnsafeMutableBufferPointer { xr in
      for d in 0..<days {
        let tau = span.start + d
        let g = g0 + tau
        let date = g >= 0 && g < grid.dates.count ? grid.dates[g] : g0date(grid, g)
        let x = UnsafeMutableBufferPointer(rebasing: xr[(d * max(k, 1))..<((d + 1) * max(k, 1))])
        let r = y[g]
        let e = expected(g, x)
        let ar = r - e
        var sar = Double.nan
        if ar.isFinite {
          sar = ar / (sigma * fit.varianceFactor(days: 1, sums: UnsafeBufferPointer(x)).squareRoot())
        } else if firstMissing == nil {
          firstMissing = missingReason(tau: tau, date: date, g: g, y: y, r: r, e: e)
        }
        daily.append(DailyAbnormalReturn(date: date, day: tau, ret: r, expected: e, ar: ar, sar: sar))
      }
    }

    // Windows.
    var windows: [WindowResult] = []
    windows.reserveCapacity(p.windows.count)
    var allComplete = true
    withUnsafeTemporaryAllocation(of: Double.self, capacity: max(k, 1)) { sums in
      for w in p.windows {
        for j in 0..<max(k, 1) { sums[j] = 0 }
        var car = 0.0
        var sumSar = 0.0
        var growR = p.returnKind == .simple ? 1.0 : 0.0
        var growE = growR
        var complete = true
        for tau in w.start...w.end {
          let d = tau - span.start
          let rec = daily[d]
          if !rec.ar.isFinite {
            complete = false
            break
          }
          car += rec.ar
          sumSar += rec.sar
          if p.returnKind == .simple {
            growR *= 1 + rec.ret
            growE *= 1 + rec.expected
          } else {
            growR += rec.ret
            growE += rec.expected
          }
          for j in 0..<k { sums[j] += scratch.regressors[d * k + j] }
        }
        guard complete else {
          allComplete = false
          windows.append(
            WindowResult(
              window: w, complete: false, car: .nan, bhar: .nan, sdCAR: .nan, scar: .nan, csar: .nan, t: .nan,
              p: .nan))
          continue
        }
        let l2 = w.length
        let bhar = p.returnKind == .simple ? growR - growE : exp(growR) - exp(growE)
        let sd = sigma * fit.varianceFactor(days: l2, sums: UnsafeBufferPointer(sums)).squareRoot()
        let scar = car / sd
        windows.append(
          WindowResult(
            window: w, complete: true, car: car, bhar: bhar, sdCAR: sd, scar: scar,
            csar: sumSar / Double(l2).squareRoot(), t: scar,
            p: StudyMath.studentTwoSidedP(scar, df: Double(fit.df))))
      }
    }
    pr.daily = daily
    pr.windows = windows
    if allComplete {
      pr.outcome = .ok
    } else {
      pr.outcome = .missingEventData
      pr.detail = note(pr.detail, firstMissing ?? "an event window is incomplete")
    }
    if gaps > 0 && pr.outcome == .ok {
      pr.detail = note(
        pr.detail, "\(gaps) multi-session returns after missing prices excluded from estimation")
    }
  }

  /// AR over the estimation sessions `range` (NaN where a return or regressor is missing).
  static func estimationResiduals(
    model: ExpectedReturnModel, alpha: Double, betas: [Double], y: AlignedReturns, m: AlignedReturns,
    f: [AlignedReturns], range: ClosedRange<Int>
  ) -> [Double] {
    var out = [Double](repeating: .nan, count: range.count)
    let beta = betas.first ?? .nan
    for g in range {
      let r = y[g]
      if r.isNaN { continue }
      let e: Double
      switch model {
      case .meanAdjusted: e = alpha
      case .marketAdjusted: e = m[g]
      case .marketModel, .scholesWilliams, .dimson: e = alpha + beta * m[g]
      case .famaFrench3, .carhart4, .famaFrench5:
        let k = f.count - 1
        var v = f[k][g] + alpha
        for j in 0..<k { v += betas[j] * f[j][g] }
        e = v
      }
      out[g - range.lowerBound] = r - e
    }
    return out
  }

  static func note(_ a: String, _ b: String) -> String { a.isEmpty ? b : a + "; " + b }

  static func g0date(_ grid: SessionGrid, _ g: Int) -> CivilDate {
    // Beyond the grid: step on the calendar from its ends.
    if g < 0, let first = grid.dates.first { return grid.calendar.session(g, from: first) }
    if let last = grid.dates.last { return grid.calendar.session(g - grid.dates.count + 1, from: last) }
    return CivilDate(dayNumber: 0)
  }

  static func missingReason(tau: Int, date: CivilDate, g: Int, y: AlignedReturns, r: Double, e: Double)
    -> String
  {
    let at = "τ=\(tau > 0 ? "+" : "")\(tau) (\(date.iso))"
    if r.isNaN {
      switch y.reason(g) {
      case .gap: return "return at \(at) follows a session without a price (multi-session return excluded)"
      case .first: return "return at \(at) is the first price of the series (no previous price)"
      default: return "no price at \(at)"
      }
    }
    return "no market/factor return at \(at)"
  }

  /// Fits the model over the estimation sessions; `nil` when the regressors are degenerate.
  static func estimate(
    model: ExpectedReturnModel, y: AlignedReturns, m: AlignedReturns, f: [AlignedReturns],
    range: ClosedRange<Int>,
    scratch: inout Scratch
  ) -> ModelFit? {
    scratch.y.removeAll(keepingCapacity: true)
    scratch.x.removeAll(keepingCapacity: true)
    switch model {
    case .meanAdjusted:
      for g in range {
        let v = y[g]
        if v.isFinite { scratch.y.append(v) }
      }
      let n = scratch.y.count
      guard n >= 2 else { return ModelFit.short(n) }
      let mean = scratch.y.reduce(0, +) / Double(n)
      var ss = 0.0
      for v in scratch.y { ss += (v - mean) * (v - mean) }
      return ModelFit(
        n: n, alpha: mean, betas: [], names: [], s2: ss / Double(n - 1), df: n - 1, xMean: [], cInverse: [],
        estimated: true)

    case .marketAdjusted:
      for g in range {
        let v = y[g] - m[g]
        if v.isFinite { scratch.y.append(v) }
      }
      let n = scratch.y.count
      guard n >= 2 else { return ModelFit.short(n) }
      let mean = scratch.y.reduce(0, +) / Double(n)
      var ss = 0.0
      for v in scratch.y { ss += (v - mean) * (v - mean) }
      return ModelFit(
        n: n, alpha: 0, betas: [1], names: ["market (fixed)"], s2: ss / Double(n - 1), df: n - 1, xMean: [],
        cInverse: [], estimated: false)

    case .marketModel:
      // Closed form, three passes over contiguous memory, no buffers.
      let lo = max(range.lowerBound, y.offset, m.offset)
      let hi = min(range.upperBound, y.offset + y.values.count - 1, m.offset + m.values.count - 1)
      guard lo <= hi else { return ModelFit.short(0) }
      let fit: (n: Int, alpha: Double, beta: Double, ssr: Double, xm: Double, sxx: Double) =
        y.values.withUnsafeBufferPointer { yb in
          m.values.withUnsafeBufferPointer { mb in
            let yb = UnsafeBufferPointer(rebasing: yb[(lo - y.offset)...(hi - y.offset)])
            let mb = UnsafeBufferPointer(rebasing: mb[(lo - m.offset)...(hi - m.offset)])
            var n = 0
            var sy = 0.0
            var sx = 0.0
            for i in 0..<yb.count {
              let v = yb[i]
              let x = mb[i]
              if v.isFinite && x.isFinite {
                n += 1
                sy += v
                sx += x
              }
            }
            guard n > 0 else { return (0, .nan, .nan, .nan, .nan, 0) }
            let ym = sy / Double(n)
            let xm = sx / Double(n)
            var sxx = 0.0
            var sxy = 0.0
            for i in 0..<yb.count {
              let v = yb[i]
              let x = mb[i]
              if v.isFinite && x.isFinite {
                sxx += (x - xm) * (x - xm)
                sxy += (x - xm) * (v - ym)
              }
            }
            let beta = sxy / sxx
            let alpha = ym - beta * xm
            var ssr = 0.0
            for i in 0..<yb.count {
              let v = yb[i]
              let x = mb[i]
              if v.isFinite && x.isFinite {
                let e = v - alpha - beta * x
                ssr += e * e
              }
            }
            return (n, alpha, beta, ssr, xm, sxx)
          }
        }
      guard fit.n >= 3 else { return ModelFit.short(fit.n) }
      guard fit.sxx > 0 else { return nil }
      return ModelFit(
        n: fit.n, alpha: fit.alpha, betas: [fit.beta], names: ModelFit.marketNames,
        s2: fit.ssr / Double(fit.n - 2),
        df: fit.n - 2, xMean: [fit.xm], cInverse: [1 / fit.sxx], estimated: true)

    case .famaFrench3, .carhart4, .famaFrench5:
      let k = f.count - 1
      let rf = f[k]
      for g in range {
        let v = y[g] - rf[g]
        guard v.isFinite else { continue }
        var ok = true
        for j in 0..<k where !f[j][g].isFinite { ok = false }
        guard ok else { continue }
        scratch.y.append(v)
        for j in 0..<k { scratch.x.append(f[j][g]) }
      }
      let n = scratch.y.count
      guard n >= k + 2 else { return ModelFit.short(n) }
      guard let r = olsFit(&scratch, n: n, k: k) else { return nil }
      return ModelFit(
        n: n, alpha: r.alpha, betas: r.b, names: model.factorNames, s2: r.ssr / Double(n - k - 1),
        df: n - k - 1,
        xMean: r.xMean, cInverse: r.cInverse, estimated: true)

    case .dimson(let lags):
      let k = 2 * lags + 1
      for g in range {
        let v = y[g]
        guard v.isFinite else { continue }
        var ok = true
        for j in -lags...lags where !m[g + j].isFinite { ok = false }
        guard ok else { continue }
        scratch.y.append(v)
        for j in -lags...lags { scratch.x.append(m[g + j]) }
      }
      let n = scratch.y.count
      guard n >= k + 2 else { return ModelFit.short(n) }
      guard let r = olsFit(&scratch, n: n, k: k) else { return nil }
      let beta = r.b.reduce(0, +)
      // Collapse to α + β R_mt with α = ȳ − β·x̄ on the same observations.
      return collapse(
        beta: beta, extra: r.b, extraNames: (-lags...lags).map { "market[t\($0 < 0 ? "" : "+")\($0)]" },
        scratch: &scratch, n: n, stride: k, column: lags)

    case .scholesWilliams:
      var lag: [(y: Double, x: Double)] = []
      var lead: [(y: Double, x: Double)] = []
      var auto: [(y: Double, x: Double)] = []
      for g in range {
        let v = y[g]
        let x0 = m[g]
        let xm = m[g - 1]
        if x0.isFinite && xm.isFinite { auto.append((x0, xm)) }
        guard v.isFinite else { continue }
        if xm.isFinite { lag.append((v, xm)) }
        let xp = m[g + 1]
        if xp.isFinite { lead.append((v, xp)) }
        if x0.isFinite {
          scratch.y.append(v)
          scratch.x.append(x0)
        }
      }
      let n = scratch.y.count
      guard n >= 3 else { return ModelFit.short(n) }
      let b0 = OLS.slope(zip(scratch.y, scratch.x).map { ($0, $1) })
      let bm = OLS.slope(lag)
      let bp = OLS.slope(lead)
      let rho = OLS.correlation(auto)
      let beta = (bm + b0 + bp) / (1 + 2 * rho)
      guard beta.isFinite else { return nil }
      return collapse(
        beta: beta, extra: [bm, b0, bp, rho], extraNames: ["β(t−1)", "β(t)", "β(t+1)", "ρ_m"],
        scratch: &scratch,
        n: n, stride: 1, column: 0)
    }
  }

  /// α = ȳ − β x̄, s² = Σ(y − α − βx)²/(n − 2), market-model correction with x̄ and Σ(x − x̄)².
  static func collapse(
    beta: Double, extra: [Double], extraNames: [String], scratch: inout Scratch, n: Int, stride: Int,
    column: Int
  ) -> ModelFit? {
    var ym = 0.0
    var xm = 0.0
    for i in 0..<n {
      ym += scratch.y[i]
      xm += scratch.x[i * stride + column]
    }
    ym /= Double(n)
    xm /= Double(n)
    let alpha = ym - beta * xm
    var ssr = 0.0
    var sxx = 0.0
    for i in 0..<n {
      let x = scratch.x[i * stride + column]
      let e = scratch.y[i] - alpha - beta * x
      ssr += e * e
      sxx += (x - xm) * (x - xm)
    }
    guard sxx > 0 else { return nil }
    return ModelFit(
      n: n, alpha: alpha, betas: [beta] + extra, names: ["market"] + extraNames, s2: ssr / Double(n - 2),
      df: n - 2,
      xMean: [xm], cInverse: [1 / sxx], estimated: true)
  }

  static func olsFit(_ s: inout Scratch, n: Int, k: Int) -> (
    alpha: Double, b: [Double], ssr: Double, xMean: [Double], cInverse: [Double]
  )? {
    s.y.withUnsafeBufferPointer { yb in
      s.x.withUnsafeBufferPointer { xb in OLS.fit(y: yb, x: xb, n: n, k: k) }
    }
  }
}

extension ModelFit {
  static let marketNames = ["market"]

  /// A fit that only reports its (too small) number of observations.
  static func short(_ n: Int) -> ModelFit {
    ModelFit(
      n: n, alpha: .nan, betas: [], names: [], s2: .nan, df: 0, xMean: [], cInverse: [], estimated: false)
  }
}
