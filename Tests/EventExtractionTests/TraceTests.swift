import Foundation
import MarketData
import Testing

@testable import EventExtraction

/// A debugging aid: with `TRACE_ARTICLES=path[,path…]` (relative to `DevSet/`, feed items as
/// `file#N`), prints every sentence of each article with the candidate the detector finds in it,
/// then the events the article yields. Does nothing without the variable.
@Suite struct TraceTests {
  @Test func traceArticles() throws {
    guard let list = ProcessInfo.processInfo.environment["TRACE_ARTICLES"], let root = DevSetTests.root
    else { return }
    for spec in list.split(separator: ",") {
      let parts = spec.split(separator: "#")
      let path = root.appendingPathComponent(String(parts[0])).path
      let articles = try ArticleReader.read(path: path)
      let index = parts.count > 1 ? (Int(parts[1]) ?? 1) - 1 : 0
      guard index < articles.count else { continue }
      let a = articles[index]
      let ex = EventExtractor(options: ExtractionOptions(aliases: TickerAliasTable()))
      let doc = ex.buildDoc(a, reference: a.published?.date)
      print("=== \(spec) published \(a.published?.date.iso ?? "-")")
      for (sIx, r) in doc.sentenceRanges.enumerated() {
        let ms = doc.measures.filter { r.contains($0.range.lowerBound) }
        let c = ex.detect(doc, sentence: sIx, range: r, measures: ms, reference: a.published?.date)
        let mark =
          c.isEmpty
          ? "[ ]"
          : c.map {
            "[\($0.type)/\($0.action) actor \($0.actor ?? "-") \($0.targets) v \(doc.words[$0.trigger]) date \($0.date?.value ?? "-")]"
          }
          .joined()
        print("  \(sIx) \(mark) \(ex.text(doc, r).prefix(160))")
      }
      for e in ex.extract([a]).events {
        print(
          "  -> \(e.type)/\(e.action) \(e.actor) \(e.targets) \(e.announced?.iso ?? "-") conf \(e.confidence): \(e.evidence.prefix(80))"
        )
      }
    }
  }
}
