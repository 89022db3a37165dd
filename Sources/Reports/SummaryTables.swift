import EventStudy
import MarketData

/// The aggregate statistics of a study, ready for the reports: the per-group summary, and the
/// cross-sectional regressions when features were given.
public struct StudyAggregates: Sendable {
  /// Per group (`all` first) and window, and per group and event day.
  public var summary: StudySummary
  /// The regressors of `regression.csv` (empty: no regression was asked for).
  public var regressionFeatures: [String]
  /// One fit per window that could be fitted.
  public var regressions: [RegressionResult]
  /// Why a window could not be fitted (`-1:1: more observations (3) than regressors (4)`).
  public var regressionProblems: [String]

  /// Creates aggregates.
  public init(
    summary: StudySummary, regressionFeatures: [String] = [], regressions: [RegressionResult] = [],
    regressionProblems: [String] = []
  ) {
    self.summary = summary
    self.regressionFeatures = regressionFeatures
    self.regressions = regressions
    self.regressionProblems = regressionProblems
  }

  /// Summarizes `result` per group and fits CAR on `regress` for every window.
  public static func compute(
    _ result: StudyResult, groupBy: [String], regress: [String], bootstrapDraws: Int = 999,
    seed: UInt64 = 20_250_626
  ) -> StudyAggregates {
    let summary = StudyStatistics.summarize(
      result, groupBy: groupBy, bootstrapDraws: bootstrapDraws, seed: seed)
    var fits: [RegressionResult] = []
    var problems: [String] = []
    if !regress.isEmpty {
      for w in result.parameters.windows {
        do { fits.append(try CrossSectionalRegression.fit(result, window: w, features: regress)) } catch {
          problems.append("\(w): \(error.description)")
        }
      }
    }
    return StudyAggregates(
      summary: summary, regressionFeatures: regress, regressions: fits, regressionProblems: problems)
  }
}

/// The aggregate CSV tables and their on-screen version.
public enum SummaryTables {
  /// `summary.csv`: one row per group and window, `WindowSummary.columns`.
  public static func summary(_ s: StudySummary) -> CSVTable {
    CSVTable(header: WindowSummary.columns, rows: s.windowRows.map { $0.cells.map(cell) })
  }

  /// `aar.csv`: one row per group and event day, `DaySummary.columns`.
  public static func aar(_ s: StudySummary) -> CSVTable {
    CSVTable(header: DaySummary.columns, rows: s.dayRows.map { $0.cells.map(cell) })
  }

  /// `regression.csv`: one row per window and coefficient, `RegressionResult.columns`.
  public static func regression(_ fits: [RegressionResult]) -> CSVTable {
    CSVTable(header: RegressionResult.columns, rows: fits.flatMap { $0.rows.map { $0.map(cell) } })
  }

  /// A summary cell as CSV text: numbers with full precision, NaN empty.
  public static func cell(_ c: SummaryCell) -> String {
    switch c {
    case .text(let t): return t
    case .integer(let i): return String(i)
    case .number(let x): return CSVTable.number(x)
    }
  }

  /// The summary for reading: CAAR and ABHAR as percentages, each test as `statistic (p)`, the
  /// bootstrap interval of CAAR.
  public static func display(_ s: StudySummary) -> CSVTable {
    var t = CSVTable(header: [
      "group", "window", "N", "CAAR", "ABHAR", "t cross-section (p)", "Patell z (p)", "BMP t (p)",
      "Kolari-Pynnönen t (p)", "rank z (p)", "generalized sign z (p)", "bootstrap 95% CI of CAAR",
    ])
    func stat(_ r: TestResult) -> String {
      r.statistic.isFinite ? "\(HTMLReport.fixed(r.statistic, 2)) (\(HTMLReport.fixed(r.p, 3)))" : ""
    }
    for w in s.windowRows {
      let ci =
        w.bootstrapLow.isFinite && w.bootstrapHigh.isFinite
        ? "[\(HTMLReport.percent(w.bootstrapLow)), \(HTMLReport.percent(w.bootstrapHigh))]" : ""
      t.append([
        w.group, "[\(w.window.start), \(w.window.end)]", String(w.n), HTMLReport.percent(w.caar),
        HTMLReport.percent(w.abhar), stat(w.tests.crossSectional), stat(w.tests.patell), stat(w.tests.bmp),
        stat(w.tests.kpBMP), stat(w.tests.corrado), stat(w.tests.generalizedSign), ci,
      ])
    }
    return t
  }

  /// The regressions for reading: one row per window and term.
  public static func displayRegression(_ fits: [RegressionResult]) -> CSVTable {
    var t = CSVTable(header: ["window", "term", "estimate", "HC1 s.e.", "t", "p", "N", "R²"])
    for f in fits {
      for c in f.coefficients {
        t.append([
          "[\(f.window.start), \(f.window.end)]", c.name, HTMLReport.fixed(c.estimate, 4),
          HTMLReport.fixed(c.standardError, 4), HTMLReport.fixed(c.t, 2), HTMLReport.fixed(c.p, 3),
          String(f.n),
          HTMLReport.fixed(f.rSquared, 3),
        ])
      }
    }
    return t
  }
}
