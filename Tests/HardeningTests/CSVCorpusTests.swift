import Foundation
import MarketData
import PriceIngest
import Testing

/// What one corpus file must yield.
enum Expected: Sendable {
  /// Loaded: `stored` rows kept in `securities` series, `rejected` rows refused, each reason in
  /// `reasons` found among the rejects' reasons and each kind in `findings` among the findings.
  case stored(
    _ stored: Int, rejected: Int, securities: Int, reasons: [String] = [], findings: [String] = [])
  /// Refused as a whole with an error whose message contains the text (and names the file).
  case error(String)
}

/// The bad-input corpus for price CSVs: every trap of docs/price-csv-formats.md and hostile
/// files, each with its expected outcome.
@Suite struct CSVCorpusTests {
  static let expected: [String: Expected] = [
    // Traps from the formats document.
    "yahoo_null_rows.csv": .stored(
      3, rejected: 1, securities: 1, reasons: ["null row"], findings: ["null_row"]),
    "yfinance_offsets.csv": .stored(3, rejected: 0, securities: 1),
    "yahoo_webtable.csv": .stored(
      3, rejected: 1, securities: 1, reasons: ["expected 8 fields, found 1"], findings: ["newest_first"]),
    "nasdaq_newest_first.csv": .stored(3, rejected: 0, securities: 1, findings: ["newest_first"]),
    "investing_bom_kmb.csv": .stored(3, rejected: 0, securities: 1, findings: ["newest_first"]),
    "alphavantage_newest_first.csv": .stored(3, rejected: 0, securities: 1, findings: ["newest_first"]),
    "fred_blank_holidays.csv": .stored(3, rejected: 2, securities: 1, reasons: ["no value for DGS10"]),
    "long_panel.csv": .stored(5, rejected: 0, securities: 2),
    "crsp_ret_codes.csv": .stored(
      3, rejected: 3, securities: 2, reasons: ["CRSP return code C", "CRSP return code B", "-99"]),
    "exchange_dump_headerless.csv": .stored(3, rejected: 0, securities: 3),
    "european_semicolon_bom.csv": .stored(3, rejected: 0, securities: 1),
    "chinese_preamble.csv": .stored(2, rejected: 0, securities: 1),
    "famafrench_crlf.csv": .stored(
      12, rejected: 4, securities: 4, reasons: ["note, footer or truncated row"]),
    // Hostile files.
    "empty.csv": .error("the file is empty"),
    "bom_only.csv": .error("the file is empty"),
    "blank_lines_only.csv": .error("the file is empty"),
    "header_only.csv": .error("no date column"),
    "crlf_yahoo.csv": .stored(3, rejected: 0, securities: 1),
    "cr_only_classic_mac.csv": .stored(3, rejected: 0, securities: 1),
    "unterminated_quote_first_row.csv": .error(":2:1: quoted field is never closed"),
    "unterminated_quote_late.csv": .stored(2, rejected: 1, securities: 1, reasons: ["never closed"]),
    "ragged_rows.csv": .stored(
      2, rejected: 2, securities: 1, reasons: ["expected 5 fields, found 3", "expected 5 fields, found 7"]),
    "nul_bytes.csv": .error(":3:12: binary data"),
    "control_bytes.csv": .error("binary data"),
    "utf16le_bom.csv": .stored(1, rejected: 0, securities: 1),
    "utf16le_no_bom.csv": .stored(2, rejected: 0, securities: 1),
    "invalid_utf8_tickers.csv": .stored(
      2, rejected: 2, securities: 1, reasons: ["not valid UTF-8"], findings: ["invalid_utf8"]),
    "invalid_utf8_header.csv": .stored(2, rejected: 0, securities: 1),
    "formula_injection_tickers.csv": .stored(4, rejected: 0, securities: 4),
    "formula_injection_values.csv": .stored(1, rejected: 2, securities: 1, reasons: ["cannot read \"=1+1\""]),
    "sql_meta_tickers.csv": .stored(4, rejected: 0, securities: 3),
    "o'brien; DROP TABLE bars;--.csv": .stored(2, rejected: 0, securities: 1),
    "duplicate_dates.csv": .stored(
      3, rejected: 2, securities: 1, reasons: ["identical duplicate", "conflicting duplicate"],
      findings: ["duplicate_date", "conflicting_duplicate"]),
    "non_positive_prices.csv": .stored(4, rejected: 0, securities: 1, findings: ["non_positive_price"]),
    "split_jump.csv": .stored(3, rejected: 0, securities: 1, findings: ["possible_split"]),
    "unsorted.csv": .stored(4, rejected: 0, securities: 1, findings: ["unsorted"]),
    "impossible_dates.csv": .stored(
      2, rejected: 3, securities: 1, reasons: ["cannot read date \"2024-02-30\""]),
    "bad_numbers.csv": .stored(
      1, rejected: 6, securities: 1,
      reasons: ["\"abc\"", "\"1.2.3\"", "\"--5\"", "\"1e400\"", "\"inf\"", "null row"]),
    "only_delimiters.csv": .error("no date column"),
    "quote_storm.csv": .stored(1, rejected: 1, securities: 1),
    "no_date_column.csv": .error("no date column among [Name, Value]"),
    "html_not_csv.csv": .error("no table found"),
    "long_preamble.csv": .stored(2, rejected: 0, securities: 1),
    "tab_separated.tsv.csv": .stored(2, rejected: 0, securities: 1),
    "pipe_separated.csv": .stored(2, rejected: 0, securities: 1),
    // Years 0000 and 99999 are bad dates in data rows (not a header): rejected, the rest kept.
    "years_out_of_range.csv": .stored(
      2, rejected: 2, securities: 1,
      reasons: ["cannot read date \"0000-01-01\"", "cannot read date \"99999-01-02\""],
      findings: ["newest_first"]),
    "percent_returns.csv": .stored(2, rejected: 1, securities: 1, reasons: ["cannot read \"x%\""]),
    "padded_whitespace.csv": .stored(2, rejected: 0, securities: 1),
    "trailing_delimiters.csv": .stored(2, rejected: 0, securities: 1),
    "no_final_newline.csv": .stored(2, rejected: 0, securities: 1),
    "header_longer_than_rows.csv": .stored(2, rejected: 0, securities: 1),
    "mixed_date_formats.csv": .stored(
      2, rejected: 2, securities: 1,
      reasons: ["cannot read date \"01/03/2024\"", "expected 2 fields, found 3"]),
    "emoji_and_rtl.csv": .stored(3, rejected: 0, securities: 2),
    "footer_totals.csv": .stored(2, rejected: 1, securities: 1, reasons: ["cannot read date \"Total\""]),
    "ambiguous_dmy.csv": .stored(3, rejected: 0, securities: 1),
  ]

  @Test func everyCorpusFileHasAnExpectation() {
    let files = Corpus.files("csv")
    #expect(files.count >= 50)
    #expect(Set(files) == Set(Self.expected.keys))
  }

  @Test(arguments: Corpus.files("csv"))
  func corpusFile(_ name: String) throws {
    let path = Corpus.path("csv", name)
    guard let want = Self.expected[name] else {
      Issue.record("no expectation for \(name)")
      return
    }
    let result = Result { () throws(PriceIngestError) in try PriceIngestor().load(path: path) }
    switch (want, result) {
    case (.error(let text), .failure(let e)):
      #expect(e.description.contains(text), "\(name): \(e.description)")
      #expect(e.description.hasPrefix(path), "the message names the file: \(e.description)")
    case (.error(let text), .success(let f)):
      Issue.record("\(name): expected an error containing \(text), loaded \(f.rowsStored) rows")
    case (.stored, .failure(let e)):
      Issue.record("\(name): expected rows, got \(e.description)")
    case (.stored(let stored, let rejected, let securities, let reasons, let findings), .success(let f)):
      #expect(f.rowsStored == stored, "\(name) stored")
      #expect(f.rejects.count == rejected, "\(name) rejected: \(f.rejects.map(\.message))")
      #expect(f.series.count == securities, "\(name) securities: \(f.series.map(\.ticker))")
      for r in reasons {
        #expect(f.rejects.contains { $0.reason.contains(r) }, "\(name): no reject says \(r)")
      }
      for k in findings {
        #expect(f.findings.contains { $0.kind == k }, "\(name): no \(k) finding")
      }
      // Nothing lost: every data row is stored or rejected, and each reject says where and why.
      #expect(f.rowsRead == f.rowsStored + f.rejects.count, "\(name): rows read != stored + rejected")
      for r in f.rejects {
        #expect(r.file == path && r.line >= 1 && !r.reason.isEmpty)
        #expect(r.message.hasPrefix("\(path):\(r.line)"))
      }
      for s in f.series {
        for c in [s.open, s.high, s.low, s.close, s.adjustedClose, s.volume, s.returns] {
          #expect(!c.contains { $0.isInfinite }, "\(name): infinite value stored")
        }
      }
    }
  }

  /// The whole corpus: total input rows equal stored plus rejected rows.
  @Test func corpusRowsAddUp() {
    var read = 0
    var kept = 0
    for name in Corpus.files("csv") {
      guard let f = try? PriceIngestor().load(path: Corpus.path("csv", name)) else { continue }
      read += f.rowsRead
      kept += f.rowsStored + f.rejects.count
    }
    #expect(read > 100)
    #expect(read == kept)
  }

  /// Loading from memory and streaming from disk agree on every corpus file.
  @Test(arguments: Corpus.files("csv"))
  func memoryAndStreamingAgree(_ name: String) {
    let path = Corpus.path("csv", name)
    let a = Result { () throws(PriceIngestError) in try PriceIngestor().load(path: path) }
    let b = Result { () throws(PriceIngestError) in
      try PriceIngestor().load(bytes: Corpus.bytes("csv", name), name: path)
    }
    switch (a, b) {
    case (.success(let x), .success(let y)):
      #expect(x.rowsStored == y.rowsStored && x.rejects == y.rejects && x.sha256 == y.sha256)
    case (.failure(let x), .failure(let y)): #expect(x == y)
    default: Issue.record("\(name): path and bytes loads disagree")
    }
  }
}
