import MarketData

/// Data-quality checks, run on each security's rows (or on each flushed fragment, with the
/// state that spans fragments kept in the accumulator).
extension Loader {
  static let examplesPerKind = 5
  /// Gaps longer than this (in days) are counted in weekdays, not asked of the calendar day by day.
  static let maxGapScanDays = 3660

  func calendar(_ ex: Exchange) -> SessionMemo {
    if let c = calendars[ex.calendarMIC] { return c }
    let c = SessionMemo(TradingCalendar(exchange: ex))
    calendars[ex.calendarMIC] = c
    return c
  }

  func qualityPass(_ acc: Accumulator, _ s: PriceSeries) {
    let cal = calendar(acc.exchange)
    let t = acc.ticker
    let n = s.count
    guard n > 0 else { return }
    let isReturns = s.isReturnSeries
    for i in 0..<n {
      let d = s.dates[i]
      // Prices.
      if !isReturns {
        if s.open[i] <= 0 || s.high[i] <= 0 || s.low[i] <= 0 || s.close[i] <= 0 || s.adjustedClose[i] <= 0 {
          acc.nonPositive += 1
          if acc.nonPositive <= Loader.examplesPerKind {
            findings.append(
              QualityFinding(
                kind: "non_positive_price", ticker: t, date: d,
                detail: "a price is zero or negative (close \(s.close[i]))"))
          }
        }
        if s.close[i].isNaN && s.adjustedClose[i].isNaN {
          acc.missingClose += 1
          if acc.missingClose <= Loader.examplesPerKind {
            findings.append(
              QualityFinding(kind: "missing_price", ticker: t, date: d, detail: "row stored without a close"))
          }
        }
      }
      // Sessions.
      if cal.calendar.covers(d) && !cal.isSession(d) {
        acc.nonSession += 1
        if acc.nonSession <= Loader.examplesPerKind {
          findings.append(
            QualityFinding(
              kind: "non_session_date", ticker: t, date: d,
              detail: "\(d.iso) is not a \(acc.exchange.calendarMIC) session (holiday or weekend row)"))
        }
      }
      if let p = acc.gapPrev, p < d {
        var missing = 0
        if p.days(to: d) > Loader.maxGapScanDays {
          // Decades apart: count weekdays arithmetically; asking the calendar day by day would
          // cost millions of steps for two rows (time must stay linear in the input).
          let n = p.days(to: d) - 1
          missing = n / 7 * 5
          var day = p.adding(days: 1 + n / 7 * 7)
          while day < d {
            if !day.isWeekend { missing += 1 }
            day = day.adding(days: 1)
          }
        } else {
          var day = p.adding(days: 1)
          while day < d {
            if cal.isSession(day) { missing += 1 }
            day = day.adding(days: 1)
          }
        }
        if missing > 0 {
          acc.gapRuns += 1
          acc.gapSessions += missing
          if acc.gapRuns <= Loader.examplesPerKind {
            findings.append(
              QualityFinding(
                kind: "calendar_gap", ticker: t, date: p.adding(days: 1),
                detail:
                  "\(missing) \(acc.exchange.calendarMIC) session\(missing == 1 ? "" : "s") missing between \(p.iso) and \(d.iso)"
              ))
          }
        }
      }
      acc.gapPrev = d
      // Jumps.
      let v: Double
      if isReturns {
        v = s.returns[i]
        if v.isFinite && abs(v) > options.jumpThreshold {
          findings.append(
            QualityFinding(
              kind: "possible_split", ticker: t, date: d,
              detail:
                "return \(percent(v)) over ±\(percent(options.jumpThreshold).dropFirst()) (split or consolidation?)"
            ))
        }
        continue
      }
      v = s.close[i].isNaN ? s.adjustedClose[i] : s.close[i]
      guard v.isFinite && v > 0 else { continue }
      if let (pd, pv) = acc.jumpPrev, pd < d {
        let r = v / pv - 1
        if abs(r) > options.jumpThreshold {
          let ratio = "≈\(rounded(r > 0 ? v / pv : pv / v)):1"
          findings.append(
            QualityFinding(
              kind: "possible_split", ticker: t, date: d,
              detail:
                "price moves \(percent(r)) from \(pv) on \(pd.iso) to \(v) (over ±\(percent(options.jumpThreshold).dropFirst()); looks like a \(ratio) \(r > 0 ? "consolidation" : "split"))"
            ))
        }
      }
      acc.jumpPrev = (d, v)
    }
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
  func finalFindings(_ acc: Accumulator) {
    let t = acc.ticker
    if acc.stored > 1 && !acc.ascending {
      if acc.descending {
        findings.append(
          QualityFinding(kind: "newest_first", ticker: t, detail: "rows run newest first; sorted"))
      } else {
        findings.append(
          QualityFinding(kind: "unsorted", ticker: t, detail: "rows are not in date order; sorted"))
      }
    }
    if acc.nullRows > 0 {
      findings.append(
        QualityFinding(
          kind: "null_row", ticker: t, date: acc.firstNull,
          detail: "\(acc.nullRows) row\(acc.nullRows == 1 ? "" : "s") without any price rejected"))
    }
    if acc.nonPositive > Loader.examplesPerKind {
      findings.append(
        QualityFinding(
          kind: "non_positive_price", ticker: t, detail: "\(acc.nonPositive) rows with a price ≤ 0 in all"))
    }
    if acc.missingClose > Loader.examplesPerKind {
      findings.append(
        QualityFinding(
          kind: "missing_price", ticker: t, detail: "\(acc.missingClose) rows without a close in all"))
    }
    if acc.nonSession > Loader.examplesPerKind {
      findings.append(
        QualityFinding(
          kind: "non_session_date", ticker: t, detail: "\(acc.nonSession) rows on non-session days in all"))
    }
    if acc.gapRuns > Loader.examplesPerKind {
      findings.append(
        QualityFinding(
          kind: "calendar_gap", ticker: t,
          detail:
            "\(acc.gapSessions) sessions missing in \(acc.gapRuns) gaps in all (\(acc.exchange.calendarMIC) calendar)"
        ))
    }
  }
}

/// A calendar's answers to `isSession`, remembered per day in bitsets over the span asked about
/// (every security of a file asks about the same days, row by row and across gaps). Raw memory,
/// so a lookup does no exclusivity or uniqueness checks.
final class SessionMemo {
  let calendar: TradingCalendar
  private var base = 0
  private var words = 0
  /// Per word of 64 days: which days were asked, and which of those are sessions.
  private var known: UnsafeMutablePointer<UInt64>
  private var value: UnsafeMutablePointer<UInt64>
  /// Days remembered at most (beyond that the calendar is asked directly).
  static let maxSpan = 1 << 17

  init(_ calendar: TradingCalendar) {
    self.calendar = calendar
    known = .allocate(capacity: 1)
    value = .allocate(capacity: 1)
  }

  deinit {
    known.deallocate()
    value.deallocate()
  }

  func isSession(_ d: CivilDate) -> Bool {
    let day = Int(d.dayNumber)
    var off = day - base
    if off < 0 || off >= words * 64 {
      let lo = words == 0 ? day - 4096 : min(base, day - 4096)
      let hi = words == 0 ? day + 4096 : max(base + words * 64, day + 4096)
      let newBase = lo - ((lo % 64) + 64) % 64
      let count = (hi - newBase) / 64 + 1
      if count * 64 > SessionMemo.maxSpan { return calendar.isSession(d) }
      let k = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
      let v = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
      k.initialize(repeating: 0, count: count)
      v.initialize(repeating: 0, count: count)
      let shift = (base - newBase) / 64
      if words > 0 {
        (k + shift).update(from: known, count: words)
        (v + shift).update(from: value, count: words)
      }
      known.deallocate()
      value.deallocate()
      known = k
      value = v
      words = count
      base = newBase
      off = day - base
    }
    let w = off >> 6
    let bit = UInt64(1) << UInt64(off & 63)
    if known[w] & bit != 0 { return value[w] & bit != 0 }
    let session = calendar.isSession(d)
    known[w] |= bit
    if session { value[w] |= bit }
    return session
  }
}
