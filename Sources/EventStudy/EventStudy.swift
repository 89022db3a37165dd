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
    return StudyResult(parameters: parameters, events: events, pairs: pairs)
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
    var bySecurity: [Int: [(g0: Int, grid: Int, pair: Int)]] = [:]
    for t in tasks { bySecurity[t.security, default: []].append((t.g0, t.grid, t.pair)) }
    for (_, list) in bySecurity where list.count > 1 {
      let sorted = list.sorted { $0.g0 < $1.g0 }
      let g0s = sorted.map(\.g0)
      func lowerBound(_ x: Int) -> Int {
        var lo = 0
        var hi = g0s.count
        while lo < hi {
          let mid = (lo + hi) / 2
          if g0s[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
      }
      for item in sorted {
        var overlaps: [String] = []
        var i = lowerBound(item.g0 - width)
        while i < sorted.count && g0s[i] <= item.g0 + width {
          let other = sorted[i]
          if other.pair != item.pair && other.grid == item.grid { overlaps.append(pairs[other.pair].eventID) }
          i += 1
        }
        var inEstimation: [String] = []
        i = lowerBound(item.g0 + parameters.estimation.start)
        while i < sorted.count && g0s[i] <= item.g0 + parameters.estimation.end {
          let other = sorted[i]
          if other.pair != item.pair && other.grid == item.grid {
            inEstimation.append(pairs[other.pair].eventID)
          }
          i += 1
        }
        pairs[item.pair].overlapsWith = overlaps
        pairs[item.pair].estimationContainsEvents = inEstimation
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
  var series: PriceSeries
  var marketTicker: String?
}

/// The sequential part of a run: loading, aligning, placing day 0.
struct Plan {
  let parameters: StudyParameters
  var grids: [SessionGrid] = []
  var gridIndex: [String: Int] = [:]
  var securities: [AlignedReturns] = []
  var securityIndex: [String: Int] = [:]  // "grid|ticker"
  var markets: [AlignedReturns] = []
  var marketIndex: [String: Int] = [:]
  var factors: [[AlignedReturns]] = []
  var tasks: [PairTask] = []

  init(parameters: StudyParameters) { self.parameters = parameters }

  func context() -> StudyContext {
    StudyContext(
      parameters: parameters, grids: grids, securities: securities, markets: markets, factors: factors)
  }

  mutating func prepare(events: [StudyEvent], prices: some PriceSource) throws(EventStudyError)
    -> [PairResult]
  {
    let p = parameters
    // 1. Skeleton pairs, series loaded once per ticker.
    var loaded: [String: PriceSeries?] = [:]
    func load(_ t: String) throws(EventStudyError) -> PriceSeries? {
      if let s = loaded[t] { return s }
      let s: PriceSeries?
      do { s = try prices.series(for: t) } catch { throw .priceSource(ticker: t, message: "\(error)") }
      loaded[t] = s
      return s
    }
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
      for t in e.tickers {
        let s = try load(t)
        let exchange = s?.exchange ?? Exchange.fromTickerSuffix(t)
        var pr = PairResult(
          eventID: e.id, eventIndex: ei, ticker: t, exchange: exchange?.mic ?? "", eventDate: e.date,
          eventMinute: e.minute, outcome: .noPrices, detail: "", attributes: e.attributes)
        guard let s, s.count > 0 else {
          pr.detail = "no prices stored for \(t)"
          pairs.append(pr)
          continue
        }
        var mt: String? = nil
        if needsMarket {
          let m = p.market.ticker(for: s.exchange, event: e)
          pr.marketTicker = m
          mt = m
          if try load(m) == nil {
            pr.outcome = .noMarket
            pr.detail = "market index \(m) has no stored prices"
            pairs.append(pr)
            continue
          }
        }
        pending.append(PendingPair(pair: pairs.count, series: s, marketTicker: mt))
        pairs.append(pr)
      }
    }
    // 2. Grids: one per calendar, spanning every series that uses it.
    func gridKey(_ pd: PendingPair) -> String {
      p.calendar == .inferredFromMarket ? "market:" + (pd.marketTicker ?? "") : pd.series.exchange.calendarMIC
    }
    var ranges: [String: (CivilDate, CivilDate)] = [:]
    func widen(_ key: String, _ s: PriceSeries) {
      guard let f = s.dates.first, let l = s.dates.last else { return }
      if let r = ranges[key] { ranges[key] = (min(r.0, f), max(r.1, l)) } else { ranges[key] = (f, l) }
    }
    for pd in pending {
      let key = gridKey(pd)
      widen(key, pd.series)
      if let m = pd.marketTicker, let ms = loaded[m] ?? nil { widen(key, ms) }
    }
    for key in ranges.keys.sorted() {
      guard let r = ranges[key] else { continue }
      let grid: SessionGrid
      if key.hasPrefix("market:") {
        let m = String(key.dropFirst(7))
        let ms = loaded[m] ?? nil
        var dates: [CivilDate] = []
        if let ms {
          let px = ms.isReturnSeries ? ms.returns : ms.referencePrice
          for i in 0..<ms.count where px[i].isFinite { dates.append(ms.dates[i]) }
        }
        grid = SessionGrid(
          name: "inferred from \(m)", calendar: TradingCalendar(sessions: dates), dates: dates)
      } else {
        let exchange = Exchange.all.first { $0.calendarMIC == key } ?? .xnys
        let cal = TradingCalendar(exchange: exchange)
        grid = SessionGrid(name: key, calendar: cal, dates: cal.sessions(from: r.0, through: r.1))
      }
      gridIndex[key] = grids.count
      grids.append(grid)
      var cols: [AlignedReturns] = []
      if p.model.usesFactors, let f = p.factors {
        for name in p.model.factorNames + ["RF"] {
          cols.append(AlignedReturns(factor: f.column(name) ?? [], dates: f.dates, grid: grid))
        }
      }
      factors.append(cols)
    }
    // 3. Align, place day 0, make tasks.
    var placer = DayZero()
    var placements: [String: DayZeroPlacement] = [:]
    for pd in pending {
      let key = gridKey(pd)
      guard let gi = gridIndex[key] else { continue }
      let grid = grids[gi]
      let sKey = key + "|" + pd.series.ticker
      let si: Int
      if let i = securityIndex[sKey] {
        si = i
      } else {
        si = securities.count
        securities.append(AlignedReturns(series: pd.series, grid: grid, kind: p.returnKind))
        securityIndex[sKey] = si
      }
      var mi: Int? = nil
      if p.model.usesMarket, let m = pd.marketTicker, let ms = loaded[m] ?? nil {
        let mKey = key + "|" + m
        if let i = marketIndex[mKey] {
          mi = i
        } else {
          mi = markets.count
          marketIndex[mKey] = markets.count
          markets.append(AlignedReturns(series: ms, grid: grid, kind: p.returnKind))
        }
      }
      var pr = pairs[pd.pair]
      let e = events[pr.eventIndex]
      let pKey = "\(pr.eventIndex)|\(key)|\(pd.series.exchange.mic)"
      let placement: DayZeroPlacement
      if let known = placements[pKey] {
        placement = known
      } else {
        placement = placer.place(
          date: e.date, minute: e.minute, zone: e.timeZone, exchange: pd.series.exchange,
          calendar: grid.calendar,
          policy: p.nonTrading)
        placements[pKey] = placement
      }
      let security = securities[si]
      switch placement {
      case .unresolved(let why):
        pr.outcome = .unresolvedDate
        pr.detail = why
      case .skipped(let d):
        pr.outcome = .nonTradingSkipped
        pr.detail = "\(d.iso) is not a \(grid.name) session (policy skip)"
      case .nonTrading(let d):
        throw .nonTradingDay(eventID: e.id, ticker: pr.ticker, date: d, exchange: grid.name)
      case .session(let d0, let rule):
        pr.day0 = d0
        pr.day0Rule = rule
        guard let first = security.firstDate, let last = security.lastDate else {
          pr.outcome = .noPrices
          pr.detail = "no usable prices for \(pr.ticker) on \(grid.name) sessions"
          break
        }
        guard d0 >= first, d0 <= last, let g0 = grid.index(of: d0) else {
          pr.outcome = .eventOutsideData
          pr.detail = "day 0 \(d0.iso) is outside \(pr.ticker)'s prices \(first.iso)…\(last.iso)"
          break
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
        tasks.append(PairTask(pair: pd.pair, security: si, market: mi, grid: gi, g0: g0))
      }
      pairs[pd.pair] = pr
    }
    return pairs
  }
}
