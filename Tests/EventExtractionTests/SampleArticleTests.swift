import EventExtraction
import Foundation
import MarketData
import Testing

/// End-to-end checks on `SampleData/articles` (its README gives the truth for each file).
@Suite struct SampleArticleTests {
  static var dir: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("SampleData/articles").path
  }

  static func run() throws -> ExtractionResult {
    let articles = try ArticleReader.read(path: dir)
    return EventExtractor(options: ExtractionOptions(aliases: TickerAliasTable.builtIn)).extract(articles)
  }

  static func events(_ r: ExtractionResult, _ source: String) -> [PolicyEvent] {
    r.events.filter { $0.sources.contains(source) }
  }

  @Test func urlDateAndDatelineDateTheOctoberControls() throws {
    let r = try SampleArticleTests.run()
    let a = try #require(r.articles.first { $0.article.hasPrefix("2025-10-09") })
    #expect(a.published?.date.iso == "2025-10-09")
    #expect(a.publishedSource == "url")
    let e = SampleArticleTests.events(r, "2025-10-09-china-expands-rare-earth-controls.txt")
    #expect(e.count == 1)
    #expect(e.first?.announced?.iso == "2025-10-09")
    #expect(e.first?.type == "export_control")
    #expect(e.first?.actor == "CN")
  }

  @Test func meetingVenuesAreNotActors() throws {
    let e = SampleArticleTests.events(
      try SampleArticleTests.run(), "2025-06-26-us-china-rare-earth-shipments.txt")
    #expect(e.count == 1)
    #expect(e.first?.type == "agreement")
    #expect(e.first?.actor == "US")
    #expect(e.first?.targets == ["CN"])
  }

  @Test func backgroundMentionsAndStatisticsAreNotEvents() throws {
    let r = try SampleArticleTests.run()
    let busan = SampleArticleTests.events(r, "feed.xml#1")
    #expect(busan.count == 1)
    #expect(busan.allSatisfy { $0.announced?.iso == "2025-10-30" })
    #expect(busan.first?.type == "agreement")
    #expect(SampleArticleTests.events(r, "feed.xml#2").isEmpty)
    #expect(SampleArticleTests.events(r, "2025-08-20-rare-earth-stocks-commentary.txt").isEmpty)
  }

  @Test func headlineAndBodyAreOneAnnouncementWithItsTime() throws {
    let e = SampleArticleTests.events(try SampleArticleTests.run(), "2025-04-02-liberation-day-tariffs.txt")
    #expect(e.count == 1)
    #expect(e.first?.type == "tariff")
    #expect(e.first?.action == "impose")
    #expect(e.first?.announcedMinute == 16 * 60)
    #expect(e.first?.timeZone == "America/New_York")
  }

  @Test func companiesGoWithTheirEvent() throws {
    let e = SampleArticleTests.events(
      try SampleArticleTests.run(), "2025-04-04-china-rare-earth-export-controls.html")
    #expect(e.count == 2)
    // Every event carries only companies the article names; nothing leaks from other articles.
    for x in e { #expect(!x.tickers.contains("ADM")) }
  }

  @Test func pentagonStakeAndPriceFloorAreASubsidyNamingMP() throws {
    let e = SampleArticleTests.events(
      try SampleArticleTests.run(), "2025-07-10-pentagon-mp-materials-partnership.html")
    #expect(e.count == 1)
    #expect(e.first?.type == "subsidy")
    #expect(e.first?.actor == "US")
    #expect(e.first?.direction == "neutral")
    #expect(e.first?.tickers.contains("MP") == true)
    #expect(e.first?.announced?.iso == "2025-07-10")
  }
}
