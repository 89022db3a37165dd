import MarketData

/// Daily factor returns in DECIMAL units (0.0123 = 1.23%), one column per factor, by date.
///
/// Column names are canonical upper case: `MKT-RF`, `SMB`, `HML`, `RMW`, `CMA`, `MOM` (also read
/// as `UMD`, `WML`, `Mom`) and `RF`.
public struct FactorTable: Sendable, Equatable {
  /// Dates, strictly increasing.
  public private(set) var dates: [CivilDate]
  /// Canonical column names.
  public private(set) var names: [String]
  /// Values per column (same order as `names`), each as long as `dates`; NaN when missing.
  public private(set) var columns: [[Double]]

  /// Creates a table; rows are sorted by date, and each column must be as long as `dates`.
  public init(dates: [CivilDate], names: [String], columns: [[Double]]) {
    let order = dates.indices.sorted { dates[$0] < dates[$1] }
    self.dates = order.map { dates[$0] }
    self.names = names.map(FactorTable.canonicalName)
    self.columns = columns.map { c in order.map { $0 < c.count ? c[$0] : .nan } }
  }

  /// The canonical form of a factor name (`Mkt-RF` → `MKT-RF`, `UMD` → `MOM`).
  public static func canonicalName(_ raw: String) -> String {
    let n = raw.trimmingSpaces().uppercased()
    switch n {
    case "MKT_RF", "MKTRF", "MKT-RF", "MKT - RF", "MKT": return "MKT-RF"
    case "UMD", "WML", "MOM", "MOMENTUM": return "MOM"
    default: return n
    }
  }

  /// The values of a column (by any accepted name), or `nil`.
  public func column(_ name: String) -> [Double]? {
    names.firstIndex(of: FactorTable.canonicalName(name)).map { columns[$0] }
  }

  /// The value of a factor on a date, or `nil`.
  public func value(_ name: String, on date: CivilDate) -> Double? {
    guard let c = column(name), let i = TradingCalendar.binarySearchDate(dates, date) else { return nil }
    return c[i].isNaN ? nil : c[i]
  }

  /// The columns of both tables on the dates both have (e.g. FF3 + momentum for Carhart). On a
  /// name clash the receiver's column wins.
  public func merging(_ other: FactorTable) -> FactorTable {
    var ia = 0
    var ib = 0
    var keepA: [Int] = []
    var keepB: [Int] = []
    while ia < dates.count && ib < other.dates.count {
      if dates[ia] == other.dates[ib] {
        keepA.append(ia)
        keepB.append(ib)
        ia += 1
        ib += 1
      } else if dates[ia] < other.dates[ib] {
        ia += 1
      } else {
        ib += 1
      }
    }
    var outNames = names
    var outColumns = columns.map { c in keepA.map { c[$0] } }
    for (n, c) in zip(other.names, other.columns) where !outNames.contains(n) {
      outNames.append(n)
      outColumns.append(keepB.map { c[$0] })
    }
    return FactorTable(dates: keepA.map { dates[$0] }, names: outNames, columns: outColumns)
  }

  /// Reads a daily factor file as Ken French ships it: a text preamble, a header line whose first
  /// field is empty (or a date label such as `caldt`), rows `YYYYMMDD, v1, v2, …` in PERCENT,
  /// a blank line and a copyright footer; CRLF or LF line ends. Only the first block of daily rows
  /// is read (later blocks, such as annual tables, are ignored). Values are divided by 100; the
  /// missing-value markers −99.99 and −999 become NaN.
  public static func parseKenFrench(_ text: String, file: String) throws(EventStudyError) -> FactorTable {
    var header: [String]? = nil
    var headerCandidate: [String]? = nil
    var dates: [CivilDate] = []
    var columns: [[Double]] = []
    var lineNumber = 0
    var inData = false
    for rawLine in text.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    {
      lineNumber += 1
      let line = rawLine.trimmingSpaces()
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
      let isDataRow = fields.count >= 2 && fields[0].count == 8 && fields[0].allSatisfy(\.isASCIIDigitLike)
      if !isDataRow {
        if inData { break }  // end of the first daily block
        if !line.isEmpty && fields.count >= 2 { headerCandidate = fields }
        continue
      }
      if !inData {
        guard let h = headerCandidate else {
          throw .factorFile(
            file: file, line: lineNumber, message: "data row before any header line (expected ,Mkt-RF,SMB,…)")
        }
        header = h
        columns = Array(repeating: [], count: h.count - 1)
        inData = true
      }
      guard let date = CivilDate(iso: fields[0]) else {
        throw .factorFile(
          file: file, line: lineNumber, message: "\"\(fields[0])\" is not a date (expected YYYYMMDD)")
      }
      guard fields.count == columns.count + 1 else {
        throw .factorFile(
          file: file, line: lineNumber,
          message: "\(fields.count - 1) values, expected \(columns.count) (one per header column)")
      }
      dates.append(date)
      for j in 0..<columns.count {
        let f = fields[j + 1]
        guard let v = Double(f) else {
          throw .factorFile(
            file: file, line: lineNumber, message: "\"\(f)\" is not a number (expected percent, e.g. 0.45)")
        }
        columns[j].append(v == -99.99 || v == -999 ? .nan : v / 100)
      }
    }
    guard let header, !dates.isEmpty else {
      throw .factorFile(
        file: file, line: lineNumber, message: "no daily rows found (expected lines YYYYMMDD,value,…)")
    }
    for i in 1..<dates.count where !(dates[i - 1] < dates[i]) {
      throw .factorFile(file: file, line: 0, message: "dates not strictly increasing at \(dates[i].iso)")
    }
    return FactorTable(dates: dates, names: Array(header.dropFirst()), columns: columns)
  }
}

extension Character {
  var isASCIIDigitLike: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}

extension TradingCalendar {
  static func binarySearchDate(_ a: [CivilDate], _ x: CivilDate) -> Int? {
    var lo = 0
    var hi = a.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if a[mid] < x { lo = mid + 1 } else { hi = mid }
    }
    return lo < a.count && a[lo] == x ? lo : nil
  }
}
