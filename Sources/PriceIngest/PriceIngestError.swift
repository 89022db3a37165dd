/// Why a price file could not be ingested at all. Each case names the file and, where there is
/// one, the 1-based line and column (field number, or byte offset for encoding problems) and
/// says what was expected. Problems confined to single rows are not errors: those rows are
/// rejected (see `IngestedFile.rejects`) and the rest is kept.
public enum PriceIngestError: Error, Equatable, CustomStringConvertible {
  /// The file cannot be opened or read.
  case cannotRead(file: String, reason: String)
  /// The file holds no bytes (or only blank lines).
  case empty(file: String)
  /// The file holds NUL or other control bytes: it is no text file.
  case binary(file: String, line: Int, column: Int)
  /// The file is text in an encoding other than UTF-8 (e.g. UTF-16).
  case unsupportedEncoding(file: String, encoding: String)
  /// The first line is longer than the loader's line limit (no table fits in such a line).
  case lineTooLong(file: String, line: Int, bytes: Int)
  /// A quoted field opens and never closes; the rest of the file cannot be read.
  case unterminatedQuote(file: String, line: Int, column: Int)
  /// No table shape was found (no delimiter that splits the lines consistently).
  case noTable(file: String, detail: String)
  /// No column holds dates.
  case noDateColumn(file: String, line: Int, header: [String])
  /// An override names a column the header does not have.
  case unknownColumn(file: String, line: Int, role: String, name: String, header: [String])
  /// An option value cannot be understood.
  case badOption(file: String, option: String, value: String, expected: String)
  /// Every data row was rejected: nothing usable.
  case noUsableRows(file: String, rowsRead: Int, firstReject: String)

  /// A one-line message naming file:line:column and what was expected.
  public var description: String {
    switch self {
    case .cannotRead(let f, let r): return "\(f): cannot read the file: \(r)"
    case .empty(let f): return "\(f):1:1: the file is empty (expected a header and rows of prices)"
    case .binary(let f, let l, let c):
      return "\(f):\(l):\(c): binary data (a NUL or control byte); expected a CSV text file"
    case .unsupportedEncoding(let f, let e):
      return "\(f):1:1: the file is \(e); expected UTF-8 text (re-save it as UTF-8 CSV)"
    case .lineTooLong(let f, let l, let b):
      return "\(f):\(l):1: line is longer than \(b) bytes; expected a table with one row per line"
    case .unterminatedQuote(let f, let l, let c):
      return "\(f):\(l):\(c): quoted field is never closed (expected a closing \" before the end of the file)"
    case .noTable(let f, let d): return "\(f):1:1: no table found: \(d)"
    case .noDateColumn(let f, let l, let h):
      return
        "\(f):\(l):1: no date column among [\(h.joined(separator: ", "))] (expected a header such as Date, Datum, 日期 or values like 2024-03-01; use --column date=NAME)"
    case .unknownColumn(let f, let l, let r, let n, let h):
      return "\(f):\(l):1: --column \(r)=\(n): no such column (the header has \(h.joined(separator: ", ")))"
    case .badOption(let f, let o, let v, let e):
      return "\(f): option \(o) \"\(v)\" not understood (expected \(e))"
    case .noUsableRows(let f, let n, let r):
      return "\(f): none of the \(n) data rows could be used; first problem: \(r)"
    }
  }
}
