/// A small RFC 4180 reader and writer for the project's own small tables (events, ticker aliases,
/// factor files). Price files go through `PriceIngest`'s libcsv-based loader instead.
public enum CSVText {
  /// One parsed record with the 1-based line it starts on.
  public struct Record: Sendable, Equatable {
    /// 1-based line number where the record starts.
    public var line: Int
    /// The fields, unquoted.
    public var fields: [String]
  }

  /// Splits `text` into records. Quoted fields may hold delimiters, doubled quotes and newlines;
  /// a byte-order mark is skipped; CRLF and LF both end records; blank lines are skipped.
  /// Throws `MarketDataError.unterminatedQuote` naming the line where the quote opened.
  public static func parse(_ text: String, delimiter: Character = ",", file: String = "") throws -> [Record] {
    var records: [Record] = []
    var fields: [String] = []
    var field = ""
    var inQuotes = false
    var quoteLine = 0
    var line = 1
    var recordLine = 1
    var sawAny = false
    var chars = text.makeIterator()
    var pending: Character? = nil
    if text.first == "\u{FEFF}" { _ = chars.next() }
    func endRecord() {
      if sawAny || !field.isEmpty || !fields.isEmpty {
        fields.append(field)
        records.append(Record(line: recordLine, fields: fields))
      }
      fields = []
      field = ""
      sawAny = false
    }
    while let c = pending ?? chars.next() {
      pending = nil
      if inQuotes {
        if c == "\"" {
          if let n = chars.next() {
            if n == "\"" { field.append("\"") } else { inQuotes = false; pending = n }
          } else {
            inQuotes = false
          }
        } else {
          if c == "\n" || c == "\r\n" { line += 1 }
          field.append(c)
        }
        continue
      }
      switch c {
      case "\"" where field.isEmpty:
        inQuotes = true
        quoteLine = line
        sawAny = true
      case delimiter:
        fields.append(field)
        field = ""
        sawAny = true
      case "\n", "\r\n", "\r":
        endRecord()
        line += 1
        recordLine = line
      default:
        if !sawAny && field.isEmpty { recordLine = line }
        field.append(c)
      }
    }
    if inQuotes { throw MarketDataError.unterminatedQuote(file: file, line: quoteLine) }
    endRecord()
    return records
  }

  /// Quotes a field when it holds the delimiter, a quote, CR or LF (RFC 4180).
  public static func escape(_ field: String, delimiter: Character = ",") -> String {
    if field.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
      return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return field
  }
}

extension String {
  fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
  }
}

/// Errors of the shared vocabulary's readers, each naming the file and line.
public enum MarketDataError: Error, Equatable, CustomStringConvertible {
  /// A quoted field was never closed.
  case unterminatedQuote(file: String, line: Int)
  /// A required column is absent from the header.
  case missingColumn(file: String, column: String, expected: String)
  /// A value could not be read.
  case invalidValue(file: String, line: Int, column: String, value: String, expected: String)
  /// The file holds no records.
  case empty(file: String)

  /// A one-line message naming the file, line and what was expected.
  public var description: String {
    switch self {
    case .unterminatedQuote(let f, let l):
      return "\(f):\(l): quoted field is never closed (expected a closing \")"
    case .missingColumn(let f, let c, let e): return "\(f):1: no \(c) column in the header (expected \(e))"
    case .invalidValue(let f, let l, let c, let v, let e):
      return "\(f):\(l): column \(c): cannot read \"\(v)\" (expected \(e))"
    case .empty(let f): return "\(f): file is empty"
    }
  }
}
