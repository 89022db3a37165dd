import MarketData

/// How an (event, security) pair ended. Every pair gets exactly one; only `ok` pairs enter aggregates.
public enum PairOutcome: String, Sendable, CaseIterable, Hashable {
  /// Estimated and measured over complete windows.
  case ok
  /// Fewer valid estimation returns than `minimumEstimationReturns`.
  case insufficientEstimation = "insufficient_estimation"
  /// The model fits the estimation window exactly (residual standard deviation 0, e.g. a security
  /// regressed on itself as its own market index): standardized returns and tests are undefined.
  case degenerateEstimation = "degenerate_estimation"
  /// A return (or market/factor value) inside an event window is missing.
  case missingEventData = "missing_event_data"
  /// The price source has no (usable) prices for the ticker.
  case noPrices = "no_prices"
  /// Day 0 lies before the first or after the last price of the security.
  case eventOutsideData = "event_outside_data"
  /// Day 0 was not a session and the policy is `skip`.
  case nonTradingSkipped = "non_trading_skipped"
  /// The event has no date, or its time zone is unknown.
  case unresolvedDate = "unresolved_date"
  /// The model needs a market index the price source does not hold.
  case noMarket = "no_market"
  /// The event names no ticker (reported once per event with an empty ticker).
  case noTicker = "no_ticker"

  /// The outcome code as written to reports.
  public var code: String { rawValue }
}

/// How day 0 was reached from the announcement.
public enum DayZeroRule: String, Sendable, Hashable {
  /// The announcement day is a session and the news came before its close (or no time was given).
  case sameSession = "same_session"
  /// The news came at or after the exchange's close: the next session.
  case afterClose = "after_close"
  /// The announcement day is not a session: next session (policy `next`).
  case nonTradingNext = "non_trading_next"
  /// The announcement day is not a session: previous session (policy `previous`).
  case nonTradingPrevious = "non_trading_previous"
}

/// The estimation-window fit of one pair.
public struct EstimationStats: Sendable {
  /// Number of valid estimation returns used (L1).
  public var l1: Int
  /// Intercept α (0 for market-adjusted; the mean for mean-adjusted).
  public var alpha: Double
  /// Slopes, in the order of `coefficientNames` (one β for market model, SW and Dimson).
  public var betas: [Double]
  /// Names of the slopes (`market`, `MKT-RF`, `SMB`, …).
  public var coefficientNames: [String]
  /// Residual standard deviation s_i (divisor L1 − number of parameters).
  public var sigma: Double
  /// Degrees of freedom of s_i²: L1 − 2 for the market model, L1 − k − 1 for k factors.
  public var degreesOfFreedom: Int
  /// Mean market return over the estimation observations (NaN when the model has no market).
  public var marketMean: Double
  /// Σ (R_mτ − R̄_m)² over the estimation observations (NaN when the model has no market).
  public var marketSumSquares: Double
  /// The sessions of the estimation window (calendar days, for cross-correlations).
  public var dates: ArraySlice<CivilDate>
  /// Estimation residuals (AR over the estimation window), NaN where a return is missing; same
  /// length as `dates`. Empty when `keepEstimationResiduals` is off (the default): then use
  /// `StudyResult.estimationResiduals(ofPair:)`.
  public var residuals: [Double]

  /// Creates estimation statistics.
  public init(
    l1: Int, alpha: Double, betas: [Double], coefficientNames: [String], sigma: Double, degreesOfFreedom: Int,
    marketMean: Double, marketSumSquares: Double, dates: ArraySlice<CivilDate>, residuals: [Double]
  ) {
    self.l1 = l1
    self.alpha = alpha
    self.betas = betas
    self.coefficientNames = coefficientNames
    self.sigma = sigma
    self.degreesOfFreedom = degreesOfFreedom
    self.marketMean = marketMean
    self.marketSumSquares = marketSumSquares
    self.dates = dates
    self.residuals = residuals
  }

  /// The first slope (β for the market model, SW and Dimson; the Mkt-RF loading for factor models).
  public var beta: Double { betas.first ?? .nan }
}

/// One event day of one pair.
public struct DailyAbnormalReturn: Sendable, Equatable {
  /// The session.
  public var date: CivilDate
  /// Event time τ (sessions relative to day 0).
  public var day: Int
  /// The security's return R_it (NaN when missing).
  public var ret: Double
  /// Expected return E[R_it] (NaN when it cannot be computed).
  public var expected: Double
  /// Abnormal return AR_it = R_it − E[R_it].
  public var ar: Double
  /// Standardized AR: AR_it / S_it, with S_it² = s_i²·(1 + x'(X'X)⁻¹x) (the prediction-error
  /// correction; for the market model s_i²[1 + 1/L1 + (R_mt − R̄_m)²/Σ(R_mτ − R̄_m)²]).
  public var sar: Double

  /// Creates a daily record.
  public init(date: CivilDate, day: Int, ret: Double, expected: Double, ar: Double, sar: Double) {
    self.date = date
    self.day = day
    self.ret = ret
    self.expected = expected
    self.ar = ar
    self.sar = sar
  }
}

/// One event window of one pair.
public struct WindowResult: Sendable, Equatable {
  /// The window.
  public var window: EventWindow
  /// First day of the window.
  public var start: Int { window.start }
  /// Last day of the window.
  public var end: Int { window.end }
  /// `true` when every day of the window has a return and an expected return.
  public var complete: Bool
  /// Cumulative abnormal return Σ AR_it (NaN when incomplete).
  public var car: Double
  /// Buy-and-hold abnormal return Π(1 + R_it) − Π(1 + E[R_it]) (for log returns exp ΣR − exp ΣE).
  public var bhar: Double
  /// Standard deviation of CAR with the prediction-error correction (MacKinlay 1997):
  /// S_CAR² = s_i²[L2 + z'(X'X)⁻¹z], for the market model s_i²[L2 + L2²/L1 + (Σ_win(R_mt − R̄_m))²/Σ_est(R_mτ − R̄_m)²].
  public var sdCAR: Double
  /// Standardized CAR (Boehmer-Musumeci-Poulsen): CAR / S_CAR.
  public var scar: Double
  /// Patell's cumulated standardized AR: Σ_t SAR_it / √L2.
  public var csar: Double
  /// The pair's own t statistic for CAR = 0: CAR / S_CAR (equal to `scar`).
  public var t: Double
  /// Two-sided p-value of `t` from Student's t with the estimation's degrees of freedom.
  public var p: Double

  /// Creates a window result.
  public init(
    window: EventWindow, complete: Bool, car: Double, bhar: Double, sdCAR: Double, scar: Double, csar: Double,
    t: Double, p: Double
  ) {
    self.window = window
    self.complete = complete
    self.car = car
    self.bhar = bhar
    self.sdCAR = sdCAR
    self.scar = scar
    self.csar = csar
    self.t = t
    self.p = p
  }
}

/// One (event, security) pair: how day 0 was found, the fit, daily ARs and window results.
public struct PairResult: Sendable {
  /// The event's identifier.
  public var eventID: String
  /// Index of the event in `StudyResult.events`.
  public var eventIndex: Int
  /// The security.
  public var ticker: String
  /// The security's exchange MIC (empty when the security is unknown).
  public var exchange: String
  /// The event date as given (`nil` when the event file left it empty).
  public var eventDate: CivilDate?
  /// The announcement time as given (minutes after midnight), when known.
  public var eventMinute: Int?
  /// Day 0 on the security's calendar, when it could be placed.
  public var day0: CivilDate?
  /// How day 0 was reached from the announcement, when it was.
  public var day0Rule: DayZeroRule?
  /// The market index used, when the model needs one.
  public var marketTicker: String?
  /// How the pair ended.
  public var outcome: PairOutcome
  /// A human-readable explanation (why excluded, day-0 moves, gap returns excluded, …).
  public var detail: String
  /// IDs of other events of the same security whose event windows overlap this one's.
  public var overlapsWith: [String]
  /// IDs of other events of the same security whose day 0 lies inside this pair's estimation window.
  public var estimationContainsEvents: [String]
  /// Multi-session returns (after a session without a price) excluded from the estimation window.
  public var gapReturnsExcluded: Int
  /// The estimation fit (`nil` when estimation was not reached).
  public var estimation: EstimationStats?
  /// Every day of the union of the event windows (empty when day 0 could not be placed).
  public var daily: [DailyAbnormalReturn]
  /// One result per requested window, in the order of `StudyParameters.windows`.
  public var windows: [WindowResult]
  /// The event's other columns (type, direction, …) for grouping.
  public var attributes: [(name: String, value: String)]

  /// Creates a pair result with no estimation and no returns (used for excluded pairs).
  public init(
    eventID: String, eventIndex: Int, ticker: String, exchange: String, eventDate: CivilDate?,
    eventMinute: Int?,
    outcome: PairOutcome, detail: String, attributes: [(name: String, value: String)]
  ) {
    self.eventID = eventID
    self.eventIndex = eventIndex
    self.ticker = ticker
    self.exchange = exchange
    self.eventDate = eventDate
    self.eventMinute = eventMinute
    self.day0 = nil
    self.day0Rule = nil
    self.marketTicker = nil
    self.outcome = outcome
    self.detail = detail
    self.overlapsWith = []
    self.estimationContainsEvents = []
    self.gapReturnsExcluded = 0
    self.estimation = nil
    self.daily = []
    self.windows = []
    self.attributes = attributes
  }

  /// The result of the window equal to `window`, if requested.
  public func result(for window: EventWindow) -> WindowResult? { windows.first { $0.window == window } }

  /// The daily record of event day τ, if within the windows.
  public func daily(at day: Int) -> DailyAbnormalReturn? {
    guard let first = daily.first else { return nil }
    let i = day - first.day
    return i >= 0 && i < daily.count ? daily[i] : nil
  }
}

/// The aligned return panel a run keeps for on-demand recomputation (shared, read-only).
struct StudyStorage: Sendable {
  var context: StudyContext
  /// The task of each pair (`nil` for pairs that never reached estimation).
  var tasks: [PairTask?]
}

/// Everything a study produced: one `PairResult` per (event, security) pair, in event-file order.
public struct StudyResult: Sendable {
  /// The parameters the study ran with.
  public var parameters: StudyParameters
  /// The events, as given.
  public var events: [StudyEvent]
  /// One result per (event, ticker) pair, in the order of the events and their tickers.
  public var pairs: [PairResult]

  /// Creates a result.
  public init(parameters: StudyParameters, events: [StudyEvent], pairs: [PairResult]) {
    self.parameters = parameters
    self.events = events
    self.pairs = pairs
  }

  /// Number of pairs per outcome (every outcome listed, zeros included), in `PairOutcome` order.
  public var outcomeCounts: [(outcome: PairOutcome, count: Int)] {
    var counts = [PairOutcome: Int]()
    // In place: copying each `PairResult` would retain its dozen arrays and strings.
    pairs.withUnsafeBufferPointer { buffer in
      for i in buffer.indices { counts[buffer[i].outcome, default: 0] += 1 }
    }
    return PairOutcome.allCases.map { ($0, counts[$0] ?? 0) }
  }

  /// What `estimationResiduals(ofPair:)` recomputes residuals from (set by `EventStudy.run`).
  var storage: StudyStorage? = nil

  /// The estimation-window residuals of pair `index` with their sessions (calendar dates), NaN
  /// where a return is missing: the stored ones when `keepEstimationResiduals` was on, otherwise
  /// recomputed from the aligned returns the run kept. `nil` when the pair has no estimation.
  public func estimationResiduals(ofPair index: Int) -> (dates: ArraySlice<CivilDate>, residuals: [Double])? {
    guard pairs.indices.contains(index), let est = pairs[index].estimation else { return nil }
    if !est.residuals.isEmpty || est.dates.isEmpty { return (est.dates, est.residuals) }
    guard let storage, let task = storage.tasks[index] else { return nil }
    let c = storage.context
    let grid = c.grids[task.grid]
    guard let first = est.dates.first, let last = est.dates.last, let lo = grid.index(of: first),
      let hi = grid.index(of: last)
    else { return nil }
    let r = PairComputer.estimationResiduals(
      model: parameters.model, alpha: est.alpha, betas: est.betas, y: c.securities[task.security],
      m: task.market.map { c.markets[$0] } ?? .empty, f: c.factors[task.grid], range: lo...hi)
    return (est.dates, r)
  }

  /// The pairs that entered estimation and have complete windows.
  public var okPairs: [PairResult] { pairs.filter { $0.outcome == .ok } }
}
