import EventExtraction
import Foundation
import MarketData
import PriceIngest
import Testing

/// Parse time grows linearly with input size for every parser: four times the input may take
/// at most `factor` times as long (4 × a generous 3 for noise, caches and a shared machine), so
/// a quadratic parser (16×) fails while timing noise does not. Sizes, not absolute times, are
/// compared. Runs serialized so the suites do not compete for the CPU.
@Suite(.serialized) struct LinearTimeTests {
  static let factor = 12.0

  static func ratio(_ make: (Int) -> [UInt8], base: Int, _ parse: ([UInt8]) -> Void) -> Double {
    let small = make(base)
    let large = make(base * 4)
    parse(small)  // warm up (tables, calendars)
    let a = fastest { parse(small) }
    let b = fastest { parse(large) }
    return b / max(a, 1e-6)
  }

  static func csv(_ rows: Int) -> [UInt8] {
    var out = "Date,Ticker,Open,High,Low,Close,Volume\n"
    var day = CivilDate(year: 1990, month: 1, day: 1) ?? CivilDate(dayNumber: 0)
    for i in 0..<rows {
      if i % 4 == 0 { day = day.adding(days: 1) }
      out += "\(day.iso),T\(i % 4),1.5,2.5,1.25,2,\(i)\n"
    }
    return Array(out.utf8)
  }

  @Test func csvLoaderIsLinear() {
    let r = Self.ratio(Self.csv, base: 20_000) { b in _ = try? PriceIngestor().load(bytes: b, name: "t.csv") }
    #expect(r < Self.factor, "4× the rows took \(r)× as long")
  }

  /// Rows with problems (rejects, ragged rows, bad dates) stay linear too.
  @Test func csvRejectsAreLinear() {
    func make(_ n: Int) -> [UInt8] {
      var out = "Date,Close\n2024-01-02,1\n"
      for i in 0..<n { out += i % 2 == 0 ? "bad\(i),x,y\n" : "2024-99-\(i % 90),abc\n" }
      return Array(out.utf8)
    }
    let r = Self.ratio(make, base: 10_000) { b in _ = try? PriceIngestor().load(bytes: b, name: "t.csv") }
    #expect(r < Self.factor, "4× the rejects took \(r)× as long")
  }

  @Test func htmlReaderIsLinear() {
    func make(_ n: Int) -> [UInt8] {
      var html =
        "<html><head><meta property=\"article:published_time\" content=\"2025-04-03T09:00:00Z\"></head><body>"
      for i in 0..<n {
        html +=
          "<div class=\"c\(i % 7)\"><p>Officials said on Monday that tariffs &amp; quotas <a href=\"/x\">rose</a>.</p><!-- c --><script>var x = \(i);</script></div>"
      }
      return Array((html + "</body></html>").utf8)
    }
    let r = Self.ratio(make, base: 2_000) { b in _ = ArticleReader.read(bytes: b, name: "p.html") }
    #expect(r < Self.factor, "4× the page took \(r)× as long")
  }

  @Test func feedReaderIsLinear() {
    func make(_ n: Int) -> [UInt8] {
      var xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>"
      for i in 0..<n {
        xml +=
          "<item><title>Item \(i)</title><pubDate>Mon, 07 Apr 2025 10:00:00 +0800</pubDate><description>Beijing said on Monday it would tighten controls.</description></item>"
      }
      return Array((xml + "</channel></rss>").utf8)
    }
    let r = Self.ratio(make, base: 500) { b in _ = ArticleReader.read(bytes: b, name: "f.xml") }
    #expect(r < Self.factor, "4× the feed took \(r)× as long")
  }

  @Test func temporalTaggerIsLinear() {
    let sentence =
      "On Tuesday, March 25, 2025, the ministry said tariffs announced last week would take effect in May, two days after the 15th, at 4:30 p.m. ET. "
    let tagger = TemporalTagger()
    let ref = CivilDate(year: 2025, month: 3, day: 27)
    let r = Self.ratio({ Array(String(repeating: sentence, count: $0).utf8) }, base: 500) { b in
      _ = tagger.tag(String(decoding: b, as: UTF8.self), reference: ref)
    }
    #expect(r < Self.factor, "4× the text took \(r)× as long")
  }

  /// No sentence breaks at all (one endless sentence of near-dates) is still linear.
  @Test func temporalTaggerIsLinearOnOneEndlessSentence() {
    let tagger = TemporalTagger()
    let r = Self.ratio(
      { Array(String(repeating: "May 1/2 the 3rd 12:30 last ", count: $0).utf8) }, base: 2_000
    ) {
      b in _ = tagger.tag(String(decoding: b, as: UTF8.self), reference: nil)
    }
    #expect(r < Self.factor, "4× the text took \(r)× as long")
  }

  /// Rows decades apart cost no more than rows a day apart: the calendar-gap check once asked
  /// the calendar about every day in between (millions of steps for two rows; a fuzz timeout).
  @Test func dateSpanDoesNotCostTime() {
    func panel(_ first: String, _ last: String) -> [UInt8] {
      var out = "Date,Ticker,Close\n"
      for i in 0..<200 { out += "\(first),T\(i),1\n\(last),T\(i),1.1\n" }
      return Array(out.utf8)
    }
    let near = panel("2024-01-02", "2024-01-03")
    let far = panel("1800-01-02", "9999-01-03")
    _ = try? PriceIngestor().load(bytes: near, name: "near.csv")
    let a = fastest { _ = try? PriceIngestor().load(bytes: near, name: "near.csv") }
    let b = fastest { _ = try? PriceIngestor().load(bytes: far, name: "far.csv") }
    #expect(b / max(a, 1e-6) < Self.factor, "rows centuries apart took \(b / max(a, 1e-6))× as long")
  }
}
