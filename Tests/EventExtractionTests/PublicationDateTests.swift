import Foundation
import MarketData
import Testing

@testable import EventExtraction

/// `ArticleReader.publicationDate(bytes:name:)` (the dates-only fast path) must find exactly the
/// date, time, offset and source the full reader finds.
@Suite struct PublicationDateTests {
  static var repo: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  /// Every readable file under `dir`, recursively, sorted.
  static func files(_ dir: URL) -> [URL] {
    guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
    var out: [URL] = []
    while let u = e.nextObject() as? URL {
      if ArticleReader.extensions.contains(u.pathExtension.lowercased()) { out.append(u) }
    }
    return out.sorted { $0.path < $1.path }
  }

  static func describe(_ p: PublicationStamp?, _ source: String) -> String {
    guard let p else { return "none/\(source)" }
    return
      "\(p.date.iso) \(p.minute.map(String.init) ?? "-") \(p.utcOffsetMinutes.map(String.init) ?? "-") \(source)"
  }

  /// The fast path's answer and the full reader's, as comparable strings.
  static func both(_ bytes: [UInt8], name: String) -> (fast: String, full: String) {
    let fast = ArticleReader.publicationDate(bytes: bytes, name: name)
    let first = ArticleReader.read(bytes: bytes, name: name).0.first
    return (
      describe(fast.published, fast.source),
      describe(first?.published, first.map { $0.publishedSource } ?? "none")
    )
  }

  /// DevSet, SampleData and the hardening corpus of bad article files.
  @Test func fastPathAgreesWithTheFullReaderOnEveryDevSetAndSampleFile() throws {
    var checked = 0
    var html = 0
    for dir in [
      "Tests/EventExtractionTests/DevSet", "SampleData/articles", "Tests/HardeningTests/Corpus/articles",
    ] {
      for url in PublicationDateTests.files(PublicationDateTests.repo.appendingPathComponent(dir)) {
        let bytes = [UInt8](try Data(contentsOf: url))
        let (fast, full) = PublicationDateTests.both(bytes, name: url.lastPathComponent)
        #expect(fast == full, "\(url.lastPathComponent)")
        checked += 1
        if url.pathExtension == "html" { html += 1 }
      }
    }
    #expect(checked >= 200)
    #expect(html >= 30)
  }

  /// Pages that exercise every branch of the date choice and every early exit of the scan.
  static let edgePages: [String] = [
    // JSON-LD in a comment does not count; the meta does.
    """
    <html><head><!-- <script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2020-01-01"}</script> -->
    <meta property="article:published_time" content="2025-03-04T10:00:00+01:00"></head><body><p>x</p></body></html>
    """,
    // Meta first, article JSON-LD later in the body wins.
    """
    <html><head><meta name="date" content="2025-01-02"></head><body><article><p>x</p>
    <script type='APPLICATION/LD+JSON'>[{"@type":"WebPage","datePublished":"2025-01-05"},{"@type":["NewsArticle"],"datePublished":"2025-01-06T08:00:00Z"}]</script>
    </article></body></html>
    """,
    // Entity-encoded script type.
    """
    <html><head><script type="application/ld&#43;json">{"@graph":[{"@type":"Article","datePublished":"2024-12-30"}]}</script></head><body></body></html>
    """,
    // Only a modified date and a canonical URL: the URL wins; og:url does not override canonical.
    """
    <html><head><link rel="canonical" href="https://x.example/2023/05/06/story"><meta property="og:url" content="https://x.example/2021/01/01/other">
    <meta property="article:modified_time" content="2025-02-02"></head><body><p>Published March 3, 2022</p></body></html>
    """,
    // Only a modified date: it is used.
    """
    <html><head><meta property="article:modified_time" content="2025-02-02T12:30:00Z"></head><body><p>Hello</p></body></html>
    """,
    // Nothing in the metadata: the text's "Published …" line.
    """
    <html><head><title>T</title></head><body><article><h1>Head</h1><p>Published March 3, 2022</p><p>Body text.</p></article></body></html>
    """,
    // No date anywhere.
    "<html><body><p>Nothing here.</p></body></html>",
    // itemprop on a span with the date as its text, and a <time> in the header.
    """
    <html><body><header><time datetime="2025-07-01">July 1</time></header><article><span itemprop="datePublished">2025-06-30</span><p>x</p></article></body></html>
    """,
    // Several <time> tags; the first in the article wins.
    """
    <html><body><time datetime="2025-01-01">a</time><article><time class="updated" datetime="2025-02-01">b</time><time datetime="2025-01-20">c</time></article></body></html>
    """,
    // A date inside <textarea> and <noscript> is skipped; an unclosed comment ends the page.
    """
    <html><head><noscript><meta name="date" content="2019-01-01"></noscript></head><body><textarea><time datetime="2018-01-01"></time></textarea>
    <meta name="pubdate" content="2024-04-04"><!-- <meta name="date" content="2017-01-01">
    """,
    // An unclosed script swallows the rest.
    """
    <html><head><script>var a = 1; <meta name="date" content="2016-01-01"></head><body></body></html>
    """,
  ]

  @Test func fastPathAgreesOnEdgeCases() {
    for (k, page) in PublicationDateTests.edgePages.enumerated() {
      let (fast, full) = PublicationDateTests.both(Array(page.utf8), name: "edge\(k).html")
      #expect(fast == full, "edge page \(k)")
    }
    // Windows-1252 bytes are decoded before scanning, as in the full reader.
    var latin = Array("<html><head><meta name=\"date\" content=\"2025-03-04 (M".utf8)
    latin.append(0xE4)
    latin += Array("rz)\"></head><body><p>Z".utf8)
    latin.append(0xF6)
    latin += Array("lle</p></body></html>".utf8)
    let (fast, full) = PublicationDateTests.both(latin, name: "latin.html")
    #expect(fast == full)
    #expect(fast.hasPrefix("2025-03-04"))
  }

  @Test func sourcesOfTheEdgeCases() {
    func source(_ k: Int) -> String {
      let r = ArticleReader.publicationDate(
        bytes: Array(PublicationDateTests.edgePages[k].utf8), name: "e.html")
      return PublicationDateTests.describe(r.published, r.source)
    }
    #expect(source(0) == "2025-03-04 600 60 meta")
    #expect(source(1) == "2025-01-06 480 0 json-ld")
    #expect(source(2).hasSuffix("json-ld"))
    #expect(source(3) == "2023-05-06 - - url")
    #expect(source(5) == "2022-03-03 - - text")
    #expect(source(6) == "none/none")
    #expect(source(7).hasPrefix("2025-06-30") && source(7).hasSuffix("itemprop"))
    #expect(source(8).hasPrefix("2025-01-20"))
  }
}

/// The byte-level ISO 8601 reader must agree with the general date parser on every string it
/// accepts.
@Suite struct ISODateFastPathTests {
  @Test func isoFastPathAgreesWithTheGeneralParser() {
    var strings = [
      "2025-03-04", "2025-03-04T08:00:00Z", "2025-03-04T08:00:00z", "2025-03-04t08:00", "2025-03-04 08:00",
      "2025-03-04T08:00:00.123Z", "2025-03-04T08:00:00.123456+05:30", "2025-03-04T23:59:59-0800",
      "2025-03-04T08:00+01", "2025-03-04T08:00:00+14:00", "2025-03-04T08:00:00+14:01",
      "2025-03-04T08:00:00+05:75",
      "2025-02-29", "2024-02-29T10:00:00Z", "2025-13-01", "2025-00-10", "2025-04-31", "2025-03-04T24:00:00Z",
      "2025-03-04T08:60:00Z", "2025-03-04T8:00:00Z", "2025-03-04T08:00:0Z", "2025-03-04T08:00:00.Z",
      "2025-03-04T08:00:00+5", "2025-03-04T08:00:00 +05:00", "2025-03-04T08:00:00GMT", "2025-03-04Z",
      " 2025-03-04", "2025-03-04 ", "1899-12-31", "2101-01-01T00:00:00Z", "0000-01-01",
      "2025-03-04T08:00:00+0530", "2025-03-04T08:00:00-00:00", "2025-03-04T08:00:00,5Z",
    ]
    // Every hour, minute and offset shape on one day.
    for h in [0, 9, 12, 23] {
      for m in [0, 30, 59] {
        for tail in ["", "Z", "+00:00", "-03:30", "+0900", "-11", ":45", ":45.9Z", ":07.123-04:00"] {
          strings.append(String(format: "2023-11-05T%02d:%02d", h, m) + tail)
        }
      }
    }
    var accepted = 0
    for s in strings {
      let general = DateText.parseGeneral(s)
      let both = DateText.parse(s)
      #expect(PublicationDateTests.describe(both, "") == PublicationDateTests.describe(general, ""), "\(s)")
      if let fast = DateText.parseISO(s) {
        accepted += 1
        #expect(PublicationDateTests.describe(fast, "") == PublicationDateTests.describe(general, ""), "\(s)")
      }
    }
    #expect(accepted >= 100)
  }
}
