import MarketData

/// One test of "mean abnormal return = 0": the statistic, its two-sided p-value, and the number of
/// (event, security) pairs it used.
public struct TestResult: Sendable, Equatable {
  /// The test statistic (t or z; NaN when the test cannot be computed).
  public var statistic: Double
  /// Two-sided p-value (NaN when the statistic is NaN).
  public var p: Double
  /// Number of pairs (or, for CDA, pairs on the tested day) the test used.
  public var n: Int

  /// Creates a test result.
  public init(statistic: Double, p: Double, n: Int) {
    self.statistic = statistic
    self.p = p
    self.n = n
  }

  /// A statistic with its two-sided p-value from the standard normal.
  public static func normal(_ z: Double, n: Int) -> TestResult {
    TestResult(statistic: z, p: z.isFinite ? StudyMath.normalTwoSidedP(z) : .nan, n: n)
  }

  /// A statistic with its two-sided p-value from Student's t with `df` degrees of freedom.
  public static func student(_ t: Double, df: Double, n: Int) -> TestResult {
    TestResult(statistic: t, p: t.isFinite && df > 0 ? StudyMath.studentTwoSidedP(t, df: df) : .nan, n: n)
  }

  /// A test that could not be computed (too few pairs, no estimation residuals, zero variance, …).
  public static let unavailable = TestResult(statistic: .nan, p: .nan, n: 0)
}

/// Every aggregate test for one group and one event window (or one event day).
///
/// The variants, by field:
/// - `crossSectional`: cross-sectional t = CAAR/(sd(CAR_i)/√N), Student t with N − 1 df.
/// - `crudeDependence`: Brown-Warner (1980, 1985) crude dependence adjustment in event time:
///   Ŝ² = variance (divisor T_est − 1) of the event-time AAR series over the estimation window,
///   t = CAAR/(√L2·Ŝ), Student t with T_est − 1 df.
/// - `patell`: Patell (1976) Z = Σ CSAR_i / √(Σ d_i/(d_i − 2)), CSAR_i = Σ_t SAR_it/√L2 with
///   prediction-error-corrected SARs; d_i the residual degrees of freedom, so the variance factor is
///   (L1 − 2)/(L1 − 4) for the market model. Standard normal.
/// - `bmp`: Boehmer-Musumeci-Poulsen (1991) t = mean(SCAR)/(sd(SCAR)/√N) with the MacKinlay
///   (1997) corrected S_CAR; Student t with N − 1 df.
/// - `kpBMP`, `kpPatell`: Kolari-Pynnönen (2010) adjustments t_BMP·√((1 − r̄)/(1 + (N − 1)r̄)) and
///   Z·√(1/(1 + (N − 1)r̄)), r̄ the mean pairwise Pearson correlation (i ≠ j) of the estimation
///   residuals over common calendar days.
/// - `corrado`: Corrado (1989) rank test with per-pair demeaned ranks K_it − (M_i + 1)/2 over the
///   estimation and event days (M_i the pair's count of valid ARs, average ranks for ties);
///   windows by Campbell-Wasley (1993): Σ_t K̄_t/(√L2·S_K). Standard normal.
/// - `grank`: Kolari-Pynnönen (2011) GRANK: ranks of SAR_it = ε_it/s_i over the estimation days
///   plus the cumulated window as one observation SCAR_i/sd(SCAR); t = Z√((T − 2)/(T − 1 − Z²)),
///   Student t with T − 2 df. Computed for windows only (a one-day window such as 0:0 included);
///   unavailable on day rows.
/// - `generalizedSign`: Cowan (1992) generalized sign Z = (w − N p̂)/√(N p̂(1 − p̂)) with p̂ the mean
///   share of positive estimation residuals; no continuity correction. Standard normal.
/// - `wilcoxon`: Wilcoxon signed-rank z on CAR_i, zero CARs dropped, average ranks for ties with
///   the tie variance correction Σ(t³ − t)/48, no continuity correction. Standard normal.
/// - `skewnessAdjusted`: Lyon-Barber-Tsai (1999, eq. 5) t = √N(S + γ̂S²/3 + γ̂/(6N)) on BHAR_i
///   (on days: the one-day BHAR), S = mean/sd, γ̂ = Σ(x − x̄)³/(N·sd³) with the N − 1 sd;
///   Student t with N − 1 df.
public struct TestSet: Sendable, Equatable {
  /// Cross-sectional t on CAR.
  public var crossSectional: TestResult = .unavailable
  /// Brown-Warner crude dependence adjustment (`cda_t`).
  public var crudeDependence: TestResult = .unavailable
  /// Patell Z with d/(d − 2) variance ((L1 − 2)/(L1 − 4) for the market model).
  public var patell: TestResult = .unavailable
  /// BMP t with the MacKinlay-corrected SCAR.
  public var bmp: TestResult = .unavailable
  /// Kolari-Pynnönen adjusted BMP (`kp_t`).
  public var kpBMP: TestResult = .unavailable
  /// Kolari-Pynnönen adjusted Patell Z (`kp_patell_z`).
  public var kpPatell: TestResult = .unavailable
  /// Corrado rank z (`rank_z`).
  public var corrado: TestResult = .unavailable
  /// GRANK t (`grank_t`).
  public var grank: TestResult = .unavailable
  /// Cowan generalized sign Z (`gsign_z`).
  public var generalizedSign: TestResult = .unavailable
  /// Wilcoxon signed-rank z (`wilcoxon_z`).
  public var wilcoxon: TestResult = .unavailable
  /// Skewness-adjusted t on BHAR (`skew_t`).
  public var skewnessAdjusted: TestResult = .unavailable

  /// Every test unavailable.
  public init() {}

  /// The tests with their report names (statistic column, p column), in `summary.csv` order.
  public var named: [(statistic: String, p: String, test: TestResult)] {
    [
      ("t_cs", "p_cs", crossSectional), ("cda_t", "p_cda", crudeDependence), ("patell_z", "p_patell", patell),
      ("bmp_t", "p_bmp", bmp), ("kp_t", "p_kp", kpBMP), ("rank_z", "p_rank", corrado),
      ("grank_t", "p_grank", grank), ("gsign_z", "p_gsign", generalizedSign),
      ("wilcoxon_z", "p_wilcoxon", wilcoxon), ("skew_t", "p_skew", skewnessAdjusted),
      ("kp_patell_z", "p_kp_patell", kpPatell),
    ]
  }
}

/// A value in a summary row: text, an integer or a number (NaN = empty cell).
public enum SummaryCell: Sendable, Equatable {
  /// Text, e.g. the group name.
  case text(String)
  /// A count or an event day.
  case integer(Int)
  /// A statistic (NaN when not available).
  case number(Double)
}

/// The aggregate statistics of one group over one event window: one row of `summary.csv`.
public struct WindowSummary: Sendable {
  /// `all`, or `column=value` (e.g. `type=export_control`).
  public var group: String
  /// The event window.
  public var window: EventWindow
  /// Number of pairs with a complete window.
  public var n: Int
  /// CAAR = mean_i CAR_i.
  public var caar: Double
  /// ABHAR = mean_i BHAR_i.
  public var abhar: Double
  /// Every test statistic.
  public var tests: TestSet
  /// Lower end of the bootstrap percentile 95% interval of CAAR (pairs resampled with replacement).
  public var bootstrapLow: Double
  /// Upper end of the bootstrap percentile 95% interval of CAAR.
  public var bootstrapHigh: Double
  /// The mean pairwise residual correlation r̄ the Kolari-Pynnönen tests used.
  public var meanCorrelation: Double

  /// Creates a window summary.
  public init(
    group: String, window: EventWindow, n: Int, caar: Double, abhar: Double, tests: TestSet,
    bootstrapLow: Double, bootstrapHigh: Double, meanCorrelation: Double
  ) {
    self.group = group
    self.window = window
    self.n = n
    self.caar = caar
    self.abhar = abhar
    self.tests = tests
    self.bootstrapLow = bootstrapLow
    self.bootstrapHigh = bootstrapHigh
    self.meanCorrelation = meanCorrelation
  }

  /// The `summary.csv` columns, in order: the documented interface columns first
  /// (`group,window_start,window_end,n,caar,abhar,t_cs,p_cs,…,skew_t,p_skew,boot_lo,boot_hi`), then
  /// `kp_patell_z,p_kp_patell`, `r_bar` and the N each test used (`n_cs`, `n_cda`, …).
  public static let columns: [String] = {
    var c = ["group", "window_start", "window_end", "n", "caar", "abhar"]
    for t in TestSet().named.prefix(10) { c += [t.statistic, t.p] }
    c += ["boot_lo", "boot_hi", "kp_patell_z", "p_kp_patell", "r_bar"]
    c += nColumns
    return c
  }()

  static let nColumns = [
    "n_cs", "n_cda", "n_patell", "n_bmp", "n_kp", "n_rank", "n_grank", "n_gsign", "n_wilcoxon", "n_skew",
    "n_kp_patell",
  ]

  /// The row's cells in the order of `columns`.
  public var cells: [SummaryCell] {
    var r: [SummaryCell] = [
      .text(group), .integer(window.start), .integer(window.end), .integer(n), .number(caar), .number(abhar),
    ]
    let named = tests.named
    for t in named.prefix(10) { r += [.number(t.test.statistic), .number(t.test.p)] }
    r += [.number(bootstrapLow), .number(bootstrapHigh)]
    r += [.number(tests.kpPatell.statistic), .number(tests.kpPatell.p), .number(meanCorrelation)]
    for t in named { r.append(.integer(t.test.n)) }
    return r
  }
}

/// The aggregate statistics of one group on one event day: one row of the AAR-by-day table.
public struct DaySummary: Sendable {
  /// `all`, or `column=value`.
  public var group: String
  /// Event day τ.
  public var day: Int
  /// Number of pairs with an abnormal return on this day.
  public var n: Int
  /// AAR_τ = mean_i AR_iτ.
  public var aar: Double
  /// CAAR from the first day of the event span through τ.
  public var caar: Double
  /// Cross-sectional standard error of that CAAR (sd of the pairs' cumulative ARs / √N), for bands.
  public var caarStandardError: Double
  /// Every per-day test statistic for AR_iτ (as for the one-day window [τ, τ], GRANK excepted:
  /// a window statistic, unavailable here).
  public var tests: TestSet
  /// NaN: bootstrap intervals are computed for windows (`WindowSummary`), not for each day.
  public var bootstrapLow: Double
  /// NaN: bootstrap intervals are computed for windows (`WindowSummary`), not for each day.
  public var bootstrapHigh: Double

  /// Creates a day summary.
  public init(
    group: String, day: Int, n: Int, aar: Double, caar: Double, caarStandardError: Double, tests: TestSet,
    bootstrapLow: Double, bootstrapHigh: Double
  ) {
    self.group = group
    self.day = day
    self.n = n
    self.aar = aar
    self.caar = caar
    self.caarStandardError = caarStandardError
    self.tests = tests
    self.bootstrapLow = bootstrapLow
    self.bootstrapHigh = bootstrapHigh
  }

  /// The AAR-by-day columns: `group,day,n,aar,caar,caar_se`, the tests as in `summary.csv`,
  /// `boot_lo,boot_hi,kp_patell_z,p_kp_patell`, then the N each test used.
  public static let columns: [String] = {
    var c = ["group", "day", "n", "aar", "caar", "caar_se"]
    for t in TestSet().named.prefix(10) { c += [t.statistic, t.p] }
    c += ["boot_lo", "boot_hi", "kp_patell_z", "p_kp_patell"]
    c += WindowSummary.nColumns
    return c
  }()

  /// The row's cells in the order of `columns`.
  public var cells: [SummaryCell] {
    var r: [SummaryCell] = [
      .text(group), .integer(day), .integer(n), .number(aar), .number(caar), .number(caarStandardError),
    ]
    let named = tests.named
    for t in named.prefix(10) { r += [.number(t.test.statistic), .number(t.test.p)] }
    r += [.number(bootstrapLow), .number(bootstrapHigh)]
    r += [.number(tests.kpPatell.statistic), .number(tests.kpPatell.p)]
    for t in named { r.append(.integer(t.test.n)) }
    return r
  }
}

/// Every aggregate of one group: its windows and its AAR-by-day rows.
public struct GroupSummary: Sendable {
  /// `all`, or `column=value`.
  public var name: String
  /// The grouping column (empty for `all`).
  public var column: String
  /// The column's value (empty for `all`).
  public var value: String
  /// Number of `ok` pairs in the group.
  public var pairs: Int
  /// Mean pairwise estimation-residual correlation r̄ (NaN when fewer than two pairs overlap).
  public var meanCorrelation: Double
  /// Number of pairs-of-pairs r̄ averages over.
  public var correlationPairs: Int
  /// One summary per study window, in `StudyParameters.windows` order.
  public var windows: [WindowSummary]
  /// One summary per event day of the span of all windows.
  public var days: [DaySummary]

  /// Creates a group summary.
  public init(
    name: String, column: String, value: String, pairs: Int, meanCorrelation: Double, correlationPairs: Int,
    windows: [WindowSummary], days: [DaySummary]
  ) {
    self.name = name
    self.column = column
    self.value = value
    self.pairs = pairs
    self.meanCorrelation = meanCorrelation
    self.correlationPairs = correlationPairs
    self.windows = windows
    self.days = days
  }
}

/// The aggregate statistics of a study: the whole sample (`all`) first, then every group.
public struct StudySummary: Sendable {
  /// The groups, `all` first, then per `groupBy` column its values in sorted order.
  public var groups: [GroupSummary]

  /// Creates a summary.
  public init(groups: [GroupSummary]) { self.groups = groups }

  /// Every window row (`summary.csv`), group by group.
  public var windowRows: [WindowSummary] { groups.flatMap(\.windows) }
  /// Every day row (the AAR-by-day table), group by group.
  public var dayRows: [DaySummary] { groups.flatMap(\.days) }
  /// The group named `name` (`all`, `type=tariff`, …).
  public func group(_ name: String) -> GroupSummary? { groups.first { $0.name == name } }
}
