import MarketData

/// Data-quality checks, run on each security's rows (or on each flushed fragment, with the
/// state that spans fragments kept in its `SettleState`).
extension Settler {
  static let examplesPerKind = 5
  /// Gaps longer than this (in days) are counted in weekdays, not asked of the calendar day by day.
  static let maxGapScanDays = 3660

  /// The session counts of an exchange's calendar, made when first needed.
  func sessions(_ ex: Exchange) -> SessionCounts {
    if let c = calendars[ex.calendarMIC] { return c }
    let c = SessionCounts(TradingCalendar(exchange: ex))
    calendars[ex.calendarMIC] = c
    return c
  }

  /// Checks one security's kept rows of a fragment, in date order: non-positive and missing
  /// prices, days that are no session, sessions missing between rows (also across fragments)
  /// and jumps. `values` holds the rows' values column by column (`count` per column, columns
  /// in the order of `slots`); only the columns the file has are read.
  func qualityPass(
    _ acc: SettleState, _ label: SecurityLabel, _ dates: UnsafeBufferPointer<CivilDate>,
    _ values: UnsafePointer<Double>
  ) {
    let n = dates.count
    guard n > 0 else { return }
    let cal = sessions(label.exchange)
    let t = label.ticker
    let mic = label.exchange.calendarMIC
    func column(_ slot: Int) -> UnsafePointer<Double>? { slotPos[slot].map { values + $0 * n } }
    // The price columns behind a raw pointer: iterating an array per row costs a retain and a
    // release of its storage.
    let priceColumns = (0..<5).compactMap(column)
    let priceCount = priceColumns.count
    let prices = UnsafeMutablePointer<UnsafePointer<Double>>.allocate(capacity: max(1, priceCount))
    defer { prices.deallocate() }
    for (k, c) in priceColumns.enumerated() { prices[k] = c }
    let close = column(3)
    let adjusted = column(4)
    let returns = column(6)
    // The days asked about, counted once (the previous fragment's last day too, unless far off).
    var lo = Int(dates[0].dayNumber)
    if let p = acc.gapPrev, p.days(to: dates[0]) <= Settler.maxGapScanDays { lo = min(lo, Int(p.dayNumber)) }
    cal.include(lo, Int(dates[n - 1].dayNumber))
    let sessions = cal.table
    let threshold = jumpThreshold
    let inside = (low: (1 - threshold) * (1 + 1e-9), high: (1 + threshold) * (1 - 1e-9))
    // The state carried from row to row, in locals for the loop (a class's properties are read
    // and written through memory at every use). No previous day is `Int.min`.
    let none = Int.min
    var (nonPositive, missingClose, nonSession) = (acc.nonPositive, acc.missingClose, acc.nonSession)
    var (gapRuns, gapSessions) = (acc.gapRuns, acc.gapSessions)
    var gapDay = acc.gapPrev.map { Int($0.dayNumber) } ?? none
    var jumpDay = acc.jumpPrev.map { Int($0.0.dayNumber) } ?? none
    var jumpValue = acc.jumpPrev?.1 ?? .nan
    defer {
      (acc.nonPositive, acc.missingClose, acc.nonSession) = (nonPositive, missingClose, nonSession)
      (acc.gapRuns, acc.gapSessions) = (gapRuns, gapSessions)
      acc.gapPrev = gapDay == none ? nil : CivilDate(dayNumber: Int32(truncatingIfNeeded: gapDay))
      acc.jumpPrev =
        jumpDay == none ? nil : (CivilDate(dayNumber: Int32(truncatingIfNeeded: jumpDay)), jumpValue)
    }
    let examples = Settler.examplesPerKind
    // Rare events are written up out of line, so the loop keeps its state in registers.
    for i in 0..<n {
      let day = Int(dates[i].dayNumber)
      // The close, else the adjusted close (NaN when unknown; `x != x` only for NaN).
      let c = close?[i] ?? .nan
      let v = c != c ? (adjusted?[i] ?? .nan) : c
      // Prices.
      if returns == nil {
        var belowZero = false
        var k = 0
        while k < priceCount {
          if prices[k][i] <= 0 { belowZero = true }
          k &+= 1
        }
        if belowZero {
          nonPositive &+= 1
          if nonPositive <= examples { noteNonPositive(t, dates[i], c) }
        }
        if v != v {
          missingClose &+= 1
          if missingClose <= examples { noteMissingClose(t, dates[i]) }
        }
      }
      // Sessions.
      if sessions.isCoveredNonSession(day) {
        nonSession &+= 1
        if nonSession <= examples { noteNonSession(t, dates[i], mic) }
      }
      if gapDay != none && gapDay < day {
        // Decades apart: weekdays are counted arithmetically (asking the calendar day by day
        // would cost millions of steps for two rows; time must stay linear in the input).
        let missing =
          day &- gapDay > Settler.maxGapScanDays
          ? Settler.weekdays(after: gapDay, before: day) : sessions.sessions(after: gapDay, before: day)
        if missing > 0 {
          gapRuns &+= 1
          gapSessions &+= missing
          if gapRuns <= examples { noteGap(t, gapDay, day, missing, mic) }
        }
      }
      gapDay = day
      // Jumps.
      if let returns {
        let v = returns[i]
        if v.isFinite && abs(v) > threshold { noteReturnJump(t, dates[i], v) }
        continue
      }
      // A finite positive price (NaN fails both tests).
      guard v > 0 && v < .infinity else { continue }
      // Well inside the band (by a margin far above rounding error) there is no jump: no
      // division; near or beyond its edges the exact test decides.
      if jumpDay != none && jumpDay < day && !(v > jumpValue * inside.low && v < jumpValue * inside.high) {
        let r = v / jumpValue - 1
        if abs(r) > threshold { notePriceJump(t, jumpDay, jumpValue, dates[i], v, r) }
      }
      jumpDay = day
      jumpValue = v
    }
  }

  /// Weekdays strictly between the days `p` and `d` (`p < d`), counted a week at a time.
  static func weekdays(after p: Int, before d: Int) -> Int {
    let first = CivilDate(dayNumber: Int32(truncatingIfNeeded: p))
    let last = CivilDate(dayNumber: Int32(truncatingIfNeeded: d))
    let span = first.days(to: last) - 1
    var weekdays = span / 7 * 5
    var day = first.adding(days: 1 + span / 7 * 7)
    while day < last {
      if !day.isWeekend { weekdays += 1 }
      day = day.adding(days: 1)
    }
    return weekdays
  }

  @inline(never) func noteNonPositive(_ t: String, _ d: CivilDate, _ close: Double) {
    findings.append(
      QualityFinding(
        kind: "non_positive_price", ticker: t, date: d, detail: "a price is zero or negative (close \(close))"
      ))
  }

  @inline(never) func noteMissingClose(_ t: String, _ d: CivilDate) {
    findings.append(
      QualityFinding(kind: "missing_price", ticker: t, date: d, detail: "row stored without a close"))
  }

  @inline(never) func noteNonSession(_ t: String, _ d: CivilDate, _ mic: String) {
    findings.append(
      QualityFinding(
        kind: "non_session_date", ticker: t, date: d,
        detail: "\(d.iso) is not a \(mic) session (holiday or weekend row)"
      ))
  }

  @inline(never) func noteGap(_ t: String, _ p: Int, _ d: Int, _ missing: Int, _ mic: String) {
    let from = CivilDate(dayNumber: Int32(truncatingIfNeeded: p))
    let to = CivilDate(dayNumber: Int32(truncatingIfNeeded: d))
    findings.append(
      QualityFinding(
        kind: "calendar_gap", ticker: t, date: from.adding(days: 1),
        detail:
          "\(missing) \(mic) session\(missing == 1 ? "" : "s") missing between \(from.iso) and \(to.iso)"))
  }

  @inline(never) func noteReturnJump(_ t: String, _ d: CivilDate, _ v: Double) {
    findings.append(
      QualityFinding(
        kind: "possible_split", ticker: t, date: d,
        detail: "return \(percent(v)) over ±\(percent(jumpThreshold).dropFirst()) (split or consolidation?)"))
  }

  @inline(never) func notePriceJump(
    _ t: String, _ p: Int, _ pv: Double, _ d: CivilDate, _ v: Double, _ r: Double
  ) {
    let pd = CivilDate(dayNumber: Int32(truncatingIfNeeded: p))
    let ratio = "≈\(rounded(r > 0 ? v / pv : pv / v)):1"
    findings.append(
      QualityFinding(
        kind: "possible_split", ticker: t, date: d,
        detail:
          "price moves \(percent(r)) from \(pv) on \(pd.iso) to \(v) (over ±\(percent(jumpThreshold).dropFirst()); looks like a \(ratio) \(r > 0 ? "consolidation" : "split"))"
      ))
  }

  func percent(_ x: Double) -> String {
    let p = (x * 1000).rounded() / 10
    return (p > 0 ? "+" : "") + "\(p)%"
  }

  func rounded(_ x: Double) -> String {
    let r = (x * 10).rounded() / 10
    // Only whole numbers Int can hold go through Int (a 1e300:1 jump trapped here).
    return r == r.rounded() && abs(r) < 1e15 ? String(Int(r)) : String(r)
  }

  /// Findings that summarize a security once the whole file was read.
  /// `reading` is the reading side's accumulator (null rows), `state` the settling side's.
  func finalFindings(_ state: SettleState, _ reading: Accumulator) {
    let acc = state
    let t = reading.ticker
    if acc.stored > 1 && !acc.ascending {
      if acc.descending {
        findings.append(
          QualityFinding(kind: "newest_first", ticker: t, detail: "rows run newest first; sorted"))
      } else {
        findings.append(
          QualityFinding(kind: "unsorted", ticker: t, detail: "rows are not in date order; sorted"))
      }
    }
    if reading.nullRows > 0 {
      findings.append(
        QualityFinding(
          kind: "null_row", ticker: t, date: reading.firstNull,
          detail: "\(reading.nullRows) row\(reading.nullRows == 1 ? "" : "s") without any price rejected"))
    }
    if acc.nonPositive > Settler.examplesPerKind {
      findings.append(
        QualityFinding(
          kind: "non_positive_price", ticker: t, detail: "\(acc.nonPositive) rows with a price ≤ 0 in all"))
    }
    if acc.missingClose > Settler.examplesPerKind {
      findings.append(
        QualityFinding(
          kind: "missing_price", ticker: t, detail: "\(acc.missingClose) rows without a close in all"))
    }
    if acc.nonSession > Settler.examplesPerKind {
      findings.append(
        QualityFinding(
          kind: "non_session_date", ticker: t, detail: "\(acc.nonSession) rows on non-session days in all"))
    }
    if acc.gapRuns > Settler.examplesPerKind {
      findings.append(
        QualityFinding(
          kind: "calendar_gap", ticker: t,
          detail:
            "\(acc.gapSessions) sessions missing in \(acc.gapRuns) gaps in all (\(reading.exchange.calendarMIC) calendar)"
        ))
    }
  }
}

/// A calendar's sessions over a span of days, worked out once: whether a day is a session,
/// whether the calendar's holiday data covers it, and how many sessions lie between two days,
/// each in constant time (every security of a file asks about the same days, row by row and
/// across gaps). Days outside the span are asked of the calendar itself.
final class SessionCounts {
  let calendar: TradingCalendar
  /// The span held, as a value to look days up in (valid until the next `include`).
  private(set) var table: Table
  static let session: UInt8 = 1
  static let covered: UInt8 = 2
  /// Days held at most (beyond that, days are asked of the calendar).
  static let maxSpan = 1 << 17

  /// Days `base ..< base + span`: per day its `session` and `covered` bits, and `counted[k]`,
  /// the sessions in the `k` days from `base` on (`span + 1` entries). A value, so a loop over
  /// rows keeps it in registers; days outside the span are asked of `calendar`.
  struct Table {
    var base = 0
    var span = 0
    var flags: UnsafePointer<UInt8>
    var counted: UnsafePointer<Int32>
    let calendar: TradingCalendar

    /// The flags of `day`.
    @inline(__always) func flag(of day: Int) -> UInt8 {
      let k = day &- base
      if k >= 0 && k < span { return flags[k] }
      let d = CivilDate(dayNumber: Int32(truncatingIfNeeded: day))
      return (calendar.isSession(d) ? SessionCounts.session : 0)
        | (calendar.covers(d) ? SessionCounts.covered : 0)
    }

    /// Whether `day` is covered by the calendar's holiday data and is no session.
    @inline(__always) func isCoveredNonSession(_ day: Int) -> Bool {
      flag(of: day) & (SessionCounts.covered | SessionCounts.session) == SessionCounts.covered
    }

    /// Sessions strictly between the days `p` and `d` (`p < d`).
    @inline(__always) func sessions(after p: Int, before d: Int) -> Int {
      let a = p &+ 1 &- base
      let b = d &- base
      if a >= 0 && b <= span { return Int(counted[b] &- counted[a]) }
      var missing = 0
      for day in (p + 1)..<max(p + 1, d) where flag(of: day) & SessionCounts.session != 0 { missing += 1 }
      return missing
    }
  }

  init(_ calendar: TradingCalendar) {
    self.calendar = calendar
    let c = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    c[0] = 0
    table = Table(
      flags: UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1)), counted: UnsafePointer(c),
      calendar: calendar)
  }

  deinit {
    table.counted.deallocate()
    table.flags.deallocate()
  }

  /// Makes the span hold the days `lo...hi` (with 512 days of room around, at least doubling;
  /// each day costs a calendar lookup, ~650 instructions past the holiday tables), unless it
  /// would grow beyond `maxSpan`.
  func include(_ lo: Int, _ hi: Int) {
    let (base, span) = (table.base, table.span)
    if lo >= base && hi < base + span { return }
    var from = min(lo, span == 0 ? lo : base) - 512
    var through = max(hi, span == 0 ? hi : base + span - 1) + 512
    guard through - from + 1 <= SessionCounts.maxSpan else { return }
    let want = min(2 * span, SessionCounts.maxSpan)
    if through - from + 1 < want {
      // Grow towards the side asked for.
      if lo < base { from = through + 1 - want } else { through = from - 1 + want }
    }
    let count = through - from + 1
    let c = UnsafeMutablePointer<Int32>.allocate(capacity: count + 1)
    let f = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
    c[0] = 0
    for k in 0..<count {
      let d = CivilDate(dayNumber: Int32(from + k))
      let isSession = calendar.isSession(d)
      f[k] = (isSession ? SessionCounts.session : 0) | (calendar.covers(d) ? SessionCounts.covered : 0)
      c[k + 1] = c[k] + (isSession ? 1 : 0)
    }
    table.counted.deallocate()
    table.flags.deallocate()
    table = Table(
      base: from, span: count, flags: UnsafePointer(f), counted: UnsafePointer(c), calendar: calendar)
  }

  /// Whether `day` is covered by the calendar's holiday data and is no session.
  func isCoveredNonSession(_ day: Int) -> Bool { table.isCoveredNonSession(day) }

  /// Sessions strictly between the days `p` and `d` (`p < d`).
  func sessions(after p: Int, before d: Int) -> Int { table.sessions(after: p, before: d) }
}
