import Foundation
import MarketData

/// One calendar month of one security's bars, as a row of `bar_blocks` holds them: dates in
/// ascending order and, per bar, the seven values open, high, low, close, adjusted close,
/// volume and return (NaN where unknown), row by row.
///
/// In the table the bars are JSON text, one array per bar of the day of the month and the values
/// in `jsonOrder` (close, open, high, low, volume, adjusted close, return), trailing unknown
/// values left out: `[[1,15.47,15.35,15.615,14.91,2187767],…]`, `[[1,21.3687],…]` for a
/// close-only series. The
/// `bars` view expands them with `json_each` in the `sqlite3` shell. Numbers are written so that
/// they read back to the same double: a value with at most nine decimals and fewer than 2^53 in
/// its digits is written as those digits (`15.615`), read back as digits ÷ 10^decimals, the
/// division the writer checked; any other value in Swift's shortest round-trip form.
struct BarBlock {
  /// Values per bar.
  static let width = 7
  /// Position of the volume among a bar's values (written without a fraction when integral, as a
  /// NUMERIC column stores it).
  static let volumeIndex = 5
  /// The value (index into a bar's values) at each JSON position after the day: close first,
  /// so the most common layouts (close only; OHLC and volume; with adjusted close) have no
  /// `null` before their last value.
  static let jsonOrder = [3, 0, 1, 2, 5, 4, 6]
  /// The JSON position (after the day) of the volume.
  static let volumePosition = 4

  /// `year * 100 + month`.
  var month: Int = 0
  /// The bars' dates, ascending.
  var dates: [CivilDate] = []
  /// `width` values per bar, bar after bar.
  var values: [Double] = []

  /// Bars held.
  var count: Int { dates.count }

  /// `year * 100 + month` of a date.
  static func month(of d: CivilDate) -> Int {
    let c = d.components
    return c.year * 100 + c.month
  }

  /// The first day of the month after the one of `d`.
  static func nextMonthStart(after d: CivilDate) -> CivilDate {
    let c = d.components
    let (y, m) = c.month == 12 ? (c.year + 1, 1) : (c.year, c.month + 1)
    return CivilDate(year: y, month: m, day: 1) ?? d.adding(days: 31)
  }

  /// Empties the block, keeping its storage.
  mutating func reset(month: Int) {
    self.month = month
    dates.removeAll(keepingCapacity: true)
    values.removeAll(keepingCapacity: true)
  }

  /// Appends bar `i` of `s` (its value columns in `PriceSeries` order; returns only when
  /// `hasReturns`).
  @inline(__always) mutating func append(_ s: PriceSeries, _ i: Int, hasReturns: Bool) {
    dates.append(s.dates[i])
    values.append(s.open[i])
    values.append(s.high[i])
    values.append(s.low[i])
    values.append(s.close[i])
    values.append(s.adjustedClose[i])
    values.append(s.volume[i])
    values.append(hasReturns ? s.returns[i] : .nan)
  }

  /// Appends bar `i` of `other`.
  @inline(__always) mutating func append(barOf other: BarBlock, _ i: Int) {
    dates.append(other.dates[i])
    let base = i * BarBlock.width
    for k in 0..<BarBlock.width { values.append(other.values[base + k]) }
  }

  /// `true` when bar `i` of `self` and bar `j` of `other` hold the same values (NaN equals NaN).
  func sameValues(_ i: Int, as other: BarBlock, _ j: Int) -> Bool {
    for k in 0..<BarBlock.width {
      let a = values[i * BarBlock.width + k]
      let b = other.values[j * BarBlock.width + k]
      if a != b && !(a.isNaN && b.isNaN) { return false }
    }
    return true
  }

  /// What merging a newer block into a stored one did.
  struct MergeCounts: Equatable {
    /// Bars for dates the stored block did not hold.
    var inserted = 0
    /// Bars for dates it held, now replaced.
    var replaced = 0
    /// Replaced bars whose values differ.
    var changed = 0
  }

  /// The union of `stored` and `newer` by date, `newer`'s bar winning on a shared date, into
  /// `out`, with the counts.
  static func merge(stored: BarBlock, newer: BarBlock, into out: inout BarBlock) -> MergeCounts {
    out.reset(month: newer.month)
    var counts = MergeCounts()
    var i = 0
    var j = 0
    while i < stored.count || j < newer.count {
      if j == newer.count || (i < stored.count && stored.dates[i] < newer.dates[j]) {
        out.append(barOf: stored, i)
        i += 1
      } else if i == stored.count || newer.dates[j] < stored.dates[i] {
        out.append(barOf: newer, j)
        counts.inserted += 1
        j += 1
      } else {
        out.append(barOf: newer, j)
        counts.replaced += 1
        if !newer.sameValues(j, as: stored, i) { counts.changed += 1 }
        i += 1
        j += 1
      }
    }
    return counts
  }
}

// MARK: - JSON text

/// Writes blocks as JSON text into one reusable buffer (a class: it owns that memory).
final class BarBlockEncoder {
  /// The text of the last block encoded: `count` bytes at `start`.
  private(set) var start: UnsafeMutablePointer<UInt8>
  /// Length of the last block's text.
  private(set) var count = 0
  private var capacity: Int
  /// Per value column, the number of decimals the last value was found with (tried first).
  private let hints: UnsafeMutablePointer<Int>
  /// 10^0 … 10^22 as doubles.
  private let tens: UnsafeMutablePointer<Double>
  /// "00", "01", … "99".
  private let pairs: UnsafeMutablePointer<UInt8>
  /// 10^0 … 10^19 as integers (digit counts).
  private let powers: UnsafeMutablePointer<UInt64>

  init() {
    capacity = 8192
    start = .allocate(capacity: capacity)
    hints = .allocate(capacity: BarBlock.width)
    hints.initialize(repeating: 0, count: BarBlock.width)
    tens = .allocate(capacity: 23)
    for k in 0..<23 { tens[k] = BarBlockEncoder.powersOfTen[k] }
    pairs = .allocate(capacity: 200)
    for k in 0..<100 {
      pairs[2 * k] = UInt8(48 + k / 10)
      pairs[2 * k + 1] = UInt8(48 + k % 10)
    }
    powers = .allocate(capacity: 20)
    var power: UInt64 = 1
    for k in 0..<20 {
      powers[k] = power
      power = power &* 10
    }
    bases = .allocate(capacity: BarBlock.width)
    strides = .allocate(capacity: BarBlock.width)
    unknown = .allocate(capacity: 1)
    unknown.initialize(to: .nan)
    let nan = UnsafePointer(unknown)
    for k in 0..<BarBlock.width {
      bases[k] = nan
      strides[k] = 0
    }
  }

  deinit {
    start.deallocate()
    hints.deallocate()
    tens.deallocate()
    pairs.deallocate()
    powers.deallocate()
    bases.deallocate()
    strides.deallocate()
    unknown.deallocate()
  }

  /// The text of the last block.
  var text: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }

  /// Exact powers of ten, 10^0 … 10^22.
  static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22,
  ]
  /// 2^53: digits below it are exact in a double.
  static let exactLimit = 9_007_199_254_740_992.0
  /// Most decimals tried before the shortest round-trip form is used.
  static let maxDecimals = 9
  /// Most bytes one bar takes: brackets, the day, and seven values of at most 32 bytes.
  static let maxBarBytes = 8 + BarBlock.width * 33

  /// Where bar `i`'s value at JSON position `p` (see `BarBlock.jsonOrder`) is:
  /// `bases[p][i * strides[p]]`.
  private let bases: UnsafeMutablePointer<UnsafePointer<Double>>
  private let strides: UnsafeMutablePointer<Int>
  /// One NaN, for a column a series does not have (stride 0).
  private let unknown: UnsafeMutablePointer<Double>

  /// Encodes `block`; its text is then `text`.
  func encode(_ block: BarBlock) {
    block.values.withUnsafeBufferPointer { values in
      guard let v = values.baseAddress else {
        encodeRows(dates: block.dates, 0..<0)
        return
      }
      for p in 0..<BarBlock.width {
        bases[p] = v + BarBlock.jsonOrder[p]
        strides[p] = BarBlock.width
      }
      encodeRows(dates: block.dates, 0..<block.count)
    }
  }

  /// Encodes bars `range` of `s` (ascending dates within one month) as a block, reading the
  /// series' columns in place; the text is then `text`.
  func encode(_ s: PriceSeries, _ range: Range<Int>) {
    let nan = UnsafePointer(unknown)
    s.open.withUnsafeBufferPointer { o in
      s.high.withUnsafeBufferPointer { h in
        s.low.withUnsafeBufferPointer { l in
          s.close.withUnsafeBufferPointer { c in
            s.adjustedClose.withUnsafeBufferPointer { a in
              s.volume.withUnsafeBufferPointer { v in
                s.returns.withUnsafeBufferPointer { r in
                  func use(_ k: Int, _ column: UnsafeBufferPointer<Double>) {
                    if let base = column.baseAddress, column.count == s.count {
                      bases[k] = base
                      strides[k] = 1
                    } else {
                      bases[k] = nan
                      strides[k] = 0
                    }
                  }
                  // In JSON order: close, open, high, low, volume, adjusted close, return.
                  use(0, c)
                  use(1, o)
                  use(2, h)
                  use(3, l)
                  use(4, v)
                  use(5, a)
                  use(6, r)
                  encodeRows(dates: s.dates, range)
                }
              }
            }
          }
        }
      }
    }
  }

  /// Encodes the bars `range` of `dates` with the values at `bases`/`strides`.
  private func encodeRows(dates: [CivilDate], _ range: Range<Int>) {
    let needed = 2 + range.count * BarBlockEncoder.maxBarBytes
    if needed > capacity {
      start.deallocate()
      capacity = needed
      start = .allocate(capacity: capacity)
    }
    var o = start
    o.pointee = UInt8(ascii: "[")
    o += 1
    // The last column with a value anywhere in the range: columns after it are never written,
    // nor looked at bar by bar (a close-only series has one column to look at, not seven).
    var lastColumn = BarBlock.width - 1
    // The last column found empty (unknown columns of a series share one array of NaN: it is
    // looked at once).
    var emptyBase: UnsafePointer<Double>? = nil
    var emptyStride = -1
    columns: while lastColumn >= 0 {
      let base = bases[lastColumn]
      let stride = strides[lastColumn]
      if base != emptyBase || stride != emptyStride {
        // A column the series does not have is one NaN (stride 0): one look settles it.
        if stride == 0 {
          if !base[0].isNaN { break columns }
        } else {
          for i in range where !base[i * stride].isNaN { break columns }
        }
        emptyBase = base
        emptyStride = stride
      }
      lastColumn -= 1
    }
    dates.withUnsafeBufferPointer { dates in
      guard let firstDate = range.isEmpty ? nil : dates[range.lowerBound] else { return }
      let monthStart = firstDate.dayNumber - Int32(firstDate.day - 1)
      for i in range {
        if i > range.lowerBound {
          o.pointee = UInt8(ascii: ",")
          o += 1
        }
        o.pointee = UInt8(ascii: "[")
        let day = Int(dates[i].dayNumber - monthStart) + 1
        if day >= 10 {
          o[1] = pairs[2 * day]
          o[2] = pairs[2 * day + 1]
          o += 3
        } else {
          o[1] = UInt8(48 + day)
          o += 2
        }
        var last = lastColumn
        while last >= 0 && bases[last][i * strides[last]].isNaN { last -= 1 }
        var k = 0
        while k <= last {
          o.pointee = UInt8(ascii: ",")
          o = write(bases[k][i * strides[k]], column: k, to: o + 1)
          k += 1
        }
        o.pointee = UInt8(ascii: "]")
        o += 1
      }
    }
    o.pointee = UInt8(ascii: "]")
    o += 1
    count = o - start
  }

  /// Writes `v` (the value at JSON position `column`) as a JSON number (`null` for NaN) at `o`
  /// and returns the end; integral values other than volumes get `.0`, so that SQLite reads them
  /// as REAL. At most 32 bytes.
  @inline(__always) func write(_ v: Double, column: Int, to o: UnsafeMutablePointer<UInt8>)
    -> UnsafeMutablePointer<UInt8>
  {
    if v.isNaN {
      o[0] = 110
      o[1] = 117
      o[2] = 108
      o[3] = 108
      return o + 4
    }
    let a = abs(v)
    if a < BarBlockEncoder.exactLimit {
      // Any integer near a × 10^k will do: the check m ÷ 10^k == a is exact. The column's last
      // number of decimals first, then 0, 1, 2, …
      let hint = hints[column]
      var k = hint
      var first = true
      while k <= BarBlockEncoder.maxDecimals {
        let p = tens[k]
        let x = a * p
        if x < BarBlockEncoder.exactLimit {
          // Int64, not UInt64: one conversion instruction each way on x86-64.
          let m = Int64(x + 0.5)
          if Double(m) / p == a {
            hints[column] = k
            return writeFixed(
              UInt64(m), decimals: k, negative: v.sign == .minus,
              integralFraction: column != BarBlock.volumePosition,
              to: o)
          }
        } else if !first {
          break
        }
        if first {
          first = false
          k = hint == 0 ? 1 : 0
        } else {
          k += k + 1 == hint ? 2 : 1
        }
      }
    }
    // Swift's shortest round-trip text (digits, '.', 'e', sign: valid JSON), or ±1e999 for
    // infinities (read back as infinities).
    let text = v.isInfinite ? (v < 0 ? "-1e999" : "1e999") : v.description
    var e = o
    for c in text.utf8.prefix(32) {
      e.pointee = c
      e += 1
    }
    return e
  }

  /// Writes `m × 10^-decimals` with its sign at `o`, without trailing zeros in the fraction, and
  /// returns the end. Digits go straight to their place, right to left, two at a time.
  @inline(__always) func writeFixed(
    _ mantissa: UInt64, decimals: Int, negative: Bool, integralFraction: Bool,
    to o: UnsafeMutablePointer<UInt8>
  ) -> UnsafeMutablePointer<UInt8> {
    var m = mantissa
    var fraction = decimals
    // Trailing zeros of the fraction dropped, two at a time.
    while fraction >= 2 && m % 100 == 0 {
      m /= 100
      fraction -= 2
    }
    if fraction > 0 && m % 10 == 0 {
      m /= 10
      fraction -= 1
    }
    var e = o
    if negative {
      e.pointee = UInt8(ascii: "-")
      e += 1
    }
    // Digits of m, and at least one before the point.
    // ⌊bits · log10 2⌋ (1233 / 4096 ≈ log10 2), then one compare: no loop over the digits.
    let guess = ((64 &- m.leadingZeroBitCount) &* 1233) >> 12
    let digits = max(1, guess &+ (m >= powers[guess] ? 1 : 0))
    let intDigits = max(1, digits - fraction)
    let length = fraction > 0 ? intDigits + 1 + fraction : intDigits
    var p = e + length
    var x = m
    let pairs = self.pairs
    /// Writes the lowest `count` digits of `x` right to left, ending before `p`, two at a time.
    @inline(__always) func putDigits(_ count: Int) {
      var left = count
      while left >= 2 {
        let r = Int(x % 100)
        x /= 100
        p -= 2
        p[0] = pairs[2 * r]
        p[1] = pairs[2 * r + 1]
        left -= 2
      }
      if left == 1 {
        p -= 1
        p[0] = UInt8(truncatingIfNeeded: 48 + x % 10)
        x /= 10
      }
    }
    putDigits(fraction)
    if fraction > 0 {
      p -= 1
      p[0] = UInt8(ascii: ".")
    }
    putDigits(intDigits)
    e += length
    if fraction == 0 && integralFraction {
      e[0] = UInt8(ascii: ".")
      e[1] = UInt8(ascii: "0")
      e += 2
    }
    return e
  }
}

/// Reads the JSON text of a block; the error says at which byte what was expected.
struct BarBlockDecoder {
  /// Why a text is not a block.
  struct Failure: Error, Equatable {
    /// Byte offset in the text.
    var offset: Int
    /// What was expected there.
    var expected: String
  }

  /// Reads `text` into `block` (reset to `month` first).
  static func decode(_ text: UnsafeBufferPointer<UInt8>, month: Int, into block: inout BarBlock)
    throws(Failure)
  {
    block.reset(month: month)
    guard let first = CivilDate(year: month / 100, month: month % 100, day: 1) else {
      throw Failure(offset: 0, expected: "a block of a valid month (YYYYMM), not \(month)")
    }
    let monthStart = first.dayNumber
    let daysInMonth = CivilDate.daysIn(year: month / 100, month: month % 100)
    var r = Cursor(text)
    r.skipSpace()
    try r.expect(UInt8(ascii: "["), "'[' opening the list of bars")
    r.skipSpace()
    if r.peek == UInt8(ascii: "]") {
      r.i += 1
    } else {
      while true {
        try r.expect(UInt8(ascii: "["), "'[' opening a bar")
        r.skipSpace()
        let dayAt = r.i
        let dom = try r.dayOfMonth()
        guard dom >= 1 && dom <= daysInMonth else {
          throw Failure(offset: dayAt, expected: "a day of the month from 1 to \(daysInMonth)")
        }
        let d = CivilDate(dayNumber: monthStart + Int32(dom - 1))
        if let last = block.dates.last, d <= last {
          throw Failure(offset: dayAt, expected: "a day after \(last.day) (bars ascending, one per date)")
        }
        block.dates.append(d)
        // Values arrive in JSON order; the block keeps them in `PriceSeries` order.
        let row = block.values.count
        for _ in 0..<BarBlock.width { block.values.append(.nan) }
        var k = 0
        r.skipSpace()
        while r.peek == UInt8(ascii: ",") {
          guard k < BarBlock.width else { throw Failure(offset: r.i, expected: "']' after 7 values") }
          r.i += 1
          r.skipSpace()
          block.values[row + BarBlock.jsonOrder[k]] = try r.number()
          k += 1
          r.skipSpace()
        }
        try r.expect(UInt8(ascii: "]"), "',' and a value, or ']' closing the bar")
        r.skipSpace()
        if r.peek == UInt8(ascii: ",") {
          r.i += 1
          r.skipSpace()
          continue
        }
        try r.expect(UInt8(ascii: "]"), "',' or ']' after a bar")
        break
      }
    }
    r.skipSpace()
    if r.i != text.count { throw Failure(offset: r.i, expected: "the end of the text after the bars") }
  }

  struct Cursor {
    let p: UnsafeBufferPointer<UInt8>
    var i = 0
    init(_ p: UnsafeBufferPointer<UInt8>) { self.p = p }

    var peek: UInt8 { i < p.count ? p[i] : 0 }

    mutating func skipSpace() {
      while i < p.count, p[i] == 32 || p[i] == 9 || p[i] == 10 || p[i] == 13 { i += 1 }
    }

    mutating func expect(_ c: UInt8, _ what: String) throws(Failure) {
      guard peek == c else { throw Failure(offset: i, expected: what) }
      i += 1
    }

    /// The day of the month: one or two digits.
    mutating func dayOfMonth() throws(Failure) -> Int {
      var v = 0
      var n = 0
      while i < p.count, p[i] &- 48 < 10, n < 3 {
        v = v * 10 + Int(p[i] - 48)
        n += 1
        i += 1
      }
      guard n > 0 else { throw Failure(offset: i, expected: "the day of the month") }
      return v
    }

    /// A JSON number or `null` (NaN).
    mutating func number() throws(Failure) -> Double {
      let start = i
      if peek == UInt8(ascii: "n") {
        guard i + 4 <= p.count, p[i + 1] == 117, p[i + 2] == 108, p[i + 3] == 108 else {
          throw Failure(offset: start, expected: "a number or null")
        }
        i += 4
        return .nan
      }
      var negative = false
      if peek == UInt8(ascii: "-") {
        negative = true
        i += 1
      }
      var m: UInt64 = 0
      var digits = 0
      var decimals = 0
      while i < p.count, p[i] &- 48 < 10 {
        if digits < 19 { m = m &* 10 &+ UInt64(p[i] - 48) }
        digits += 1
        i += 1
      }
      if peek == UInt8(ascii: ".") {
        i += 1
        while i < p.count, p[i] &- 48 < 10 {
          if digits < 19 { m = m &* 10 &+ UInt64(p[i] - 48) }
          digits += 1
          decimals += 1
          i += 1
        }
        if decimals == 0 { throw Failure(offset: i, expected: "digits after the decimal point") }
      }
      guard digits > 0 else { throw Failure(offset: start, expected: "a number or null") }
      let c = peek
      if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
        i += 1
        if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
        let e0 = i
        while i < p.count, p[i] &- 48 < 10 { i += 1 }
        if i == e0 { throw Failure(offset: i, expected: "exponent digits") }
        return try slow(start)
      }
      // The writer's form: digits below 2^53, at most 22 decimals: digits ÷ 10^decimals is the
      // correctly rounded value (both exact, one IEEE division).
      if digits <= 19, decimals <= 22, m < 9_007_199_254_740_992 {
        let v = Double(m) / BarBlockEncoder.powersOfTen[decimals]
        return negative ? -v : v
      }
      return try slow(start)
    }

    /// Any other number, with the C library's correctly rounded conversion.
    func slow(_ start: Int) throws(Failure) -> Double {
      var text = [CChar](repeating: 0, count: i - start + 1)
      for k in start..<i { text[k - start] = CChar(bitPattern: p[k]) }
      return text.withUnsafeBufferPointer { b in b.baseAddress.map { strtod($0, nil) } ?? .nan }
    }
  }
}
