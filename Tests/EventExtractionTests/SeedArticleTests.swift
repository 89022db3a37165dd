import EventExtraction
import MarketData
import Testing

/// The motivating case of issue 5: the seed article (verbatim) and a small alias table.
enum Seed {
  static let article = """
    US Announces Agreement With Beijing To Speed Up Rare Earth Shipments From China

    China news Today

    US Announces Agreement With Beijing To Speed Up Rare Earth Shipments From China


    In a key breakthrough set to reshape world supply chains, the United States has announced that a new agreement with Beijing will speed up the shipment of rare earth minerals from China. This comes amid ongoing tensions between the superpowers over trade, technology, and strategic materials, as the two global powers seek to stabilize key sectors amid broader geopolitical competitions.

    Rare earths, a group of 17 metallic elements used in high-tech electronics, defense, and clean energy technologies, have long been a point of contention in US-China trade negotiations. China today dominates most global production, accounting for over 60% of worldwide supply. The US and its partners have long been concerned with this dependence, especially as Beijing has previously used rare earth exports as a lever in diplomatic disagreements.

    The new deal, as per US officials, will reduce red tape and make the export licensing of American companies purchasing rare earths from China more predictable. As a quid pro quo, Washington has agreed to ease controls on Chinese mining firms operating outside China, particularly in Africa and Latin America.

    A US Department of Commerce official said, "This agreement is a reciprocal recognition of the strategic importance of rare earth minerals. It is another step in building a more diversified and more resilient supply chain but with fair competition."

    Chinese state media welcomed the agreement warmly, pointing to it as a move towards "pragmatic cooperation in a sensitive field." Beijing analysts view the agreement as a key indication that both sides are in the mood to compartmentalize their differences and cooperate on key global economic questions.

    But experts caution that the deal does not eliminate underlying tensions between the parties. National security concerns remain, particularly in Washington, where rare earths are considered vital to defense and aerospace markets. Concerns also linger that China's monopoly status in the rare earth market can still be used as leverage for future disputes.

    The news has already impacted markets, with shares in leading rare earth producers such as China Northern Rare Earth and US-listed MP Materials recording modest gains. Trade analysts are predicting that the pact will de-escalate tensions in trade in the short term, but sustained stability depends on how both nations manage their broader relationship.

    This brief moment of cooperation in US-China relations gives a hint at what cooperation in other important areas might look like in the future — but also serves as a reminder of the tenuous equation underpinning global trade.


    Sources & External Links

    Disqus Comments
    """

  static let tickers = """
    ticker,exchange,company,aliases,requires_cue
    MP,XNYS,MP Materials Corp,MP Materials;MP Materials Corp;MP Materials Corp.,true
    600111.SS,XSHG,China Northern Rare Earth (Group) High-Tech Co Ltd,China Northern Rare Earth;China Northern Rare Earth Group;Northern Rare Earth,false
    LYC.AX,XASX,Lynas Rare Earths Ltd,Lynas;Lynas Rare Earths,false
    ON,XNAS,ON Semiconductor Corp,onsemi;ON Semiconductor,true
    """
}

@Suite struct SeedArticleTests {
  func extract(published: CivilDate?) throws -> ExtractionResult {
    let (articles, warnings) = ArticleReader.read(
      bytes: Array(Seed.article.utf8), name: "rare-earth-agreement.txt")
    #expect(warnings.isEmpty)
    #expect(articles.count == 1)
    var options = ExtractionOptions(aliases: try TickerAliasTable.parse(Seed.tickers, file: "tickers.csv"))
    if let published { options.published = (published, nil, nil) }
    return EventExtractor(options: options).extract(articles)
  }

  @Test func withPublicationDateYieldsOneAgreement() throws {
    let result = try extract(published: CivilDate(year: 2025, month: 6, day: 26))
    #expect(result.events.count == 1)
    let e = try #require(result.events.first)
    #expect(e.type == "agreement")
    #expect(e.action == "agree")
    #expect(e.direction == "liberalize")
    #expect(e.actor == "US")
    #expect(e.targets == ["CN"])
    #expect(e.commodities.contains("rare earths"))
    #expect(e.tickers.contains("MP"))
    #expect(e.tickers.contains("600111.SS"))
    #expect(e.announced == CivilDate(year: 2025, month: 6, day: 26))
    #expect(e.granularity == .day)
    #expect(e.dateFromPublication)
    #expect(result.articles.first?.publishedSource == "user")
    #expect(result.articles.first?.eventCount == 1)
  }

  @Test func withoutDateTheEventIsUnresolvedWithAWarning() throws {
    let result = try extract(published: nil)
    #expect(result.events.count == 1)
    let e = try #require(result.events.first)
    #expect(e.announced == nil)
    #expect(e.granularity == .unknown)
    #expect(e.type == "agreement")
    #expect(!result.warnings.isEmpty)
    #expect(result.articles.first?.publishedSource == "none")
    let csv = ExtractionOutput.eventsCSV(result.events)
    let row = csv.split(separator: "\n")[1]
    #expect(row.hasPrefix("E0001,,unknown,"))
  }
}
