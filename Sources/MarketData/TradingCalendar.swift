/// The trading sessions of an exchange: which days it trades, and stepping between sessions.
///
/// Built-in calendars hold the weekday holidays of XNYS, XSHG, XASX, XHKG, XLON, XTKS, XTSE and
/// XFRA for 2000–2026 (facts, see `Scripts/make-holiday-tables`); New York's holiday rules extend
/// XNYS beyond that range. A calendar can also be inferred from the dates a series trades on
/// (`TradingCalendar(sessions:)`), e.g. from a market index.
public struct TradingCalendar: Sendable {
  /// The MIC this calendar belongs to, or `inferred` for one built from observed dates.
  public let name: String
  private let holidays: Set<Int32>
  private let coveredFirst: CivilDate
  private let coveredLast: CivilDate
  private let observed: [CivilDate]?
  private let usesNYSERules: Bool

  /// The built-in calendar of an exchange (its `calendarMIC`).
  public init(exchange: Exchange) {
    let mic = exchange.calendarMIC
    name = mic
    observed = nil
    usesNYSERules = mic == "XNYS"
    if let table = HolidayTables.tables[mic] {
      holidays = Set(table.holidays.compactMap { TradingCalendar.date(yyyymmdd: $0)?.dayNumber })
      coveredFirst = TradingCalendar.date(yyyymmdd: table.first) ?? CivilDate(dayNumber: 0)
      coveredLast = TradingCalendar.date(yyyymmdd: table.last) ?? CivilDate(dayNumber: 0)
    } else {
      holidays = []
      coveredFirst = CivilDate(dayNumber: 0)
      coveredLast = CivilDate(dayNumber: -1)
    }
  }

  /// A calendar whose sessions are exactly the given dates (e.g. the dates a market index traded).
  /// Outside the observed range it assumes weekdays trade.
  public init(sessions: [CivilDate]) {
    let sorted = Array(Set(sessions)).sorted()
    name = "inferred"
    observed = sorted
    holidays = []
    coveredFirst = sorted.first ?? CivilDate(dayNumber: 0)
    coveredLast = sorted.last ?? CivilDate(dayNumber: -1)
    usesNYSERules = false
  }

  /// `true` when the exchange holds a regular session on `date`.
  public func isSession(_ date: CivilDate) -> Bool {
    if date.isWeekend { return false }
    if date >= coveredFirst && date <= coveredLast {
      if let observed { return TradingCalendar.binarySearch(observed, date) != nil }
      return !holidays.contains(date.dayNumber)
    }
    if usesNYSERules { return !NYSEHolidayRules.isHoliday(date) }
    return true
  }

  /// `true` when `date` lies in the range the calendar's holiday data covers (outside it only
  /// weekends, or New York's rules, are known).
  public func covers(_ date: CivilDate) -> Bool { date >= coveredFirst && date <= coveredLast }

  /// The first session on or after `date`.
  public func sessionOnOrAfter(_ date: CivilDate) -> CivilDate {
    var d = date
    while !isSession(d) { d = d.adding(days: 1) }
    return d
  }

  /// The last session on or before `date`.
  public func sessionOnOrBefore(_ date: CivilDate) -> CivilDate {
    var d = date
    while !isSession(d) { d = d.adding(days: -1) }
    return d
  }

  /// The session `count` sessions after `date` (before it when negative); `date` itself need not
  /// be a session: counting starts from the nearest session in the direction of travel.
  public func session(_ count: Int, from date: CivilDate) -> CivilDate {
    var d = date
    var left = count
    while left > 0 {
      d = d.adding(days: 1)
      if isSession(d) { left -= 1 }
    }
    while left < 0 {
      d = d.adding(days: -1)
      if isSession(d) { left += 1 }
    }
    return d
  }

  /// All sessions from `start` through `end`, inclusive.
  public func sessions(from start: CivilDate, through end: CivilDate) -> [CivilDate] {
    var out: [CivilDate] = []
    var d = start
    while d <= end {
      if isSession(d) { out.append(d) }
      d = d.adding(days: 1)
    }
    return out
  }

  static func date(yyyymmdd v: Int) -> CivilDate? {
    CivilDate(year: v / 10000, month: (v / 100) % 100, day: v % 100)
  }

  static func binarySearch(_ a: [CivilDate], _ x: CivilDate) -> Int? {
    var lo = 0
    var hi = a.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if a[mid] < x { lo = mid + 1 } else { hi = mid }
    }
    return lo < a.count && a[lo] == x ? lo : nil
  }
}

/// New York Stock Exchange full-day holiday rules (NYSE Rule 7.2), used beyond the tables.
enum NYSEHolidayRules {
  static func isHoliday(_ date: CivilDate) -> Bool {
    let y = date.year
    func nth(_ n: Int, weekday: Int, month: Int) -> CivilDate? {
      guard let first = CivilDate(year: y, month: month, day: 1) else { return nil }
      let offset = (weekday - first.weekday + 7) % 7
      return first.adding(days: offset + 7 * (n - 1))
    }
    func last(weekday: Int, month: Int) -> CivilDate? {
      guard let end = CivilDate(year: y, month: month, day: CivilDate.daysIn(year: y, month: month)) else {
        return nil
      }
      return end.adding(days: -((end.weekday - weekday + 7) % 7))
    }
    func observed(month: Int, day: Int, saturdayToFriday: Bool = true) -> CivilDate? {
      guard let h = CivilDate(year: y, month: month, day: day) else { return nil }
      if h.weekday == 7 { return h.adding(days: 1) }
      if h.weekday == 6 { return saturdayToFriday ? h.adding(days: -1) : nil }
      return h
    }
    var days: [CivilDate?] = [
      observed(month: 1, day: 1, saturdayToFriday: false),
      nth(3, weekday: 1, month: 1),  // Martin Luther King Jr. Day
      nth(3, weekday: 1, month: 2),  // Washington's Birthday
      easter(y)?.adding(days: -2),  // Good Friday
      last(weekday: 1, month: 5),  // Memorial Day
      observed(month: 7, day: 4),
      nth(1, weekday: 1, month: 9),  // Labor Day
      nth(4, weekday: 4, month: 11),  // Thanksgiving
      observed(month: 12, day: 25),
    ]
    if y >= 2022 { days.append(observed(month: 6, day: 19)) }  // Juneteenth
    return days.contains { $0 == date }
  }

  /// Gregorian Easter Sunday (anonymous Gregorian algorithm).
  static func easter(_ y: Int) -> CivilDate? {
    let a = y % 19
    let b = y / 100
    let c = y % 100
    let d = b / 4
    let e = b % 4
    let f = (b + 8) / 25
    let g = (b - f + 1) / 3
    let h = (19 * a + b - d - g + 15) % 30
    let i = c / 4
    let k = c % 4
    let l = (32 + 2 * e + 2 * i - h - k) % 7
    let m = (a + 11 * h + 22 * l) / 451
    let month = (h + l - 7 * m + 114) / 31
    let day = (h + l - 7 * m + 114) % 31 + 1
    return CivilDate(year: y, month: month, day: day)
  }
}
