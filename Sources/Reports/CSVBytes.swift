import MarketData

/// CSV written straight into UTF-8 bytes: the same text as `CSVTable.render()` (RFC 4180, CRLF line
/// ends, fields quoted only when needed, formula cells neutralised, numbers as `CSVTable.number`),
/// without building a `String` per cell. Large tables are written through this.
public struct CSVBytes: Sendable, TextOutputStream {
  /// The bytes written so far.
  public private(set) var bytes: [UInt8] = []
  /// Rows ended so far (the header included when it was written through `row`/`endRow`).
  public private(set) var rows = 0
  private var atRowStart = true

  /// An empty buffer with room for `capacity` bytes.
  public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

  /// Starts a new cell: a comma unless the row has just begun.
  @inline(__always) mutating func separate() {
    if atRowStart { atRowStart = false } else { bytes.append(UInt8(ascii: ",")) }
  }

  /// Ends the current row with CRLF.
  public mutating func endRow() {
    bytes.append(13)
    bytes.append(10)
    rows += 1
    atRowStart = true
  }

  /// Writes a whole row of text cells.
  public mutating func row(_ cells: [String]) {
    for c in cells { text(c) }
    endRow()
  }

  /// A text cell, neutralised and quoted as `CSVTable.escape(CSVTable.neutralise(cell))` does.
  public mutating func text(_ cell: String) {
    separate()
    CSVBytes.appendText(cell, to: &bytes)
  }

  /// A cell whose bytes were prepared by `CSVBytes.encoded(_:)` (already neutralised and quoted).
  public mutating func raw(_ cell: [UInt8]) {
    separate()
    bytes.append(contentsOf: cell)
  }

  /// A number cell: `CSVTable.number(x)` (empty for NaN, integers without a decimal point,
  /// otherwise Swift's shortest round-trip form).
  public mutating func number(_ x: Double) {
    separate()
    if x.isNaN { return }
    if x.isInfinite {
      bytes.append(contentsOf: x > 0 ? CSVBytes.inf : CSVBytes.minusInf)
      return
    }
    if x == x.rounded(), abs(x) < 1e15 {
      appendInteger(Int64(x))
      return
    }
    // `Double.write(to:)` hands its shortest round-trip digits (the very bytes of `description`)
    // to `_writeASCII` below: no String is made.
    x.write(to: &self)
  }

  /// An integer cell.
  public mutating func integer(_ x: Int) {
    separate()
    appendInteger(Int64(x))
  }

  /// A date cell, `YYYY-MM-DD` (as `CivilDate.iso`).
  public mutating func date(_ d: CivilDate) {
    separate()
    let (y, m, day) = d.components
    guard (0...9999).contains(y) else {
      bytes.append(contentsOf: d.iso.utf8)
      return
    }
    bytes.append(UInt8(48 + y / 1000))
    bytes.append(UInt8(48 + (y / 100) % 10))
    bytes.append(UInt8(48 + (y / 10) % 10))
    bytes.append(UInt8(48 + y % 10))
    bytes.append(45)
    bytes.append(UInt8(48 + m / 10))
    bytes.append(UInt8(48 + m % 10))
    bytes.append(45)
    bytes.append(UInt8(48 + day / 10))
    bytes.append(UInt8(48 + day % 10))
  }

  /// An empty cell.
  public mutating func empty() { separate() }

  /// Appends text as is (`TextOutputStream`); not a cell.
  public mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }

  /// Appends ASCII bytes as is (`TextOutputStream`'s fast path for numbers); not a cell.
  public mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }

  private mutating func appendInteger(_ value: Int64) {
    if value >= 0 && value < 10 {
      bytes.append(UInt8(48 + value))
      return
    }
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buf in
      var i = 24
      var v = value.magnitude
      repeat {
        i -= 1
        buf[i] = UInt8(48 + v % 10)
        v /= 10
      } while v > 0
      if value < 0 {
        i -= 1
        buf[i] = 45
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<24]))
    }
  }

  private static let inf: [UInt8] = Array("inf".utf8)
  private static let minusInf: [UInt8] = Array("-inf".utf8)

  /// The bytes of a text cell, neutralised and quoted: for cells repeated on many rows.
  public static func encoded(_ cell: String) -> [UInt8] {
    var out: [UInt8] = []
    appendText(cell, to: &out)
    return out
  }

  /// Appends `cell` neutralised and quoted. Cells that need neither (the usual case: no leading
  /// `=`, `+`, `-`, `@`, tab or CR, no comma, quote, CR or LF) are copied byte for byte; the others
  /// go through `CSVTable`'s own functions, so the text is the same as `CSVTable.render()`'s.
  static func appendText(_ cell: String, to out: inout [UInt8]) {
    var plain = true
    var s = cell
    s.withUTF8 { u in
      if let first = u.first {
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13:
          plain = false
          return
        default: break
        }
      }
      for b in u where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 10 || b == 13 {
        plain = false
        return
      }
      out.append(contentsOf: u)
    }
    if !plain { out.append(contentsOf: CSVTable.escape(CSVTable.neutralise(cell)).utf8) }
  }
}

extension CSVTable {
  /// The CSV bytes, equal to `Array(render().utf8)`.
  public func renderBytes() -> [UInt8] {
    var w = CSVBytes(capacity: 64 * (rows.count + 1))
    w.row(header)
    for r in rows { w.row(r) }
    return w.bytes
  }
}
