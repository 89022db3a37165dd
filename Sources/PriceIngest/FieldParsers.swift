import MarketData

/// How dates are written in a price file.
public enum DateFormat: Sendable, Equatable, CustomStringConvertible {
  /// Year first: `2024-03-01`, `2024/03/01`, `2024年3月1日`, optionally followed by a time and an
  /// offset (`2020-06-22 00:00:00-04:00`); the calendar day as written is kept.
  case yearMonthDay
  /// Eight digits, `20240301`.
  case compact
  /// Month first, year last: `03/01/2024`, `3-1-24`.
  case monthDayYear
  /// Day first, year last: `01.03.2024`, `1/3/2024`.
  case dayMonthYear
  /// Month name first: `Dec 24, 2020`, `December 24 2020`.
  case monthNameDayYear
  /// Day, then month name: `24 Dec 2020`, `24-Dec-2020`.
  case dayMonthNameYear

  /// The pattern as a user would write it on the command line.
  public var description: String {
    switch self {
    case .yearMonthDay: return "YYYY-MM-DD"
    case .compact: return "YYYYMMDD"
    case .monthDayYear: return "MM/DD/YYYY"
    case .dayMonthYear: return "DD/MM/YYYY"
    case .monthNameDayYear: return "Mon D, YYYY"
    case .dayMonthNameYear: return "D Mon YYYY"
    }
  }

  /// Reads a user-written pattern (`YYYY-MM-DD`, `MM/DD/YYYY`, `DD.MM.YYYY`, `YYYYMMDD`,
  /// `Mon D, YYYY`, `D Mon YYYY`, …); `nil` when it is none of them.
  public init?(pattern: String) {
    let p = pattern.uppercased().filter { !$0.isWhitespace }
    if p == "YYYYMMDD" {
      self = .compact
      return
    }
    if p.hasPrefix("MON") || p.hasPrefix("MMM") {
      self = .monthNameDayYear
      return
    }
    if p.contains("MON") || p.contains("MMM") {
      self = .dayMonthNameYear
      return
    }
    let letters = p.filter { $0 == "Y" || $0 == "M" || $0 == "D" }
    guard let first = letters.first else { return nil }
    switch first {
    case "Y": self = .yearMonthDay
    case "M": self = .monthDayYear
    case "D": self = .dayMonthYear
    default: return nil
    }
  }
}

/// The pieces a date field is made of: up to three numbers and an optional month name.
struct DateTokens {
  var numbers: (Int, Int, Int) = (0, 0, 0)
  var digits: (Int, Int, Int) = (0, 0, 0)
  var count = 0
  /// Month from a name (1–12), or 0.
  var monthName = 0
  /// Position of the month name among the tokens (0-based), or -1.
  var namePosition = -1

  subscript(i: Int) -> (value: Int, digits: Int) {
    switch i {
    case 0: return (numbers.0, digits.0)
    case 1: return (numbers.1, digits.1)
    default: return (numbers.2, digits.2)
    }
  }

  mutating func push(_ v: Int, _ d: Int) {
    switch count {
    case 0: (numbers.0, digits.0) = (v, d)
    case 1: (numbers.1, digits.1) = (v, d)
    default: (numbers.2, digits.2) = (v, d)
    }
    count += 1
  }
}

enum FieldParsers {
  static let monthNames: [[UInt8]] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  ].map { Array($0.utf8) }

  /// Splits a date field into numbers and a month name; stops after the date part (a time that
  /// follows is ignored). Returns `nil` when the field does not look like a date.
  static func tokens(_ p: UnsafePointer<UInt8>, _ n: Int) -> DateTokens? {
    var t = DateTokens()
    var i = 0
    while i < n && t.count + (t.monthName > 0 ? 1 : 0) < 3 {
      let c = p[i]
      if c >= 48 && c <= 57 {
        var v = 0
        var d = 0
        while i < n, p[i] >= 48, p[i] <= 57, d < 9 {
          v = v * 10 + Int(p[i] - 48)
          d += 1
          i += 1
        }
        if d == 8 && t.count == 0 && t.monthName == 0 {
          // YYYYMMDD
          t.push(v / 10000, 4)
          t.push((v / 100) % 100, 2)
          t.push(v % 100, 2)
          return t
        }
        t.push(v, d)
        continue
      }
      let lower = c | 0x20
      if lower >= 97 && lower <= 122 {
        var j = i
        while j < n, (p[j] | 0x20) >= 97, (p[j] | 0x20) <= 122 { j += 1 }
        if j - i >= 3, t.monthName == 0 {
          var found = 0
          for (k, name) in monthNames.enumerated()
          where (p[i] | 0x20) == name[0] && (p[i + 1] | 0x20) == name[1] && (p[i + 2] | 0x20) == name[2] {
            found = k + 1
          }
          if found == 0 { return nil }
          t.monthName = found
          t.namePosition = t.count
        } else if t.count > 0 && (lower == 116) && j - i == 1 {
          // 'T' between date and time: stop.
          break
        } else {
          return nil
        }
        i = j
        continue
      }
      i += 1
    }
    if t.count + (t.monthName > 0 ? 1 : 0) < 3 { return nil }
    return t
  }

  /// Turns two- or four-digit years into a full year (two-digit: 1950–2049).
  @inline(__always) static func fullYear(_ v: Int, _ digits: Int) -> Int {
    if digits <= 2 { return v < 50 ? 2000 + v : 1900 + v }
    return v
  }

  /// Parses a date in the given format; `nil` when the field is not such a date.
  static func parseDate(_ p: UnsafePointer<UInt8>, _ n0: Int, _ format: DateFormat) -> CivilDate? {
    var s = 0
    var n = n0
    while s < n, p[s] == 32 || p[s] == 9 { s += 1 }
    while n > s, p[n - 1] == 32 || p[n - 1] == 9 { n -= 1 }
    let q = p + s
    let len = n - s
    // Fast path: ISO `YYYY-MM-DD` (optionally followed by a time).
    if format == .yearMonthDay, len >= 10, q[4] == 45, q[7] == 45 {
      @inline(__always) func d(_ i: Int) -> Int { Int(q[i]) - 48 }
      let y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)
      let m = d(5) * 10 + d(6)
      let day = d(8) * 10 + d(9)
      if (d(0) | d(1) | d(2) | d(3) | d(5) | d(6) | d(8) | d(9)) & ~15 == 0,
        len == 10 || q[10] == 32 || q[10] == 84
      {
        return CivilDate(year: y, month: m, day: day)
      }
    }
    guard len > 0, let t = tokens(q, len) else { return nil }
    switch format {
    case .compact:
      guard t.count == 3, t.digits.0 == 4, t.digits.1 == 2, t.digits.2 == 2 else { return nil }
      return CivilDate(year: t.numbers.0, month: t.numbers.1, day: t.numbers.2)
    case .yearMonthDay:
      guard t.count == 3, t.monthName == 0, t.digits.0 == 4 else { return nil }
      return CivilDate(year: t.numbers.0, month: t.numbers.1, day: t.numbers.2)
    case .monthDayYear:
      guard t.count == 3, t.monthName == 0, t.digits.2 == 4 || t.digits.2 == 2, t.digits.0 <= 2 else {
        return nil
      }
      return CivilDate(year: fullYear(t.numbers.2, t.digits.2), month: t.numbers.0, day: t.numbers.1)
    case .dayMonthYear:
      guard t.count == 3, t.monthName == 0, t.digits.2 == 4 || t.digits.2 == 2, t.digits.0 <= 2 else {
        return nil
      }
      return CivilDate(year: fullYear(t.numbers.2, t.digits.2), month: t.numbers.1, day: t.numbers.0)
    case .monthNameDayYear:
      guard t.count == 2, t.monthName > 0, t.namePosition == 0 else { return nil }
      return CivilDate(year: fullYear(t.numbers.1, t.digits.1), month: t.monthName, day: t.numbers.0)
    case .dayMonthNameYear:
      guard t.count == 2, t.monthName > 0, t.namePosition == 1 else { return nil }
      return CivilDate(year: fullYear(t.numbers.1, t.digits.1), month: t.monthName, day: t.numbers.0)
    }
  }

  /// Decides the date format from sample values: ISO, compact, month names, and M/D/Y vs D/M/Y
  /// from components above 12 or, when every component could be either, from which reading makes
  /// consecutive rows closest in time. `nil` when most values are no date at all.
  static func sniffDateFormat(_ samples: [[UInt8]]) -> (format: DateFormat, note: String)? {
    var all: [DateTokens] = []
    for s in samples where !s.isEmpty {
      let t = s.withUnsafeBufferPointer { b -> DateTokens? in
        guard let base = b.baseAddress else { return nil }
        return tokens(base, b.count)
      }
      if let t { all.append(t) }
    }
    // Most values must be dates; the others (footnotes, notes) become rejects later.
    let nonEmpty = samples.filter { !$0.isEmpty }.count
    guard let first = all.first, all.count * 2 >= nonEmpty else { return nil }
    if first.monthName > 0 {
      return first.namePosition == 0 ? (.monthNameDayYear, "") : (.dayMonthNameYear, "")
    }
    if first.digits.0 == 4 {
      let eight =
        samples.first(where: { !$0.isEmpty }).map { $0.allSatisfy { $0 >= 48 && $0 <= 57 } } ?? false
      return (eight ? .compact : .yearMonthDay, "")
    }
    // Year last: month-day or day-month.
    var firstOver12 = false
    var secondOver12 = false
    for t in all {
      if t.numbers.0 > 12 { firstOver12 = true }
      if t.numbers.1 > 12 { secondOver12 = true }
    }
    if firstOver12 && !secondOver12 { return (.dayMonthYear, "day first: a first component exceeds 12") }
    if secondOver12 && !firstOver12 { return (.monthDayYear, "month first: a second component exceeds 12") }
    // Ambiguous: prefer the reading whose consecutive dates are closer together.
    func spread(_ f: DateFormat) -> Int {
      var total = 0
      var prev: CivilDate? = nil
      for s in samples where !s.isEmpty {
        let d = s.withUnsafeBufferPointer { b in b.baseAddress.flatMap { parseDate($0, b.count, f) } }
        guard let d else { continue }
        if let p = prev { total += abs(p.days(to: d)) }
        prev = d
      }
      return total
    }
    let md = spread(.monthDayYear)
    let dm = spread(.dayMonthYear)
    if dm < md { return (.dayMonthYear, "day first: consecutive rows are closer read day first") }
    if md < dm { return (.monthDayYear, "month first: consecutive rows are closer read month first") }
    let dotted = samples.first?.contains(46) ?? false
    return dotted
      ? (.dayMonthYear, "day first assumed for dotted dates (ambiguous)")
      : (.monthDayYear, "month first assumed (ambiguous; override with --date-format)")
  }

  /// Result of reading a number field.
  enum Number {
    /// A value (after `%` and K/M/B scaling).
    case value(Double)
    /// An empty field or a missing marker (`null`, `NaN`, `N/A`, `-`, `.`).
    case missing
    /// Not a number.
    case invalid
  }

  static let pow10: [Double] = (0...22).map { e in
    var v = 1.0
    for _ in 0..<e { v *= 10 }
    return v
  }

  /// 10^0 … 10^15, exact in a `Double`. An array of literals is constant data the compiler reads
  /// directly; a `SIMD16` here was initialized lazily, which cost a `swift_once` call per value.
  static let powersOfTen: [Double] = [
    1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
  ]

  /// 10^e for 0 ≤ e ≤ 15 (10^15 above), exact in a `Double`: one load, no branch (a `switch`
  /// here compiled to an indirect jump that mispredicted whenever the decimals changed).
  @inline(__always) static func exactPow10(_ e: Int) -> Double {
    powersOfTen[min(e, 15)]
  }

  /// A field written exactly `[-]digits[point digits]` with 1 to 15 digits (no spaces, signs,
  /// separators or suffixes), read as `parseNumber`'s first path reads it; `nil` for anything
  /// else (then `parseNumber` decides). Its one loop is what most price and volume fields need.
  @inline(__always)
  static func plainDecimal(_ p: UnsafePointer<UInt8>, _ n: Int, point: UInt8) -> Double? {
    if n == 0 || n > 17 { return nil }
    let neg = p[0] == 45
    var k = neg ? 1 : 0
    var m: Int64 = 0
    var dot = -1
    while k < n {
      let c = p[k]
      let d = c &- 48
      if d < 10 {
        m = m &* 10 &+ Int64(d)
      } else if c == point && dot < 0 {
        dot = k
      } else {
        return nil
      }
      k += 1
    }
    let digits = n - (neg ? 1 : 0) - (dot >= 0 ? 1 : 0)
    if digits == 0 || digits > 15 { return nil }
    let frac = dot >= 0 ? n - 1 - dot : 0
    let v = frac == 0 ? Double(m) : Double(m) / exactPow10(frac)
    return neg ? -v : v
  }

  /// `plainDecimal` when the bytes from `p` up to `limit` may be read: a field of 1 to 8 bytes
  /// with 8 bytes readable is read as one word (`shortDecimal`); anything else, or a field the
  /// word does not settle (a sign, say), goes through `plainDecimal`'s loop. The same value or
  /// `nil` either way.
  @inline(__always)
  static func plainDecimal(
    _ p: UnsafePointer<UInt8>, _ n: Int, point: UInt8, readableTo limit: UnsafePointer<UInt8>
  ) -> Double? {
    if UInt(bitPattern: n &- 1) < 8 && p.distance(to: limit) >= 8, let v = shortDecimal(p, n, point: point) {
      return v
    }
    return plainDecimal(p, n, point: point)
  }

  /// `[digits][point][digits]` in the `n` (1 to 8) bytes at `p`, with 8 bytes readable there;
  /// `nil` for anything else (a sign, no digit, a second point, another byte). The bytes become
  /// digit values in one word, the field moved to its top (the bytes past it drop out, and
  /// leading zero digits come in), the point is taken out, and three multiplies add the eight
  /// digits up.
  @inline(__always)
  static func shortDecimal(_ p: UnsafePointer<UInt8>, _ n: Int, point: UInt8) -> Double? {
    let ones: UInt64 = 0x0101_0101_0101_0101
    // A digit byte XOR "0" is its value (0 to 9); every other byte gives 10 or more.
    let loaded = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    var v = (loaded ^ (ones &* 0x30)) &<< (UInt64(truncatingIfNeeded: 8 &- n) &* 8)
    var frac = 0
    // The first point: the lowest flag of this zero-byte test is exact (the bytes that came in
    // are zero, which is not the point's value).
    let d = v ^ (ones &* UInt64(point ^ 0x30))
    let flags = (d &- ones) & ~d & 0x8080_8080_8080_8080
    if flags != 0 {
      if n == 1 { return nil }
      let k = UInt64(truncatingIfNeeded: flags.trailingZeroBitCount >> 3)
      // Drop the point byte: the bytes below it (leading digits) move up one.
      let below: UInt64 = (1 &<< (k &* 8)) &- 1
      v = (v & ~(below | (0xFF &<< (k &* 8)))) | ((v & below) &<< 8)
      frac = 7 &- Int(k)
    }
    // Every byte a digit value: below 10 (high bit clear, and adding 118 stays below 128).
    guard (((v & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | v) & 0x8080_8080_8080_8080 == 0 else {
      return nil
    }
    // Pairs, then fours, then eight digits (the first byte is the most significant digit).
    v = (v &* 10) &+ (v >> 8)
    v =
      (((v & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064)
        &+ (((v >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001)) >> 32
    let mantissa = Double(Int64(truncatingIfNeeded: v))
    return frac == 0 ? mantissa : mantissa / exactPow10(frac)
  }

  @inline(__always) static func isMissingMarker(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    if n == 1 { return p[0] == 45 || p[0] == 46 }  // "-" "."
    if n == 2 { return (p[0] | 0x20) == 110 && (p[1] | 0x20) == 97 }  // na
    if n == 3 {
      let a = p[0] | 0x20
      let b = p[1] | 0x20
      let c = p[2] | 0x20
      if a == 110 && b == 97 && c == 110 { return true }  // nan
      if a == 110 && p[1] == 47 && c == 97 { return true }  // n/a
      if p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x94 || p[2] == 0x93) { return true }  // em/en dash
    }
    if n == 4 {
      // null
      return (p[0] | 0x20) == 110 && (p[1] | 0x20) == 117 && (p[2] | 0x20) == 108 && (p[3] | 0x20) == 108
    }
    return false
  }

  /// Reads a number: optional sign or parentheses, currency symbols (`$`, `€`, `£`, `¥`),
  /// thousands separators, decimal point or comma, exponent, and a `%` or K/M/B/T suffix.
  @inline(__always)
  static func parseNumber(_ p: UnsafePointer<UInt8>, _ n0: Int, decimalComma: Bool) -> Number {
    var i = 0
    var n = n0
    while i < n, p[i] == 32 || p[i] == 9 { i += 1 }
    while n > i, p[n - 1] == 32 || p[n - 1] == 9 { n -= 1 }
    if i == n { return .missing }
    let decimalByte: UInt8 = decimalComma ? 44 : 46
    // Fastest path: `[-]digits[.digits]` with at most 15 digits, as almost every price and
    // volume is written. The mantissa is exact (< 2^53) and so is the power of ten, so one
    // division gives the correctly rounded value.
    do {
      var k = i
      let neg = p[k] == 45
      if neg { k += 1 }
      var m: UInt64 = 0
      let s0 = k
      while k < n {
        let d = p[k] &- 48
        if d > 9 { break }
        m = m &* 10 &+ UInt64(d)
        k += 1
      }
      var total = k - s0
      var fracDigits = 0
      if k < n && p[k] == decimalByte {
        k += 1
        let f0 = k
        while k < n {
          let d = p[k] &- 48
          if d > 9 { break }
          m = m &* 10 &+ UInt64(d)
          k += 1
        }
        fracDigits = k - f0
        total += fracDigits
      }
      if k == n && total > 0 && total <= 15 {
        let v = fracDigits == 0 ? Double(m) : Double(m) / FieldParsers.exactPow10(fracDigits)
        return .value(neg ? -v : v)
      }
    }
    // General path: signs, currency, separators, exponents, suffixes.
    var mant: UInt64 = 0
    var digits = 0
    var frac = 0
    var seenPoint = false
    var negative = false
    var parens = false
    var j = i
    let groupByte: UInt8 = decimalComma ? 46 : 44
    if p[j] == 45 {
      negative = true
      j += 1
    } else if p[j] == 43 {
      j += 1
    } else if p[j] == 40 {
      parens = true
      negative = true
      j += 1
    }
    // Currency symbols.
    while j < n, p[j] == 36 || p[j] >= 0x80 { j += 1 }
    if j < n, p[j] == 45, !negative {
      negative = true
      j += 1
    }
    var scale = 1.0
    var exponent = 0
    var sawDigit = false
    var needSlow = false
    // Digits since the last thousands separator (−1: none yet): every group after one must be
    // three long, so "12,50" read with a decimal point is refused instead of becoming 1250.
    var group = -1
    while j < n {
      let c = p[j]
      if c >= 48 && c <= 57 {
        sawDigit = true
        if group >= 0 && !seenPoint { group += 1 }
        if digits < 19 {
          mant = mant &* 10 &+ UInt64(c - 48)
          if mant != 0 { digits += 1 }
          if seenPoint { frac += 1 }
        } else if !seenPoint {
          exponent += 1
        }
      } else if c == decimalByte && !seenPoint {
        if group >= 0 && group != 3 { return .invalid }
        seenPoint = true
      } else if !seenPoint
        && (c == groupByte || c == 39 || (c == 32 && j + 1 < n && p[j + 1] >= 48 && p[j + 1] <= 57))
      {
        // thousands separator
        if !sawDigit || (group >= 0 && group != 3) { return .invalid }
        group = 0
      } else {
        break
      }
      j += 1
    }
    if group >= 0 && !seenPoint && group != 3 { return .invalid }
    if !sawDigit {
      return isMissingMarker(p + i, n - i) ? .missing : .invalid
    }
    if j < n {
      let c = p[j]
      if c == 101 || c == 69 {
        // exponent
        var k = j + 1
        var eneg = false
        if k < n, p[k] == 45 || p[k] == 43 {
          eneg = p[k] == 45
          k += 1
        }
        var e = 0
        var any = false
        while k < n, p[k] >= 48, p[k] <= 57 {
          e = min(e * 10 + Int(p[k] - 48), 400)
          any = true
          k += 1
        }
        if !any { return .invalid }
        exponent += eneg ? -e : e
        j = k
        needSlow = true
      }
    }
    if j < n {
      switch p[j] {
      case 37: scale = 0.01  // %
      case 75, 107: scale = 1e3
      case 77, 109: scale = 1e6
      case 66, 98: scale = 1e9
      case 84, 116: scale = 1e12
      case 41 where parens: break
      default: return .invalid
      }
      j += 1
      while j < n, p[j] == 41 && parens || p[j] == 32 { j += 1 }
      if j < n { return .invalid }
    }
    var v: Double
    if !needSlow && mant < (1 << 53) && frac <= 22 && exponent == 0 {
      v = frac == 0 ? Double(mant) : Double(mant) / pow10[frac]
    } else {
      // Rare: long mantissas or exponents; let the standard library round correctly.
      var text = String(mant)
      text += "e" + String(exponent - frac)
      guard let d = Double(text) else { return .invalid }
      v = d
    }
    if negative { v = -v }
    // Out of Double's range (1e400, 1e308B): no usable number, not infinity.
    guard (v * scale).isFinite else { return .invalid }
    return .value(v * scale)
  }
}

extension Array where Element == UInt8 {
  /// Parses a number from these bytes.
  func parsedNumber(decimalComma: Bool) -> FieldParsers.Number {
    withUnsafeBufferPointer { b in
      guard let base = b.baseAddress else { return .missing }
      return FieldParsers.parseNumber(base, b.count, decimalComma: decimalComma)
    }
  }
  /// Parses a date from these bytes.
  func parsedDate(_ f: DateFormat) -> CivilDate? {
    withUnsafeBufferPointer { b in b.baseAddress.flatMap { FieldParsers.parseDate($0, b.count, f) } }
  }
}
