import MarketData

/// Overrides for everything the loader would otherwise sniff. `nil` (or empty) means "detect".
public struct IngestOptions: Sendable {
  /// The ticker for a single-security file (default: from a ticker column, else the file name).
  public var ticker: String?
  /// The exchange of the file's securities (default: from the ticker suffix, else XNYS).
  public var exchange: Exchange?
  /// The date pattern, e.g. `YYYY-MM-DD`, `MM/DD/YYYY`, `DD.MM.YYYY`, `YYYYMMDD`, `Mon D, YYYY`.
  public var dateFormat: String?
  /// The field delimiter byte (`,`, `;`, tab, `|`).
  public var delimiter: UInt8?
  /// `true` when numbers use a decimal comma (`87,669`), `false` for a decimal point.
  public var decimalComma: Bool?
  /// Column roles by header name: role → header. Roles: `date`, `ticker`, `open`, `high`, `low`,
  /// `close`, `adj_close`, `volume`, `return`, `name`.
  public var columns: [String: String]
  /// `true` when the values are returns rather than prices.
  public var returns: Bool?
  /// Absolute daily return above which a jump is flagged as a possible split (0.75 = 75%).
  public var jumpThreshold: Double
  /// Threads that parse one file: 0 picks one per core (one less when the file is streamed, as
  /// settling its fragments takes a core), 1 reads sequentially. A file larger than
  /// a few chunks is cut at line ends into chunks of `chunkBytes` that are parsed side by side
  /// and taken over in file order, with exactly the outcome of a sequential read.
  public var threads: Int
  /// Bytes per chunk when a file is parsed on several threads.
  public var chunkBytes: Int
  /// Whether slices without a quote byte are tokenized by hand rather than by libcsv (same
  /// records either way; tests turn it off to compare the two).
  var handTokenizer = true

  /// Options that detect everything.
  public init() {
    ticker = nil
    exchange = nil
    dateFormat = nil
    delimiter = nil
    decimalComma = nil
    columns = [:]
    returns = nil
    jumpThreshold = 0.75
    threads = 0
    chunkBytes = 4 << 20
  }
}
