import MarketData

/// A publication (or reference) time: a day, optionally the minute of that day and the UTC offset
/// in minutes when the source stated them.
public typealias PublicationStamp = (date: CivilDate, minute: Int?, utcOffsetMinutes: Int?)

/// One article as read from a file, feed item or JSON record.
public struct Article: Sendable {
  /// The file name, or `file#N` (1-based) for the N-th item of a feed or JSON array/lines file.
  public var id: String
  /// The article's URL when known (canonical link, feed link, `URL:` header), else empty.
  public var url: String
  /// The headline, else empty.
  public var title: String
  /// The article text as plain text, paragraphs separated by newlines.
  public var body: String
  /// When the article was published, if found.
  public var published: PublicationStamp?
  /// Where `published` came from: `json-ld`, `meta`, `itemprop`, `time`, `feed`, `url`, `text`,
  /// `header`, `user` or `none`.
  public var publishedSource: String

  /// Creates an article.
  public init(
    id: String, url: String = "", title: String = "", body: String, published: PublicationStamp? = nil,
    publishedSource: String = "none"
  ) {
    self.id = id
    self.url = url
    self.title = title
    self.body = body
    self.published = published
    self.publishedSource = published == nil ? "none" : publishedSource
  }
}

/// A problem that did not stop reading or extraction, tied to an article and a position.
public struct ExtractionWarning: Sendable, Equatable, CustomStringConvertible {
  /// The file or article id the warning concerns.
  public var article: String
  /// Byte offset in the file (readers) or character offset in the article text (extractor), or
  /// `nil` when the warning concerns the whole article.
  public var offset: Int?
  /// What happened, in one line.
  public var message: String

  /// Creates a warning.
  public init(article: String, offset: Int? = nil, message: String) {
    self.article = article
    self.offset = offset
    self.message = message
  }

  /// `article[@offset]: message`.
  public var description: String {
    if let offset { return "\(article)@\(offset): \(message)" }
    return "\(article): \(message)"
  }
}

/// The errors of the extraction stage; each names the file (or article) and, where it applies,
/// the byte offset or line, and says what was expected.
public enum ExtractionError: Error, Equatable, CustomStringConvertible {
  /// The path could not be read.
  case unreadable(file: String, reason: String)
  /// A ticker alias table is malformed.
  case invalidAliasTable(file: String, line: Int, message: String)
  /// A date given by the user could not be read.
  case invalidDate(text: String, expected: String)
  /// The input holds no article.
  case noArticles(file: String)

  /// A one-line message naming the file and position.
  public var description: String {
    switch self {
    case .unreadable(let f, let r): return "\(f): cannot read (\(r))"
    case .invalidAliasTable(let f, let l, let m): return "\(f):\(l): \(m)"
    case .invalidDate(let t, let e): return "cannot read date \"\(t)\" (expected \(e))"
    case .noArticles(let f):
      return "\(f): no article found (expected .txt, .html, .xml/.rss/.atom, .json or .jsonl)"
    }
  }
}

/// What the extractor needs besides the articles.
public struct ExtractionOptions: Sendable {
  /// A publication date (and optionally minute and UTC offset) that overrides or supplies the
  /// articles' own (`--published`).
  public var published: PublicationStamp?
  /// The IANA zone of times the text states without a zone (`--timezone`).
  public var timeZone: String?
  /// Company names and tickers to recognise.
  public var aliases: TickerAliasTable
  /// Days within which reports of the same announcement are merged into one event.
  public var duplicateWindowDays: Int = 4

  /// Creates options with an alias table and no overrides.
  public init(aliases: TickerAliasTable) {
    self.aliases = aliases
  }
}

/// One row of `articles.csv`: what was read and how many events it held.
public struct ArticleSummary: Sendable {
  /// The article id (file name or `file#N`).
  public var article: String
  /// The headline.
  public var title: String
  /// The publication stamp used as reference, if any.
  public var published: PublicationStamp?
  /// Where `published` came from (`none` when unknown).
  public var publishedSource: String
  /// Number of events the article reported (before de-duplication across articles).
  public var eventCount: Int

  /// Creates a summary row.
  public init(
    article: String, title: String, published: PublicationStamp?, publishedSource: String, eventCount: Int
  ) {
    self.article = article
    self.title = title
    self.published = published
    self.publishedSource = publishedSource
    self.eventCount = eventCount
  }
}

/// What `EventExtractor.extract` returns.
public struct ExtractionResult: Sendable {
  /// One summary per article, in input order.
  public var articles: [ArticleSummary]
  /// The events, de-duplicated across articles, each dated by its earliest report.
  public var events: [PolicyEvent]
  /// Problems met on the way (unresolved dates, unreadable parts).
  public var warnings: [ExtractionWarning]

  /// Creates a result.
  public init(articles: [ArticleSummary], events: [PolicyEvent], warnings: [ExtractionWarning]) {
    self.articles = articles
    self.events = events
    self.warnings = warnings
  }
}
