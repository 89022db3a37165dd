/// An input row that was not stored, with where it was and why.
public struct RejectedRow: Sendable, Equatable {
  /// The file the row came from.
  public var file: String
  /// 1-based line number.
  public var line: Int
  /// 1-based column (field) number the problem is in, when it is one field.
  public var column: Int?
  /// The raw text of the row (truncated to a readable length).
  public var raw: String
  /// What was wrong and what was expected.
  public var reason: String

  /// Creates a rejected row.
  public init(file: String, line: Int, column: Int? = nil, raw: String, reason: String) {
    self.file = file
    self.line = line
    self.column = column
    self.raw = raw
    self.reason = reason
  }

  /// `file:line:column: reason`.
  public var message: String {
    "\(file):\(line)\(column.map { ":\($0)" } ?? ""): \(reason)"
  }
}

/// A data-quality observation about stored rows (duplicates, gaps, suspicious jumps, …).
public struct QualityFinding: Sendable, Equatable {
  /// A short machine-readable kind, e.g. `duplicate_date`, `conflicting_duplicate`, `unsorted`,
  /// `newest_first`, `non_positive_price`, `calendar_gap`, `possible_split`.
  public var kind: String
  /// The ticker concerned.
  public var ticker: String
  /// The date concerned, when one.
  public var date: CivilDate?
  /// The input line concerned, when one.
  public var line: Int?
  /// A human-readable explanation.
  public var detail: String

  /// Creates a finding.
  public init(kind: String, ticker: String, date: CivilDate? = nil, line: Int? = nil, detail: String) {
    self.kind = kind
    self.ticker = ticker
    self.date = date
    self.line = line
    self.detail = detail
  }
}

/// Everything the loader made of one price file: what it understood, what it produced, what it
/// refused. The store keeps all of it (series, ingest log, rejects).
public struct IngestedFile: Sendable {
  /// The path as given.
  public var path: String
  /// SHA-256 of the file's bytes, lowercase hex.
  public var sha256: String
  /// File size in bytes.
  public var byteCount: Int
  /// A one-line description of the detected dialect (delimiter, header, date format, layout…).
  public var dialect: String
  /// Data rows read (header and preamble lines excluded).
  public var rowsRead: Int
  /// The series found, one per security.
  public var series: [PriceSeries]
  /// Rows not stored, with reasons.
  public var rejects: [RejectedRow]
  /// Data-quality findings.
  public var findings: [QualityFinding]
  /// What the reader had to assume about the file's layout, for the user to check (e.g. a header
  /// naming more columns than the rows hold); also part of `dialect`.
  public var notes: [String] = []

  /// Creates an ingested file.
  public init(
    path: String, sha256: String, byteCount: Int, dialect: String, rowsRead: Int, series: [PriceSeries],
    rejects: [RejectedRow], findings: [QualityFinding]
  ) {
    self.path = path
    self.sha256 = sha256
    self.byteCount = byteCount
    self.dialect = dialect
    self.rowsRead = rowsRead
    self.series = series
    self.rejects = rejects
    self.findings = findings
  }

  /// Rows stored across all series.
  public var rowsStored: Int { series.reduce(0) { $0 + $1.count } }
}
