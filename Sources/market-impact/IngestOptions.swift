import ArgumentParser
import Pipeline

/// How price CSVs are read: overrides of what `ingest` detects, shared by `ingest` and `run`.
/// `ingest` adds `--ticker` (one ticker for every row) and `--returns`/`--no-returns`; `run`, whose
/// `--returns` is the study's return kind, calls that one `--input-returns`/`--no-input-returns`.
struct IngestOptions: ParsableArguments {
  @Option(help: "Exchange MIC or name (XNYS, XSHG, XASX, XHKG, XLON, XTKS, …).")
  var exchange: String?

  @Option(
    name: .customLong("date-format"),
    help: "Date format, e.g. YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY, YYYYMMDD, \"Mon D, YYYY\".")
  var dateFormat: String?

  @Option(help: "Field delimiter: one character, or tab, comma, semicolon, pipe.")
  var delimiter: String?

  @Option(help: "Decimal mark: . or ,")
  var decimal: String?

  @Option(
    help:
      "Column role override role=header (roles: date, ticker, open, high, low, close, adj_close, volume, return); repeatable."
  )
  var column: [String] = []

  @Option(
    help:
      "Threads that parse one file: 0 = one less than the cores (settling takes one), 1 = sequential (same result either way)."
  )
  var threads = 0

  /// The ingest settings these options give (no ticker or returns override).
  var settings: IngestSettings {
    var s = IngestSettings()
    s.exchange = exchange
    s.dateFormat = dateFormat
    s.delimiter = delimiter
    s.decimal = decimal
    s.columns = column
    s.threads = threads
    return s
  }
}
