import Foundation
import MarketData
import PriceIngest
import PriceStore

/// The ingest options exactly as the user typed them; `options()` checks and converts them.
public struct IngestSettings: Sendable, Equatable {
  /// Ticker for every row (overrides the column or file name).
  public var ticker: String?
  /// Exchange MIC or name.
  public var exchange: String?
  /// Date format, e.g. `YYYY-MM-DD`, `MM/DD/YYYY`, `DD.MM.YYYY`, `YYYYMMDD`.
  public var dateFormat: String?
  /// Field delimiter: one character, or `tab`, `comma`, `semicolon`, `pipe`.
  public var delimiter: String?
  /// Decimal mark: `.` or `,`.
  public var decimal: String?
  /// Column roles, `role=header` each (`close=Schluss`).
  public var columns: [String] = []
  /// `true`: the values are returns; `false`: they are prices; `nil`: decided from the file
  /// (a `RET`/`Return` header or values that look like returns).
  public var returns: Bool? = nil
  /// Threads that parse one file (0: one less than the cores, as settling the streamed fragments
  /// takes one; 1: sequential). Does not change the outcome.
  public var threads: Int = 0

  /// Nothing overridden.
  public init() {}

  /// The loader's options, or an error naming the bad flag.
  public func options() throws(PipelineError) -> IngestOptions {
    var o = IngestOptions()
    o.ticker = ticker
    if let exchange {
      guard let e = Exchange.named(exchange) else {
        throw .invalidArgument(
          "--exchange \"\(exchange)\" is not a known exchange (expected a MIC such as XNYS, XSHG, XASX)")
      }
      o.exchange = e
    }
    o.dateFormat = dateFormat
    if let delimiter {
      let named: [String: UInt8] = [
        "tab": 9, "\\t": 9, "comma": 44, "semicolon": 59, "pipe": 124, "space": 32,
      ]
      if let b = named[delimiter.lowercased()] {
        o.delimiter = b
      } else if delimiter.utf8.count == 1, let b = delimiter.utf8.first {
        o.delimiter = b
      } else {
        throw .invalidArgument(
          "--delimiter \"\(delimiter)\" is not one character (expected e.g. , ; | or tab)")
      }
    }
    if let decimal {
      switch decimal {
      case ".", "point", "dot": o.decimalComma = false
      case ",", "comma": o.decimalComma = true
      default: throw .invalidArgument("--decimal \"\(decimal)\" is not a decimal mark (expected . or ,)")
      }
    }
    for c in columns {
      guard let eq = c.firstIndex(of: "=") else {
        throw .invalidArgument("--column \"\(c)\" is not role=header (e.g. close=Schluss)")
      }
      let role = c[..<eq].trimmingSpaces().lowercased()
      let roles = ["date", "ticker", "open", "high", "low", "close", "adj_close", "volume", "return"]
      guard roles.contains(role) else {
        throw .invalidArgument(
          "--column \"\(c)\": unknown role \"\(role)\" (expected one of \(roles.joined(separator: ", ")))")
      }
      o.columns[role] = c[c.index(after: eq)...].trimmingSpaces()
    }
    o.returns = returns
    guard threads >= 0 else {
      throw .invalidArgument("--threads \(threads) is negative (expected 0 for one per core, or a count)")
    }
    o.threads = threads
    return o
  }
}

/// What ingesting one file did.
public struct IngestFileReport: Sendable {
  /// The file as loaded (dialect, counts, rejects, findings).
  public var file: IngestedFile
  /// What the store did with it (`nil` on a dry run).
  public var outcome: StoreOutcome?
  /// On a dry run, each security's rows and date range (the file was streamed, not kept).
  public var summaries: [SeriesSummary]? = nil
}

/// Runs the ingest stage: price CSV files → the SQLite store.
public enum IngestStage {
  /// File extensions taken from directories (a file named explicitly is always read).
  public static let extensions: Set<String> = ["csv", "txt", "tsv", "prn", "dat"]

  /// Loads every file under `paths` and stores it in the store at `database` (unless `dryRun`).
  /// A file that yields nothing usable is reported through `onError` and skipped; the stage throws
  /// only when no file at all could be used.
  public static func run(
    paths: [String], database: String, settings: IngestSettings, dryRun: Bool,
    onFile: (IngestFileReport) -> Void, onError: (String) -> Void
  ) throws(PipelineError) -> [IngestFileReport] {
    let files = try Inputs.files(paths, extensions: extensions)
    guard !files.isEmpty else {
      throw .invalidArgument("no price files found in \(paths.joined(separator: ", "))")
    }
    let options = try settings.options()
    if !dryRun { MallocArenas.cap() }
    let ingestor = PriceIngestor(options: options)
    let store: PriceStore?
    if dryRun {
      store = nil
    } else {
      let parent = (database as NSString).deletingLastPathComponent
      if !parent.isEmpty && !Inputs.exists(parent) { try Inputs.makeDirectory(parent) }
      do { store = try PriceStore(path: database) } catch { throw .stage(error.description) }
    }
    var reports: [IngestFileReport] = []
    for path in files {
      var loadedFile: IngestedFile? = nil
      var outcome: StoreOutcome? = nil
      var summaries: [SeriesSummary]? = nil
      if let store {
        do {
          outcome = try store.storeStreaming { append in
            let f = try ingestor.ingest(path: path, flushRows: PriceIngestor.streamingFlushRows, sink: append)
            loadedFile = f
            return f
          }
        } catch {
          onError(error.description)
          continue
        }
      } else {
        do { (loadedFile, summaries) = try ingestor.survey(path: path) } catch {
          onError(error.description)
          continue
        }
      }
      guard let loaded = loadedFile else { continue }
      let report = IngestFileReport(file: loaded, outcome: outcome, summaries: summaries)
      onFile(report)
      reports.append(report)
    }
    if reports.isEmpty { throw .stage("nothing usable was found in \(files.count) file(s)") }
    return reports
  }

  /// Opens an existing store for reading (studies, listings, exports).
  public static func openStore(_ database: String) throws(PipelineError) -> PriceStore {
    guard Inputs.exists(database) else {
      throw .unreadable(path: database, reason: "no such price store (run `market-impact ingest` first)")
    }
    do { return try PriceStore(path: database, readOnly: true) } catch { throw .stage(error.description) }
  }
}
