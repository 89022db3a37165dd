import EventExtraction
import Foundation
import MarketData
import Testing

@Suite struct ArticleReaderTests {
  func read(_ s: String, _ name: String) -> ([Article], [ExtractionWarning]) {
    ArticleReader.read(bytes: Array(s.utf8), name: name)
  }

  @Test func textHeaders() throws {
    let (a, w) = read(
      "Title: Tariffs rise\nPublished: 2025-04-02T16:00:00-04:00\nURL: https://x.test/a\n\nThe US imposed tariffs.",
      "a.txt")
    #expect(w.isEmpty)
    let x = try #require(a.first)
    #expect(x.title == "Tariffs rise")
    #expect(x.url == "https://x.test/a")
    #expect(x.body == "The US imposed tariffs.")
    #expect(x.published?.date == CivilDate(year: 2025, month: 4, day: 2))
    #expect(x.published?.minute == 16 * 60)
    #expect(x.published?.utcOffsetMinutes == -240)
    #expect(x.publishedSource == "text")
  }

  @Test func htmlPrefersJSONLDOverMetaAndTime() throws {
    let html = """
      <html><head><title>Site | Story</title>
      <meta property="article:modified_time" content="2025-05-09T10:00:00Z">
      <meta property="article:published_time" content="2025-05-07T08:00:00Z">
      <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},
      {"@type":["NewsArticle"],"headline":"Beijing curbs gallium exports","datePublished":"2025-05-06T23:30:00+08:00","dateModified":"2025-05-08"}]}</script>
      </head><body><nav>Home &amp; World</nav><article><h1>Beijing curbs gallium exports</h1>
      <time datetime="2025-05-01">May 1</time><p>China&#8217;s commerce ministry said on Tuesday it would restrict exports of gallium.</p></article>
      <footer>Copyright 2019</footer></body></html>
      """
    let (a, _) = read(html, "p.html")
    let x = try #require(a.first)
    #expect(x.published?.date == CivilDate(year: 2025, month: 5, day: 6))
    #expect(x.published?.utcOffsetMinutes == 480)
    #expect(x.publishedSource == "json-ld")
    #expect(x.title == "Beijing curbs gallium exports")
    #expect(x.body.contains("China\u{2019}s commerce ministry said on Tuesday"))
    #expect(!x.body.contains("Copyright"))
    #expect(!x.body.contains("Home"))
  }

  @Test(arguments: [
    ("<meta name=\"pubdate\" content=\"20250102\"><p>x</p>", "2025-01-02", "meta"),
    ("<span itemprop=\"datePublished\" content=\"2025-01-03\"></span>", "2025-01-03", "itemprop"),
    (
      "<article><header><time datetime=\"2025-01-04T09:00\">Jan 4</time></header></article>", "2025-01-04",
      "time"
    ),
    (
      "<link rel=\"canonical\" href=\"https://n.test/world/2025/01/05/tariffs-rise\"><p>x</p>", "2025-01-05",
      "url"
    ),
    ("<body><p>By Staff | Published January 6, 2025</p><p>Body</p></body>", "2025-01-06", "text"),
    ("<body><p>No date here at all.</p></body>", "", "none"),
  ])
  func htmlPublicationSources(html: String, date: String, source: String) throws {
    let (a, _) = read("<html>" + html + "</html>", "p.html")
    let x = try #require(a.first)
    #expect((x.published?.date.iso ?? "") == date, "\(html)")
    #expect(x.publishedSource == source, "\(html)")
  }

  @Test func rssAndAtomFeeds() throws {
    let rss = """
      <?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>
      <item><title>First</title><link>https://f.test/1</link><pubDate>Tue, 01 Apr 2025 21:15:00 GMT</pubDate>
      <description>&lt;p&gt;Canada imposed duties on steel.&lt;/p&gt;</description></item>
      <item><title><![CDATA[Second & more]]></title><link>https://f.test/2</link><pubDate>Wed, 02 Apr 2025 08:00:00 +0800</pubDate>
      <description><![CDATA[<p>Japan lifted quotas.</p>]]></description></item>
      </channel></rss>
      """
    let (a, _) = read(rss, "feed.xml")
    #expect(a.map(\.id) == ["feed.xml#1", "feed.xml#2"])
    #expect(a.map(\.title) == ["First", "Second & more"])
    #expect(a[0].body == "Canada imposed duties on steel.")
    #expect(a[1].body == "Japan lifted quotas.")
    #expect(a[0].published?.date.iso == "2025-04-01")
    #expect(a[0].published?.minute == 21 * 60 + 15)
    #expect(a[1].published?.utcOffsetMinutes == 480)
    #expect(a.allSatisfy { $0.publishedSource == "feed" })
    let atom = """
      <feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title><link rel="alternate" href="https://a.test/x"/>
      <published>2025-04-03T10:00:00Z</published><updated>2025-04-05T10:00:00Z</updated><summary>Text</summary></entry></feed>
      """
    let (b, _) = read(atom, "a.atom")
    #expect(b.first?.url == "https://a.test/x")
    #expect(b.first?.published?.date.iso == "2025-04-03")
  }

  @Test func jsonAndJSONLines() throws {
    let (a, _) = read(
      #"[{"title":"T1","body":"B1","published":"2025-02-01"},{"headline":"T2","text":"<p>B2</p>","url":"https://j.test/2025/02/02/x"}]"#,
      "x.json")
    #expect(a.map(\.id) == ["x.json#1", "x.json#2"])
    #expect(a.map(\.body) == ["B1", "B2"])
    #expect(a[0].publishedSource == "feed")
    #expect(a[1].published?.date.iso == "2025-02-02")
    #expect(a[1].publishedSource == "url")
    let (b, w) = read(
      "{\"title\":\"A\",\"body\":\"x\"}\nnot json\n{\"title\":\"B\",\"body\":\"y\"}\n", "y.jsonl")
    #expect(b.map(\.id) == ["y.jsonl#1", "y.jsonl#3"])
    #expect(w.contains { $0.article == "y.jsonl#2" })
  }

  @Test func encodingsAreDetected() throws {
    // Windows-1252: curly quotes (0x93/0x94) and é (0xE9).
    let cp1252: [UInt8] =
      Array("Title: Caf".utf8) + [0xE9] + Array("\n\n".utf8) + [0x93] + Array("Tariffs".utf8) + [0x94]
    let (a, w) = ArticleReader.read(bytes: cp1252, name: "w.txt")
    #expect(w.isEmpty)
    #expect(a.first?.title == "Café")
    #expect(a.first?.body == "\u{201C}Tariffs\u{201D}")
    // UTF-16 LE with BOM.
    var u16: [UInt8] = [0xFF, 0xFE]
    for u in "Title: Zölle\n\nText".utf16 { u16 += [UInt8(u & 0xFF), UInt8(u >> 8)] }
    #expect(ArticleReader.read(bytes: u16, name: "u.txt").0.first?.title == "Zölle")
    // Declared UTF-8 with one stray byte among many good ones: replaced, with a warning.
    let bad: [UInt8] =
      Array("<html><meta charset=\"utf-8\"><p>Zölle über Größe ".utf8) + [0xFF]
      + Array(" déjà</p></html>".utf8)
    let (c, cw) = ArticleReader.read(bytes: bad, name: "b.html")
    #expect(c.first?.body.contains("\u{FFFD}") == true)
    #expect(cw.contains { $0.message.contains("invalid UTF-8") })
  }

  @Test func binaryAndEmptyInputsWarn() {
    let (a, w) = ArticleReader.read(bytes: [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 13], name: "img.html")
    #expect(a.isEmpty)
    #expect(w.first?.article == "img.html")
    #expect(w.first?.message.contains("binary") == true)
    let (b, v) = ArticleReader.read(bytes: [], name: "e.txt")
    #expect(b.isEmpty && v.count == 1)
  }

  @Test func malformedHTMLDoesNotCrashAndWarns() throws {
    let cases = [
      "<html><body><p>Text <!-- never closed",
      "<html><body><p class=\"a>Unclosed quote</p><p>Next para</p>",
      "<html><script>var x = '<p>'; // no end",
      "<<<>>><p>a</p><</</p>&#99999999;&bogus;&#x;",
      "<html><head><script type=\"application/ld+json\">{\"datePublished\": [[[[</script></head><body>x</body>",
    ]
    for html in cases {
      let (a, _) = read(html, "m.html")
      #expect(a.count == 1, "\(html)")
    }
    let (_, w) = read(cases[0], "m.html")
    #expect(w.contains { $0.message.contains("comment") && $0.article == "m.html" })
  }

  @Test func deepNestingIsLinear() throws {
    let depth = 200_000
    var html = "<html><body>"
    html += String(repeating: "<div><span>", count: depth)
    html += "<p>Deep text.</p>"
    html += String(repeating: "</span></div>", count: depth)
    let (a, _) = read(html, "deep.html")
    #expect(a.first?.body.contains("Deep text.") == true)
    // Deeply nested JSON-LD is refused with a warning, not a stack overflow.
    let ld =
      "<script type=\"application/ld+json\">" + String(repeating: "[", count: 100_000) + "</script><p>x</p>"
    let (b, w) = read(ld, "ld.html")
    #expect(b.count == 1)
    #expect(w.contains { $0.message.contains("JSON-LD") })
  }
}

/// Large inputs: a 50 MB page is read without a crash, and reading time grows linearly.
@Suite struct LargeInputTests {
  static func page(megabytes: Int) -> [UInt8] {
    let para = Array(
      "<div class=\"story-body\"><p>Officials said on Tuesday that tariffs of 25% on steel would take effect on March 12, 2025, at 12:01 a.m. ET.</p><span data-x=\"a long attribute value\">x</span></div>\n"
        .utf8)
    var b = Array("<html><head><title>Big</title></head><body><article>".utf8)
    b.reserveCapacity(megabytes * 1_000_000 + 1000)
    while b.count < megabytes * 1_000_000 { b += para }
    b += Array("</article></body></html>".utf8)
    return b
  }

  static func seconds(_ f: () -> Void) -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    f()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
  }

  @Test func fiftyMegabytePageIsRead() {
    let (a, _) = ArticleReader.read(bytes: LargeInputTests.page(megabytes: 50), name: "big.html")
    #expect(a.count == 1)
    #expect((a.first?.body.utf8.count ?? 0) > 10_000_000)
  }

  @Test func readingAndTaggingTimeIsLinear() {
    let small = LargeInputTests.page(megabytes: 2)
    let large = LargeInputTests.page(megabytes: 8)
    var bodies: [String] = []
    let ts = LargeInputTests.seconds {
      bodies.append(ArticleReader.read(bytes: small, name: "s.html").0[0].body)
    }
    let tl = LargeInputTests.seconds {
      bodies.append(ArticleReader.read(bytes: large, name: "l.html").0[0].body)
    }
    let ref = CivilDate(year: 2025, month: 3, day: 10) ?? CivilDate(dayNumber: 20000)
    let gs = LargeInputTests.seconds { _ = TemporalTagger().tag(bodies[0], reference: ref) }
    let gl = LargeInputTests.seconds { _ = TemporalTagger().tag(bodies[1], reference: ref) }
    print("large inputs: read 2 MB \(ts) s, 8 MB \(tl) s; tag \(gs) s, \(gl) s")
    // 4× the input: linear is 4×, quadratic 16×; allow noise on a shared machine.
    #expect(tl < 10 * ts + 0.5)
    #expect(gl < 10 * gs + 0.5)
  }
}
