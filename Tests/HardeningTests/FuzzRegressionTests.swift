import EventExtraction
import Foundation
import MarketData
import PriceIngest
import Testing

/// Every input the fuzzers (Fuzz/, `Scripts/fuzz`) ever crashed on, replayed through the same
/// harness logic as the fuzz target. A new crasher is kept by copying it from
/// `Fuzz/artifacts/TARGET/` to `Corpus/crashers/TARGET/`.
@Suite struct FuzzRegressionTests {
  /// Mirrors `Fuzz/Sources/FuzzCSV`: the first byte picks a file name and overrides.
  static func replayCSV(_ input: [UInt8]) {
    guard let selector = input.first else { return }
    let names = ["prices.csv", "MP.csv", "spy_us_d.csv", "600111.SS.csv", "BHP.AX.csv", "a'b;--\".csv"]
    var options = IngestOptions()
    switch selector >> 4 {
    case 1: options.delimiter = UInt8(ascii: ";")
    case 2: options.decimalComma = true
    case 3: options.returns = true
    case 4: options.dateFormat = "DD.MM.YYYY"
    case 5: options.columns = ["date": "Date", "close": "Close"]
    case 6: options.ticker = "X"
    default: break
    }
    let name = names[Int(selector & 0x0F) % names.count]
    let ingestor = PriceIngestor(options: options)
    _ = try? ingestor.sniff(bytes: Array(input.dropFirst()), name: name)
    do {
      let file = try ingestor.load(bytes: Array(input.dropFirst()), name: name)
      #expect(file.rowsRead == file.rowsStored + file.rejects.count)
      for s in file.series {
        for c in [s.open, s.high, s.low, s.close, s.adjustedClose, s.volume, s.returns] {
          #expect(!c.contains { $0.isInfinite })
        }
      }
    } catch {
      #expect(!error.description.isEmpty)
    }
  }

  /// Mirrors `Fuzz/Sources/FuzzArticle`.
  static func replayArticle(_ input: [UInt8]) {
    guard let selector = input.first else { return }
    let names = ["a.txt", "a.html", "a.xml", "a.json", "a.jsonl", "a.dat", "feed.rss", "page.htm#2"]
    _ = ArticleReader.read(bytes: Array(input.dropFirst()), name: names[Int(selector) % names.count])
  }

  /// Mirrors `Fuzz/Sources/FuzzDates`.
  static func replayDates(_ input: [UInt8]) {
    let text = String(decoding: input, as: UTF8.self)
    let n = text.unicodeScalars.count
    for ref in [CivilDate(year: 2025, month: 4, day: 9), nil] {
      for e in TemporalTagger().tag(text, reference: ref) {
        #expect(e.start >= 0 && e.start <= e.end && e.end <= n)
      }
    }
  }

  @Test(arguments: Corpus.files("crashers/csv"))
  func csvCrasher(_ name: String) { Self.replayCSV(Corpus.bytes("crashers/csv", name)) }

  @Test(arguments: Corpus.files("crashers/article"))
  func articleCrasher(_ name: String) { Self.replayArticle(Corpus.bytes("crashers/article", name)) }

  @Test(arguments: Corpus.files("crashers/dates"))
  func datesCrasher(_ name: String) { Self.replayDates(Corpus.bytes("crashers/dates", name)) }

  /// A fuzz find (5.3M executions in): "9999…9 week ago" overflowed the day arithmetic. A count
  /// beyond 10,000 units is not a date expression; 3 weeks ago still is.
  @Test func hugeCountAgoIsNotADate() {
    let ref = CivilDate(year: 2025, month: 4, day: 9)
    let tagger = TemporalTagger()
    #expect(
      tagger.tag("It happened 99999999999999999999 weeks ago.", reference: ref).allSatisfy { $0.date == nil })
    #expect(tagger.tag("It happened 99999 months ago.", reference: ref).allSatisfy { $0.date == nil })
    let three = tagger.tag("It happened 3 weeks ago.", reference: ref)
    #expect(three.first?.value == "2025-W12")
  }

  /// The first fuzz find: a header longer than the data rows gave the loader a column role
  /// beyond the row width (out-of-range field access). Fixed in the sniffer.
  @Test func headerLongerThanRows() throws {
    var options = IngestOptions()
    options.decimalComma = true
    let bytes = Array("Date|ate|Close\r2024-01-02|1Close\r2024-01-02|1,5M\r".utf8)
    let f = try PriceIngestor(options: options).load(bytes: bytes, name: "BHP.AX.csv")
    #expect(f.rowsRead == f.rowsStored + f.rejects.count)
  }

  /// Numbers beyond Double's range were stored as infinity; now they are rejected.
  @Test func overflowingNumbersAreRejected() throws {
    let bytes = Array("Date,Close\n2024-01-02,1e400\n2024-01-03,1.5\n2024-01-04,2e308B\n".utf8)
    let f = try PriceIngestor().load(bytes: bytes, name: "x.csv")
    #expect(f.rowsStored == 1)
    #expect(f.rejects.map(\.line) == [2, 4])
  }

  /// "<![" followed by "]]>" sooner than a full "<![CDATA[" gave the scanner an inverted range.
  @Test func shortCDATAInHTML() {
    let html = Array("<html><body><p>a<![]]>b<![x]]>c</p></body></html>".utf8)
    let (articles, _) = ArticleReader.read(bytes: html, name: "cdata.html")
    #expect(articles.count == 1)
  }

  /// A price jump of 1e300:1 trapped converting the ratio to Int for the split finding.
  @Test func astronomicalJump() throws {
    let bytes = Array("Date,Close\n2024-01-02,1e-300\n2024-01-03,1e300\n2024-01-04,1\n".utf8)
    let f = try PriceIngestor().load(bytes: bytes, name: "x.csv")
    #expect(f.rowsStored == 3)
    #expect(f.findings.contains { $0.kind == "possible_split" })
  }

  /// A weekday abbreviation and "," at the very end of a text made the tagger read past the
  /// last token.
  @Test func weekdayAbbreviationAtTheEnd() throws {
    let ref = try #require(CivilDate(year: 2025, month: 4, day: 9))
    for text in ["Tue,", "Tue.,", "On Tue.,", "Mon ,"] {
      _ = TemporalTagger().tag(text, reference: ref)
    }
  }
}
