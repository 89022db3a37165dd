/// A calendar day without time or zone, stored as the number of days since 1970-01-01.
///
/// Every stage exchanges dates as `CivilDate`: it is a plain integer, so comparisons, hashing and
/// arithmetic are cheap, and its conversions are written by hand (no Foundation formatters).
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Days since 1970-01-01 (negative before it).
  public var dayNumber: Int32

  /// Creates a date from its day number (days since 1970-01-01).
  public init(dayNumber: Int32) { self.dayNumber = dayNumber }

  /// Creates a date from a proleptic Gregorian year, month (1–12) and day (1–31); `nil` when the
  /// combination does not exist (e.g. 2025-02-29).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(year: year, month: month),
      (1...9999).contains(year)
    else { return nil }
    // Howard Hinnant's days_from_civil.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    dayNumber = Int32(era * 146097 + doe - 719468)
  }

  /// The year, month and day of this date.
  public var components: (year: Int, month: Int, day: Int) {
    let z = Int(dayNumber) + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  /// The year of this date.
  public var year: Int { components.year }
  /// The month (1–12) of this date.
  public var month: Int { components.month }
  /// The day of the month (1–31) of this date.
  public var day: Int { components.day }

  /// ISO weekday: 1 = Monday … 7 = Sunday.
  public var weekday: Int {
    let w = (Int(dayNumber) + 3) % 7  // 1970-01-01 was a Thursday (ISO 4).
    return (w < 0 ? w + 7 : w) + 1
  }

  /// `true` on Saturdays and Sundays.
  public var isWeekend: Bool { weekday >= 6 }

  /// The date `days` days later (earlier when negative).
  public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + Int32(days)) }

  /// Number of days from `self` to `other` (positive when `other` is later).
  public func days(to other: CivilDate) -> Int { Int(other.dayNumber - dayNumber) }

  /// The date in ISO 8601 form, `YYYY-MM-DD`.
  public var iso: String {
    String(unsafeUninitializedCapacity: 10) { buffer in
      guard let base = buffer.baseAddress else { return 0 }
      writeISO(to: base)
      return 10
    }
  }

  /// Writes `YYYY-MM-DD` into the 10 bytes at `out` (for byte-level writers on hot paths).
  @inline(__always) public func writeISO(to out: UnsafeMutablePointer<UInt8>) {
    let (y, m, d) = components
    out[0] = UInt8(48 + (y / 1000) % 10)
    out[1] = UInt8(48 + (y / 100) % 10)
    out[2] = UInt8(48 + (y / 10) % 10)
    out[3] = UInt8(48 + y % 10)
    out[4] = 45
    out[5] = UInt8(48 + m / 10)
    out[6] = UInt8(48 + m % 10)
    out[7] = 45
    out[8] = UInt8(48 + d / 10)
    out[9] = UInt8(48 + d % 10)
  }

  /// The ISO form, `YYYY-MM-DD`.
  public var description: String { iso }

  /// Parses `YYYY-MM-DD` (also `YYYYMMDD`); `nil` for anything else.
  public init?(iso text: some StringProtocol) {
    let u = Array(text.utf8)
    func num(_ r: Range<Int>) -> Int? {
      var v = 0
      for i in r {
        let c = u[i]
        guard c >= 48, c <= 57 else { return nil }
        v = v * 10 + Int(c - 48)
      }
      return v
    }
    if u.count == 10, u[4] == 45, u[7] == 45, let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) {
      self.init(year: y, month: m, day: d)
    } else if u.count == 8, let y = num(0..<4), let m = num(4..<6), let d = num(6..<8) {
      self.init(year: y, month: m, day: d)
    } else {
      return nil
    }
  }

  /// `true` for leap years of the proleptic Gregorian calendar.
  public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

  /// The number of days in a month of a year.
  public static func daysIn(year: Int, month: Int) -> Int {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Orders dates chronologically.
  public static func < (a: CivilDate, b: CivilDate) -> Bool { a.dayNumber < b.dayNumber }
}
