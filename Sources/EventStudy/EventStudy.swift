import Dispatch
import MarketData

/// The event-study engine: events × prices → one `PairResult` per (event, security) pair.
///
/// Pipeline: load each security (and its market index) once; lay its returns on the session grid
/// of its exchange calendar (see `AlignedReturns` for the missing-session rule); place day 0 per
/// pair (`DayZero`); then, in parallel across securities, fit the expected-return model over the
/// estimation window and measure AR, SAR, CAR, BHAR and SCAR over the event windows. Event time
/// τ counts sessions of the security's exchange calendar; a session without a price keeps its
/// place in event time with a missing return. Finally overlapping events of one security are flagged.
public enum EventStudy {
  /// Runs a study. Pair-level problems end as outcome codes; only invalid parameters, an
  /// unreadable price source, or a non-trading day under policy `error` throw.
  public static func run(
    events: [StudyEvent], prices: some PriceSource, parameters: StudyParameters
  ) throws(EventStudyError) -> StudyResult {
    try validate(parameters)
    var plan = Plan(parameters: parameters)
    var pairs = try plan.prepare(events: events, prices: prices)
    let context = plan.context()
    let tasks = plan.tasks
    // Group the runnable pairs by security so each worker reuses one security's arrays.
    var groups: [[Int]] = []
    var groupOf: [Int: Int] = [:]
    for (i, t) in tasks.enumerated() {
      if let gi = groupOf[t.security] {
        groups[gi].append(i)
      } else {
        groupOf[t.security] = groups.count
        groups.append([i])
      }
    }
    let taskGroups = groups
    pairs.withUnsafeMutableBufferPointer { buffer in
      let out = SendableBuffer(buffer)
      let work: @Sendable (Int) -> Void = { gi in
        var scratch = Scratch()
        for ti in taskGroups[gi] {
          let task = tasks[ti]
          PairComputer.compute(&out.buffer[task.pair], task: task, context: context, scratch: &scratch)
        }
      }
      let threads = parameters.threads
      if threads == 1 || taskGroups.count < 2 {
        for gi in 0..<taskGroups.count { work(gi) }
      } else {
        DispatchQueue.concurrentPerform(iterations: taskGroups.count) { gi in work(gi) }
      }
    }
    flagOverlaps(&pairs, tasks: tasks, parameters: parameters)
    var result = StudyResult(parameters: parameters, events: events, pairs: pairs)
    var taskOfPair = [PairTask?](repeating: nil, count: pairs.count)
    for t in tasks { taskOfPair[t.pair] = t }
    result.storage = StudyStorage(context: context, tasks: taskOfPair)
    return result
  }

  static func validate(_ p: StudyParameters) throws(EventStudyError) {
    if p.estimation.start > p.estimation.end {
      throw .invalidParameter(
        name: "estimation", value: "\(p.estimation.start):\(p.estimation.end)",
        expected: "START:END with START ≤ END")
    }
    if p.windows.isEmpty {
      throw .invalidParameter(name: "windows", value: "", expected: "at least one window START:END")
    }
    for w in p.windows where w.start > w.end {
      throw .invalidParameter(name: "windows", value: w.description, expected: "START:END with START ≤ END")
    }
    if p.minimumEstimationReturns < 3 {
      throw .invalidParameter(
        name: "min-estimation", value: String(p.minimumEstimationReturns), expected: "an integer ≥ 3")
    }
    if case .dimson(let k) = p.model, !(0...10).contains(k) {
      throw .invalidParameter(name: "model", value: p.model.description, expected: "dimson:K with 0 ≤ K ≤ 10")
    }
    if p.model.usesFactors {
      guard let f = p.factors else { throw .missingFactors(model: p.model.description) }
      for name in p.model.factorNames + ["RF"] where f.column(name) == nil {
        throw .missingFactorColumn(column: name, model: p.model.description, available: f.names)
      }
    }
    if p.threads < 0 {
      throw .invalidParameter(name: "threads", value: String(p.threads), expected: "0 (all cores) or more")
    }
  }

  /// Flags, per security, other events whose event windows overlap, and other events whose day 0
  /// falls inside the pair's estimation window.
  static func flagOverlaps(_ pairs: inout [PairResult], tasks: [PairTask], parameters: StudyParameters) {
    let span = parameters.eventSpan
    let width = span.end - span.start
    // A security index is one series on one grid, so g0 values within a group are comparable.
    var bySecurity: [Int: [(g0: Int, pair: Int)]] = [:]
    for t in tasks { bySecurity[t.security, default: []].append((t.g0, t.pair)) }
    for (_, list) in bySecurity where list.count > 1 {
      let sorted = list.sorted { $0.g0 < $1.g0 }
      let g0s = sorted.map(\.g0)
      let ids = sorted.map { pairs[$0.pair].eventID }
      func lowerBound(_ x: Int) -> Int {
        var lo = 0
        var hi = g0s.count
        while lo < hi {
          let mid = (lo + hi) / 2
          if g0s[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
      }
      func others(_ from: Int, _ through: Int, excluding me: Int) -> [String] {
        let lo = lowerBound(from)
        let hi = lowerBound(through + 1)
        guard lo < hi else { return [] }
        if me < lo || me >= hi { return Array(ids[lo..<hi]) }
        return Array(ids[lo..<me]) + ids[(me + 1)..<hi]
      }
      for (i, item) in sorted.enumerated() {
        pairs[item.pair].overlapsWith = others(item.g0 - width, item.g0 + width, excluding: i)
        pairs[item.pair].estimationContainsEvents = others(
          item.g0 + parameters.estimation.start, item.g0 + parameters.estimation.end, excluding: i)
      }
    }
  }
}

/// A pair ready for computation: day 0 placed on a grid, security and market aligned.
struct PairTask: Sendable {
  var pair: Int
  var security: Int
  var market: Int?
  var grid: Int
  var g0: Int
}

/// Read-only data the workers share.
struct StudyContext: Sendable {
  var parameters: StudyParameters
  /// `parameters.eventSpan`, computed once.
  var span: (start: Int, end: Int)
  var grids: [SessionGrid]
  var securities: [AlignedReturns]
  var markets: [AlignedReturns]
  /// Per grid: the model's factor columns, then RF (empty for non-factor models).
  var factors: [[AlignedReturns]]
}

/// Per-worker reusable buffers.
struct Scratch {
  var y: [Double] = []
  var x: [Double] = []
  var regressors: [Double] = []
}

/// A mutable buffer shared with workers that write disjoint elements.
struct SendableBuffer<T>: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<T>
  init(_ b: UnsafeMutableBufferPointer<T>) { buffer = b }
}

/// A pair whose security has prices, waiting for its grid and day 0.
struct PendingPair {
  var pair: Int
  /// Index of the security's series.
  var series: Int
  /// Index of the market index's series, −1 when the model needs none.
  var market: Int
  /// Index of the grid (calendar) the pair counts event time on.
  var key: Int
}

/// Day 0 is placed once per event, grid and exchange.
struct PlacementKey: Hashable {
  var event: Int
  var grid: Int
  var exchange: String
}

/// The sequential part of a run: loading, aligning, placing day 0.
struct Plan {
  let parameters: StudyParameters
  var grids: [SessionGrid] = []
  var securities: [AlignedReturns] = []
  var markets: [AlignedReturns] = []
  var factors: [[AlignedReturns]] = []
  var tasks: [PairTask] = []

  init(parameters: StudyParameters) { self.parameters = parameters }

  /// Records day 0 on a pair; returns its grid index when the pair can be computed.
  static func place(
    _ pr: inout PairResult, day0 d0: CivilDate, rule: DayZeroRule, grid: SessionGrid, security: AlignedReturns
  ) -> Int? {
    pr.day0 = d0
    pr.day0Rule = rule
    guard let first = security.firstDate, let last = security.lastDate else {
      pr.outcome = .noPrices
      pr.detail = "no usable prices for \(pr.ticker) on \(grid.name) sessions"
      return nil
    }
    guard d0 >= first, d0 <= last, let g0 = grid.index(of: d0) else {
      pr.outcome = .eventOutsideData
      pr.detail = "day 0 \(d0.iso) is outside \(pr.ticker)'s prices \(first.iso)…\(last.iso)"
      return nil
    }
    switch rule {
    case .sameSession: break
    case .afterClose: pr.detail = "announced after the \(grid.name) close: day 0 is the next session"
    case .nonTradingNext, .nonTradingPrevious:
      pr.detail =
        "announcement day is not a \(grid.name) session: day 0 is the \(rule == .nonTradingNext ? "next" : "previous") session"
    }
    if security.offGridRows > 0 {
      pr.detail +=
        (pr.detail.isEmpty ? "" : "; ") + "\(security.offGridRows) price rows on non-sessions ignored"
    }
    return g0
  }

  func context() -> StudyContext {
    StudyContext(
      parameters: parameters, span: parameters.eventSpan, grids: grids, securities: securities,
      markets: markets, factors: factors)
  }

  mutating func prepare(events: [StudyEvent], prices: some PriceSource) throws(EventStudyError)
    -> [PairResult]
  {
    let p = parameters
    // 1. Skeleton pairs; every series is loaded once and then referred to by index.
    var loaded: [String: Int] = [:]  // ticker → index in `seriesList`, −1 when the source has none
    var seriesList: [PriceSeries] = []
    func load(_ t: String) throws(EventStudyError) -> Int? {
      if let i = loaded[t] { return i < 0 ? nil : i }
      let s: PriceSeries?
      do { s = try prices.series(for: t) } catch { throw .priceSource(ticker: t, message: "\(error)") }
      guard let s, s.count > 0 else {
        loaded[t] = -1
        return nil
      }
      loaded[t] = seriesList.count
      seriesList.append(s)
      return seriesList.count - 1
    }
    // Every ticker the events and the market choice name, read at once (one snapshot of a store).
    var wanted: [String] = []
    var seen = Set<String>()
    func want(_ t: String) { if !t.isEmpty && seen.insert(t).inserted { wanted.append(t) } }
    for e in events {
      e.tickers.forEach(want)
      if !p.market.eventColumn.isEmpty, let m = e.attribute(p.market.eventColumn)?.trimmingSpaces() {
        want(m)
      }
    }
    if p.model.usesMarket || p.calendar == .inferredFromMarket {
      want(p.market.defaultTicker)
      p.market.perExchange.keys.sorted().forEach { want(p.market.perExchange[$0] ?? "") }
    }
    let fetched: [PriceSeries?]
    do { fetched = try prices.studySeries(for: wanted) } catch {
      throw .priceSource(
        ticker: wanted.count == 1 ? wanted[0] : "\(wanted.count) securities", message: "\(error)")
    }
    for (t, s) in zip(wanted, fetched) {
      if let s, s.count > 0 {
        loaded[t] = seriesList.count
        seriesList.append(s)
      } else {
        loaded[t] = -1
      }
    }
    var keyNames: [String] = []
    var keyIndex: [String: Int] = [:]
    func key(_ name: String) -> Int {
      if let k = keyIndex[name] { return k }
      keyIndex[name] = keyNames.count
      keyNames.append(name)
      return keyNames.count - 1
    }
    var defaultMarketOf: [Int: String] = [:]  // series → market ticker when the event names none
    var pairs: [PairResult] = []
    var pending: [PendingPair] = []
    let needsMarket = p.model.usesMarket || p.calendar == .inferredFromMarket
    for (ei, e) in events.enumerated() {
      if e.tickers.isEmpty {
        pairs.append(
          PairResult(
            eventID: e.id, eventIndex: ei, ticker: "", exchange: "", eventDate: e.date, eventMinute: e.minute,
            outcome: .noTicker, detail: "the event names no ticker", attributes: e.attributes))
        continue
      }
      let override = p.market.eventColumn.isEmpty ? nil : e.attribute(p.market.eventColumn)?.trimmingSpaces()
      let eventMarket = override?.isEmpty == false ? override : nil
      for t in e.tickers {
        let si = try load(t)
        let exchange = si.map { seriesList[$0].exchange } ?? Exchange.fromTickerSuffix(t)
        var pr = PairResult(
          eventID: e.id, eventIndex: ei, ticker: t, exchange: exchange?.mic ?? "", eventDate: e.date,
          eventMinute: e.minute, outcome: .noPrices, detail: "", attributes: e.attributes)
        guard let si, let exchange else {
          pr.detail = "no prices stored for \(t)"
          pairs.append(pr)
          continue
        }
        var mi = -1
        var mt: String? = nil
        if needsMarket {
          let m: String
          if let eventMarket {
            m = eventMarket
          } else if let known = defaultMarketOf[si] {
            m = known
          } else {
            m = p.market.ticker(for: exchange, event: StudyEvent(id: "", date: nil, tickers: []))
            defaultMarketOf[si] = m
          }
          pr.marketTicker = m
          mt = m
          guard let found = try load(m) else {
            pr.outcome = .noMarket
            pr.detail = "market index \(m) has no stored prices"
            pairs.append(pr)
            continue
          }
          mi = found
        }
        let k = p.calendar == .inferredFromMarket ? key("market:" + (mt ?? "")) : key(exchange.calendarMIC)
        pending.append(PendingPair(pair: pairs.count, series: si, market: mi, key: k))
        pairs.append(pr)
      }
    }
    // 2. Grids: one per calendar, spanning every series that uses it.
    let seriesCount = max(seriesList.count, 1)
    var ranges = [(CivilDate, CivilDate)?](repeating: nil, count: keyNames.count)
    var widened = Set<Int>()
    func widen(_ k: Int, _ si: Int) {
      guard widened.insert(k * seriesCount + si).inserted else { return }
      let s = seriesList[si]
      guard let f = s.dates.first, let l = s.dates.last else { return }
      if let r = ranges[k] { ranges[k] = (min(r.0, f), max(r.1, l)) } else { ranges[k] = (f, l) }
    }
    for pd in pending {
      widen(pd.key, pd.series)
      if pd.market >= 0 { widen(pd.key, pd.market) }
    }
    for (k, name) in keyNames.enumerated() {
      let r = ranges[k] ?? (CivilDate(dayNumber: 0), CivilDate(dayNumber: -1))
      let grid: SessionGrid
      if name.hasPrefix("market:") {
        let m = String(name.dropFirst(7))
        var dates: [CivilDate] = []
        if let mi = loaded[m], mi >= 0 {
          let ms = seriesList[mi]
          let px = ms.isReturnSeries ? ms.returns : ms.referencePrice
          for i in 0..<ms.count where px[i].isFinite { dates.append(ms.dates[i]) }
        }
        grid = SessionGrid(
          name: "inferred from \(m)", calendar: TradingCalendar(sessions: dates), dates: dates)
      } else {
        let exchange = Exchange.all.first { $0.calendarMIC == name } ?? .xnys
        let cal = TradingCalendar(exchange: exchange)
        grid = SessionGrid(name: name, calendar: cal, dates: cal.sessions(from: r.0, through: r.1))
      }
      grids.append(grid)
      var cols: [AlignedReturns] = []
      if p.model.usesFactors, let f = p.factors {
        for name in p.model.factorNames + ["RF"] {
          cols.append(AlignedReturns(factor: f.column(name) ?? [], dates: f.dates, grid: grid))
        }
      }
      factors.append(cols)
    }
    // 3. Align each series once per grid, place day 0 once per event × grid × exchange, make tasks.
    var placer = DayZero()
    var placements: [PlacementKey: DayZeroPlacement] = [:]
    var alignedOf: [Int: Int] = [:]  // grid × series → index in `securities`
    var marketOf: [Int: Int] = [:]  // grid × series → index in `markets`
    for pd in pending {
      let gi = pd.key
      let grid = grids[gi]
      let exchange = seriesList[pd.series].exchange
      let si: Int
      if let i = alignedOf[gi * seriesCount + pd.series] {
        si = i
      } else {
        si = securities.count
        securities.append(AlignedReturns(series: seriesList[pd.series], grid: grid, kind: p.returnKind))
        alignedOf[gi * seriesCount + pd.series] = si
      }
      var mi: Int? = nil
      if p.model.usesMarket && pd.market >= 0 {
        if let i = marketOf[gi * seriesCount + pd.market] {
          mi = i
        } else {
          mi = markets.count
          marketOf[gi * seriesCount + pd.market] = markets.count
          markets.append(AlignedReturns(series: seriesList[pd.market], grid: grid, kind: p.returnKind))
        }
      }
      let ei = pairs[pd.pair].eventIndex
      let pKey = PlacementKey(event: ei, grid: gi, exchange: exchange.mic)
      let placement: DayZeroPlacement
      if let known = placements[pKey] {
        placement = known
      } else {
        let e = events[ei]
        placement = placer.place(
          date: e.date, minute: e.minute, zone: e.timeZone, exchange: exchange, calendar: grid.calendar,
          policy: p.nonTrading)
        placements[pKey] = placement
      }
      switch placement {
      case .unresolved(let why):
        pairs[pd.pair].outcome = .unresolvedDate
        pairs[pd.pair].detail = why
      case .skipped(let d):
        pairs[pd.pair].outcome = .nonTradingSkipped
        pairs[pd.pair].detail = "\(d.iso) is not a \(grid.name) session (policy skip)"
      case .nonTrading(let d):
        throw .nonTradingDay(
          eventID: events[ei].id, ticker: pairs[pd.pair].ticker, date: d, exchange: grid.name)
      case .session(let d0, let rule):
        if let g0 = Plan.place(&pairs[pd.pair], day0: d0, rule: rule, grid: grid, security: securities[si]) {
          tasks.append(PairTask(pair: pd.pair, security: si, market: mi, grid: gi, g0: g0))
        }
      }
    }
    return pairs
  }
}
