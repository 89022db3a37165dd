import EventExtraction
import Foundation
import MarketData
import Testing

/// The bad-input corpus for articles: malformed markup, broken feeds and JSON, odd encodings,
/// injection text. Each file must be read without a crash into the expected number of articles,
/// with the expected warning or publication date.
@Suite struct ArticleCorpusTests {
  struct Want: Sendable {
    var articles: Int
    var warning: String? = nil
    var published: String? = nil
    var title: String? = nil
  }

  static let expected: [String: Want] = [
    "empty.txt": Want(articles: 0, warning: "empty file"),
    "binary.html": Want(articles: 0, warning: "binary file skipped"),
    "header_only.txt": Want(articles: 1, published: "2025-04-02", title: "Nothing else"),
    "unclosed_tags.html": Want(articles: 1),
    "script_with_markup.html": Want(articles: 1, published: "2025-04-03"),
    "unterminated_comment.html": Want(articles: 1, warning: "comment never closed", published: "2025-04-02"),
    "entity_storm.html": Want(articles: 1),
    "jsonld_broken.html": Want(articles: 1, warning: "JSON-LD block could not be read"),
    "cdata_and_pi.xml": Want(articles: 2, published: "2025-04-07"),
    "feed_bad_dates.xml": Want(articles: 2),
    "feed_no_items.rss": Want(articles: 0, warning: "no article found"),
    "latin1.txt": Want(articles: 1, published: "2025-03-12", title: "Zölle auf Stahl"),
    "windows1252.txt": Want(articles: 1, published: "2025-03-12", title: "“Smart quotes” – dashes"),
    "invalid_utf8.txt": Want(articles: 1, published: "2025-03-12"),
    "utf16_bom.txt": Want(articles: 1, published: "2025-03-12", title: "UTF-16 article"),
    "broken_lines.jsonl": Want(articles: 3, warning: "not valid JSON", published: "2025-04-07"),
    "json_wrong_types.json": Want(articles: 1),
    "formula_and_sql_title.txt": Want(articles: 1, published: "2025-04-02"),
    "regex_bait.txt": Want(articles: 1, published: "2025-04-02"),
    "nested_tables.html": Want(articles: 1, published: "2025-04-03"),
    "traps_dateparser.txt": Want(articles: 1, published: "2025-03-27", title: "Traps"),
    "crlf_headers.txt": Want(articles: 1, published: "2025-04-02", title: "CRLF article"),
  ]

  @Test func everyCorpusFileHasAnExpectation() {
    #expect(Set(Corpus.files("articles")) == Set(Self.expected.keys))
  }

  @Test(arguments: Corpus.files("articles"))
  func corpusFile(_ name: String) {
    guard let want = Self.expected[name] else {
      Issue.record("no expectation for \(name)")
      return
    }
    let (articles, warnings) = ArticleReader.read(bytes: Corpus.bytes("articles", name), name: name)
    #expect(articles.count == want.articles, "\(name): \(articles.map(\.title)) \(warnings)")
    if let w = want.warning {
      #expect(warnings.contains { $0.message.contains(w) }, "\(name): \(warnings)")
      #expect(warnings.allSatisfy { $0.article.hasPrefix(name) }, "warnings name the file")
    }
    if let p = want.published {
      #expect(
        articles.first?.published?.date.iso == p, "\(name): \(String(describing: articles.first?.published))")
    }
    if let t = want.title { #expect(articles.first?.title == t) }
    // The tagger copes with whatever the reader produced.
    for a in articles { _ = TemporalTagger().tag(a.body, reference: a.published?.date) }
  }

  /// dateparser-style false dates: "We" is no Wednesday, "$27" no day, "may" no month, "Sun" a
  /// company, "10-Q" a form.
  @Test func taggerTrapsFindNoFalseDates() throws {
    let text =
      "We may see shares rise $27 to 2025 levels. Sun Microsystems and March Networks fell. The 10-Q was filed; the 3/4 majority voted."
    let ref = try #require(CivilDate(year: 2025, month: 3, day: 27))
    let found = TemporalTagger().tag(text, reference: ref).map(\.text)
    for bad in ["We", "may", "$27", "27", "Sun", "10-Q", "3/4"] {
      #expect(!found.contains(bad), "false date \(bad) in \(found)")
    }
  }
}
