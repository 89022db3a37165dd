import MarketData

/// A table written as RFC 4180 CSV: UTF-8, a header row, CRLF line ends, fields quoted only when
/// needed, and spreadsheet formula injection neutralised.
public struct CSVTable: Sendable, Equatable {
  /// Column names, in their documented order.
  public var header: [String]
  /// Data rows; each has `header.count` cells.
  public var rows: [[String]]

  /// Creates a table with a header and no rows.
  public init(header: [String], rows: [[String]] = []) {
    self.header = header
    self.rows = rows
  }

  /// Appends one row of already formatted cells.
  public mutating func append(_ row: [String]) { rows.append(row) }

  /// The CSV text.
  public func render() -> String {
    var out = ""
    out.reserveCapacity(64 * (rows.count + 1))
    func line(_ cells: [String]) {
      for (i, c) in cells.enumerated() {
        if i > 0 { out.append(",") }
        out.append(CSVTable.escape(CSVTable.neutralise(c)))
      }
      out.append("\r\n")
    }
    line(header)
    for r in rows { line(r) }
    return out
  }

  /// Quotes a cell holding a comma, quote, CR or LF, doubling inner quotes (RFC 4180).
  public static func escape(_ cell: String) -> String { CSVText.escape(cell) }

  /// Prefixes a `'` to cells a spreadsheet would execute as a formula: text starting with `=`, `+`,
  /// `-`, `@`, tab or CR that is not a number.
  public static func neutralise(_ cell: String) -> String {
    guard let first = cell.unicodeScalars.first else { return cell }
    switch first {
    case "=", "+", "-", "@", "\t", "\r":
      if Double(cell) != nil { return cell }
      return "'" + cell
    default:
      return cell
    }
  }

  /// Formats a number with full precision (shortest representation that round-trips); empty for NaN.
  public static func number(_ x: Double) -> String {
    if x.isNaN { return "" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
  }

  /// Formats an optional number; empty when `nil` or NaN.
  public static func number(_ x: Double?) -> String { x.map { number($0) } ?? "" }

  /// Formats an optional integer; empty when `nil`.
  public static func integer(_ x: Int?) -> String { x.map(String.init) ?? "" }
}
