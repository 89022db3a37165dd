import EventExtraction
import Foundation
import MarketData
import PriceIngest
import Testing

/// Hostile inputs too big to commit, generated at test time, with the documented limits
/// (docs/hardening.md) and the error or reject each one must produce.
@Suite struct GeneratedHostileTests {
  static let head = Array("Date,Close\n2024-01-02,1\n2024-01-03,".utf8)
  static let tail = Array("\n2024-01-04,2\n".utf8)

  /// A 10 MB field (plain or quoted) in the middle of a file: that row is rejected as longer
  /// than the 1 MiB record limit, the rows around it are kept.
  @Test(arguments: [false, true])
  func tenMegabyteField(quoted: Bool) throws {
    var field = [UInt8](repeating: UInt8(ascii: "x"), count: 10_000_000)
    if quoted { field = [34] + field + [34] }
    let path = scratchFile(Self.head + field + Self.tail, name: "big-field.csv")
    let f = try PriceIngestor().load(path: path)
    #expect(f.rowsStored == 2)
    #expect(f.rejects.count == 1)
    #expect(f.rejects.first?.line == 3)
    #expect(f.rejects.first?.reason.contains("longer than 1 MiB") == true)
    #expect(f.rejects.first.map { $0.raw.utf8.count < 1000 } == true, "reject text is cut short")
  }

  /// A header of a million columns: the first line exceeds the 256 KiB sniffing sample, so the
  /// file is refused with `lineTooLong` naming line 1.
  @Test func millionColumnHeader() {
    var text = "Date"
    for i in 0..<1_000_000 { text += ",c\(i)" }
    text += "\n2024-01-02" + String(repeating: ",1", count: 3) + "\n"
    let path = scratchFile(Array(text.utf8), name: "wide.csv")
    #expect(throws: PriceIngestError.lineTooLong(file: path, line: 1, bytes: 262_144)) {
      try PriceIngestor().load(path: path)
    }
  }

  /// A data row of a million columns under a two-column header is rejected as ragged.
  @Test func millionColumnRow() throws {
    let row = Array(String(repeating: ",1", count: 1_000_000).utf8)
    let path = scratchFile(Self.head + Array("1".utf8) + row + Self.tail, name: "ragged.csv")
    let f = try PriceIngestor().load(path: path)
    #expect(f.rowsStored == 2 && f.rejects.count == 1)
    #expect(f.rejects.first?.reason.contains("expected 2 fields") == true)
  }

  /// 10 MB without a single newline: no table; refused with `lineTooLong`.
  @Test func tenMegabytesWithoutNewline() {
    let path = scratchFile([UInt8](repeating: UInt8(ascii: "7"), count: 10_000_000), name: "line.csv")
    #expect(throws: PriceIngestError.lineTooLong(file: path, line: 1, bytes: 262_144)) {
      try PriceIngestor().load(path: path)
    }
  }

  /// A quote opened on a data row and never closed, followed by 5 MB: the rows before it are
  /// kept, that row is rejected naming line and column.
  @Test func unterminatedQuoteBeforeMegabytes() throws {
    let rest = Array(String(repeating: "2024-01-05,3\n", count: 400_000).utf8)
    let path = scratchFile(Self.head + Array("\"1".utf8) + Self.tail + rest, name: "quote.csv")
    let f = try PriceIngestor().load(path: path)
    #expect(f.rowsStored == 1)
    #expect(f.rowsRead == f.rowsStored + f.rejects.count)
    #expect(f.rejects.contains { $0.line == 3 && $0.reason.contains("never closed") })
  }

  /// NUL bytes after the 256 KiB sample: those rows are rejected, the file is not refused.
  @Test func nulBytesAfterTheSample() throws {
    var bytes = Array("Date,Close\n".utf8)
    var day = CivilDate(year: 1990, month: 1, day: 1) ?? CivilDate(dayNumber: 0)
    var rows = 0
    while bytes.count < 400_000 {
      bytes += Array("\(day.iso),1.5\n".utf8)
      day = day.adding(days: 1)
      rows += 1
    }
    bytes += Array("\(day.iso),1".utf8) + [0, 0, 0] + Array("\n".utf8)
    rows += 1
    let f = try PriceIngestor().load(path: scratchFile(bytes, name: "late-nul.csv"))
    #expect(f.rowsRead == rows)
    #expect(f.rowsRead == f.rowsStored + f.rejects.count)
    #expect(f.rejects.count == 1)
  }

  /// 200,000 nested tags: the scanner keeps no tree, so no stack overflow; the text is found.
  @Test func deeplyNestedHTML() {
    let depth = 200_000
    let html =
      "<html><body>" + String(repeating: "<div><span>", count: depth)
      + "<p>On Thursday, April 3, 2025 the ministry announced export controls.</p>"
      + String(repeating: "</span></div>", count: depth) + "</body></html>"
    let (articles, _) = ArticleReader.read(bytes: Array(html.utf8), name: "deep.html")
    #expect(articles.count == 1)
    #expect(articles.first?.body.contains("export controls") == true)
  }

  /// Deeply nested JSON (and JSON-LD): refused by the depth limit with a warning, no crash.
  @Test func deeplyNestedJSON() {
    let json = String(repeating: "[", count: 500_000) + String(repeating: "]", count: 500_000)
    let (articles, warnings) = ArticleReader.read(bytes: Array(json.utf8), name: "deep.json")
    #expect(articles.isEmpty)
    #expect(!warnings.isEmpty)
    let ld =
      "<html><head><script type=\"application/ld+json\">" + String(repeating: "{\"a\":", count: 100_000)
      + "1" + String(repeating: "}", count: 100_000) + "</script></head><body><p>Text.</p></body></html>"
    let (a2, w2) = ArticleReader.read(bytes: Array(ld.utf8), name: "deep-ld.html")
    #expect(a2.count == 1)
    #expect(w2.contains { $0.message.contains("JSON-LD") })
  }

  /// An 8 MB page of boilerplate and unclosed markup is read.
  @Test func largePage() {
    var html = "<html><head><title>Big</title></head><body>"
    let para =
      "<p>Officials said on Monday that tariffs of 25% <b>would <i>apply from May 1. <!-- x --> &amp; more"
    while html.utf8.count < 8_000_000 { html += para }
    let (articles, _) = ArticleReader.read(bytes: Array(html.utf8), name: "big.html")
    #expect(articles.count == 1)
  }

  /// Pathological input for the tagger's patterns: long runs of separators, digits, month names
  /// and numbers that almost form dates. Spans stay inside the text.
  @Test(arguments: [
    ("1/", 50_000), ("May ", 50_000), ("12:", 50_000), ("2025-", 50_000), ("the 15th of ", 20_000),
    ("last next this ", 20_000), ("9", 200_000), ("p.m. ET ", 20_000),
  ])
  func pathologicalTaggerInput(_ unit: String, _ count: Int) {
    let text = String(repeating: unit, count: count)
    let n = text.unicodeScalars.count
    let found = TemporalTagger().tag(text, reference: CivilDate(year: 2025, month: 4, day: 9))
    #expect(found.allSatisfy { $0.start >= 0 && $0.start <= $0.end && $0.end <= n })
  }
}
