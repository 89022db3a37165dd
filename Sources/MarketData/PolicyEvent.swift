/// How precisely an event's announce date is known.
public enum DateGranularity: String, Sendable, CaseIterable, Codable {
  /// The exact day.
  case day
  /// Only the week.
  case week
  /// Only the month.
  case month
  /// No date could be resolved.
  case unknown
}

/// A trade-policy announcement found in one or more articles: the extractor's output and, through
/// `events.csv`, the study's input.
public struct PolicyEvent: Sendable, Equatable {
  /// Stable identifier, e.g. `E0001`.
  public var id: String
  /// The announce date (local to where it was announced), `nil` when unresolved.
  public var announced: CivilDate?
  /// How precisely `announced` is known.
  public var granularity: DateGranularity
  /// Local time of day of the announcement in minutes after midnight, when stated.
  public var announcedMinute: Int?
  /// IANA zone of `announcedMinute` (e.g. `America/New_York`), when known.
  public var timeZone: String?
  /// tariff, quota, import_ban, export_control, sanction, anti_dumping, agreement, negotiation,
  /// subsidy or other.
  public var type: String
  /// impose, threaten, propose, lift, extend, agree, rule or other.
  public var action: String
  /// restrict, liberalize or neutral.
  public var direction: String
  /// The announcing party (ISO 3166 alpha-2, `EU`, or an organisation name).
  public var actor: String
  /// The parties targeted.
  public var targets: [String]
  /// Commodities named (lower case, e.g. `rare earths`).
  public var commodities: [String]
  /// Companies named.
  public var companies: [String]
  /// Their tickers, exchange-suffixed outside the US.
  public var tickers: [String]
  /// Confidence in [0, 1].
  public var confidence: Double
  /// The sentence that states the event.
  public var evidence: String
  /// The articles (file names or URLs) that report it, earliest first.
  public var sources: [String]
  /// `true` when the date fell back to the publication date instead of a date in the text.
  public var dateFromPublication: Bool

  /// Creates an event.
  public init(
    id: String, announced: CivilDate?, granularity: DateGranularity, announcedMinute: Int? = nil,
    timeZone: String? = nil, type: String, action: String, direction: String, actor: String,
    targets: [String] = [], commodities: [String] = [], companies: [String] = [], tickers: [String] = [],
    confidence: Double = 1, evidence: String = "", sources: [String] = [], dateFromPublication: Bool = false
  ) {
    self.id = id
    self.announced = announced
    self.granularity = granularity
    self.announcedMinute = announcedMinute
    self.timeZone = timeZone
    self.type = type
    self.action = action
    self.direction = direction
    self.actor = actor
    self.targets = targets
    self.commodities = commodities
    self.companies = companies
    self.tickers = tickers
    self.confidence = confidence
    self.evidence = evidence
    self.sources = sources
    self.dateFromPublication = dateFromPublication
  }
}

/// One event as the study consumes it: a date, optionally a time and zone, the securities it
/// concerns, and any further columns (type, direction, …) usable for grouping.
public struct StudyEvent: Sendable, Equatable {
  /// Identifier (the `event_id` column, or the row number when absent).
  public var id: String
  /// The announce date, `nil` when the event file left it empty.
  public var date: CivilDate?
  /// Time of day in minutes after midnight in `timeZone`, when known.
  public var minute: Int?
  /// IANA time zone of `minute` (default: the security's exchange zone).
  public var timeZone: String?
  /// Tickers concerned.
  public var tickers: [String]
  /// Every other column, in file order, for grouping and cross-sectional regressions.
  public var attributes: [(name: String, value: String)]

  /// Creates a study event.
  public init(
    id: String, date: CivilDate?, minute: Int? = nil, timeZone: String? = nil, tickers: [String],
    attributes: [(name: String, value: String)] = []
  ) {
    self.id = id
    self.date = date
    self.minute = minute
    self.timeZone = timeZone
    self.tickers = tickers
    self.attributes = attributes
  }

  /// The value of an attribute column, or `nil`.
  public func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }

  /// Compares every field, attributes in order.
  public static func == (a: StudyEvent, b: StudyEvent) -> Bool {
    a.id == b.id && a.date == b.date && a.minute == b.minute && a.timeZone == b.timeZone
      && a.tickers == b.tickers && a.attributes.map(\.name) == b.attributes.map(\.name)
      && a.attributes.map(\.value) == b.attributes.map(\.value)
  }
}
