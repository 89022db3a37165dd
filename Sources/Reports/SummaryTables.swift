import EventStudy
import MarketData

/// Per-group, per-window aggregates shown on screen (`report.html`).
public enum SummaryTables {
  /// One group over one window: N pairs with a complete window, CAAR, ABHAR and the
  /// cross-sectional t test of CAAR = 0 (Student t with N − 1 degrees of freedom).
  public struct Row: Sendable, Equatable {
    /// `all` or `column=value`.
    public var group: String
    /// The window.
    public var window: EventWindow
    /// Pairs with a complete window.
    public var n: Int
    /// Mean CAR.
    public var caar: Double
    /// Mean BHAR.
    public var abhar: Double
    /// CAAR / (sd(CAR)/√N).
    public var t: Double
    /// Two-sided p of `t`.
    public var p: Double
  }

  /// The rows, group by group, windows in study order.
  public static func rows(_ result: StudyResult, groups: PairGroups) -> [Row] {
    var out: [Row] = []
    for g in groups.groups {
      for w in result.parameters.windows {
        let rs = g.pairs.compactMap { $0.result(for: w) }.filter { $0.complete && $0.car.isFinite }
        let n = rs.count
        let cars = rs.map(\.car)
        let caar = n > 0 ? cars.reduce(0, +) / Double(n) : .nan
        let bhars = rs.map(\.bhar).filter(\.isFinite)
        let abhar = bhars.isEmpty ? .nan : bhars.reduce(0, +) / Double(bhars.count)
        var t = Double.nan
        var p = Double.nan
        if n > 1 {
          let v = cars.reduce(0) { $0 + ($1 - caar) * ($1 - caar) } / Double(n - 1)
          if v > 0 {
            t = caar / (v.squareRoot() / Double(n).squareRoot())
            p = StudyMath.studentTwoSidedP(t, df: Double(n - 1))
          }
        }
        out.append(Row(group: g.name, window: w, n: n, caar: caar, abhar: abhar, t: t, p: p))
      }
    }
    return out
  }

  /// The rows formatted for reading: percentages with two decimals, t with two, p with four.
  public static func display(_ rows: [Row]) -> CSVTable {
    var t = CSVTable(header: ["group", "window", "N", "CAAR", "ABHAR", "t (cross-section)", "p"])
    for r in rows {
      t.append([
        r.group, "[\(r.window.start), \(r.window.end)]", String(r.n), HTMLReport.percent(r.caar),
        HTMLReport.percent(r.abhar), HTMLReport.fixed(r.t, 2), HTMLReport.fixed(r.p, 4),
      ])
    }
    return t
  }
}
