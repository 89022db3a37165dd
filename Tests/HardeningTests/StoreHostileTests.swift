import Foundation
import MarketData
import PriceIngest
import PriceStore
import Testing

/// Hostile names and values reach the SQLite store only as bound parameters: SQL metacharacters
/// in tickers and file names are stored verbatim and leave the schema intact.
@Suite struct StoreHostileTests {
  @Test func sqlMetacharactersInTickersAndFileNames() throws {
    let dir = scratchDirectory()
    let store = try PriceStore(path: (dir as NSString).appendingPathComponent("store.sqlite"))
    var stored = 0
    var read = 0
    var rejected = 0
    for name in [
      "sql_meta_tickers.csv", "o'brien; DROP TABLE bars;--.csv", "formula_injection_tickers.csv",
      "emoji_and_rtl.csv", "invalid_utf8_tickers.csv",
    ] {
      let f = try PriceIngestor().load(path: Corpus.path("csv", name))
      _ = try store.store(f)
      stored += f.rowsStored
      read += f.rowsRead
      rejected += f.rejects.count
    }
    let tickers = Set(try store.tickers())
    for t in [
      "X'); DROP TABLE bars;--", "A\"B", "%_\\*", "O'BRIEN; DROP TABLE BARS;--",
      "=HYPERLINK(\"http://evil.example\")", "+cmd|' /C calc'!A0", "\u{1F680}MOON", "\u{202E}RLO",
    ] {
      #expect(tickers.contains(t), "\(t) not stored verbatim: \(tickers.sorted())")
    }
    #expect(try store.query("PRAGMA integrity_check") == [["ok"]])
    #expect(try store.query("SELECT count(*) FROM bars") == [["\(stored)"]])
    #expect(
      try store.query("SELECT sum(rows_read), sum(rows_stored), sum(rows_rejected) FROM ingest_log")
        == [["\(read)", "\(stored)", "\(rejected)"]])
    #expect(try store.query("SELECT count(*) FROM rejects") == [["\(rejected)"]])
    let series = try store.series(for: "X'); DROP TABLE bars;--")
    #expect(series?.count == 2)
  }

  /// A batch of corpus files stored one after another: the store's counts equal the loader's,
  /// file by file (nothing lost between loader and store).
  @Test func corpusIntoTheStore() throws {
    let dir = scratchDirectory()
    let store = try PriceStore(path: (dir as NSString).appendingPathComponent("corpus.sqlite"))
    var read = 0
    var rejected = 0
    for name in Corpus.files("csv") {
      guard let f = try? PriceIngestor().load(path: Corpus.path("csv", name)) else { continue }
      let outcome = try store.store(f)
      #expect(!outcome.unchanged)
      read += f.rowsRead
      rejected += f.rejects.count
    }
    #expect(try store.query("PRAGMA integrity_check") == [["ok"]])
    #expect(
      try store.query("SELECT sum(rows_read), sum(rows_stored) + sum(rows_rejected) FROM ingest_log")
        == [["\(read)", "\(read)"]])
    #expect(try store.query("SELECT count(*) FROM rejects") == [["\(rejected)"]])
  }
}
