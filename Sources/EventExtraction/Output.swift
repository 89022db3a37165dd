import MarketData

/// Renders the extractor's three outputs (events, articles, dates) as CSV or JSON Lines, so the
/// command-line front end only writes strings to files.
public enum ExtractionOutput {
  /// The events CSV header (`market-impact study` reads `event_id`, `announced`,
  /// `announced_time`, `timezone` and `tickers`; the rest become grouping attributes).
  public static let eventColumns = [
    "event_id", "announced", "granularity", "announced_time", "timezone", "type", "action", "direction",
    "actor",
    "targets", "commodities", "companies", "tickers", "confidence", "evidence", "sources", "date_source",
  ]

  /// The articles CSV header.
  public static let articleColumns = ["article", "title", "published", "published_source", "event_count"]

  /// The dates CSV header.
  public static let dateColumns = ["start", "end", "text", "value", "granularity"]

  static func row(_ fields: [String]) -> String {
    fields.map { CSVText.escape($0) }.joined(separator: ",") + "\n"
  }

  static func clock(_ minute: Int?) -> String {
    guard let minute else { return "" }
    return EventFile.formatClock(minute)
  }

  static func confidence(_ c: Double) -> String {
    let v = Int((c * 100).rounded())
    let whole = v / 100
    let frac = v % 100
    return "\(whole)." + (frac < 10 ? "0\(frac)" : "\(frac)")
  }

  static func fields(_ e: PolicyEvent) -> [String] {
    [
      e.id, e.announced?.iso ?? "", e.granularity.rawValue, clock(e.announcedMinute), e.timeZone ?? "",
      e.type,
      e.action, e.direction, e.actor, e.targets.joined(separator: ";"), e.commodities.joined(separator: ";"),
      e.companies.joined(separator: ";"), e.tickers.joined(separator: ";"), confidence(e.confidence),
      e.evidence,
      e.sources.joined(separator: ";"),
      e.announced == nil ? "unresolved" : (e.dateFromPublication ? "publication" : "text"),
    ]
  }

  /// The events as CSV with `eventColumns` (lists `;`-separated, RFC 4180 quoting, `announced`
  /// empty when unresolved, `date_source` = text, publication or unresolved).
  public static func eventsCSV(_ events: [PolicyEvent]) -> String {
    var out = row(eventColumns)
    for e in events { out += row(fields(e)) }
    return out
  }

  /// The events as JSON Lines: one object per event with the CSV's keys, lists as arrays,
  /// `confidence` a number and `announced`/`announced_time`/`timezone` `null` when unknown.
  public static func eventsJSONLines(_ events: [PolicyEvent]) -> String {
    var out = ""
    for e in events {
      var parts: [String] = []
      func s(_ k: String, _ v: String?) {
        parts.append("\"\(k)\":" + (v.map { JSONText.quote($0) } ?? "null"))
      }
      func a(_ k: String, _ v: [String]) {
        parts.append("\"\(k)\":[" + v.map { JSONText.quote($0) }.joined(separator: ",") + "]")
      }
      s("event_id", e.id)
      s("announced", e.announced?.iso)
      s("granularity", e.granularity.rawValue)
      s("announced_time", e.announcedMinute.map { EventFile.formatClock($0) })
      s("timezone", e.timeZone)
      s("type", e.type)
      s("action", e.action)
      s("direction", e.direction)
      s("actor", e.actor)
      a("targets", e.targets)
      a("commodities", e.commodities)
      a("companies", e.companies)
      a("tickers", e.tickers)
      parts.append("\"confidence\":" + confidence(e.confidence))
      s("evidence", e.evidence)
      a("sources", e.sources)
      s("date_source", e.announced == nil ? "unresolved" : (e.dateFromPublication ? "publication" : "text"))
      out += "{" + parts.joined(separator: ",") + "}\n"
    }
    return out
  }

  /// A publication stamp as ISO 8601: `YYYY-MM-DD`, with `THH:MM` and `±HH:MM`/`Z` when known.
  public static func stamp(_ p: PublicationStamp?) -> String {
    guard let p else { return "" }
    var s = p.date.iso
    if let m = p.minute {
      s += "T" + EventFile.formatClock(m)
      if let o = p.utcOffsetMinutes {
        if o == 0 {
          s += "Z"
        } else {
          let a = abs(o)
          s += (o < 0 ? "-" : "+") + EventFile.formatClock(a)
        }
      }
    }
    return s
  }

  /// `articles.csv`: `article,title,published,published_source,event_count`, one row per article.
  public static func articlesCSV(_ articles: [ArticleSummary]) -> String {
    var out = row(articleColumns)
    for a in articles {
      out += row([a.article, a.title, stamp(a.published), a.publishedSource, String(a.eventCount)])
    }
    return out
  }

  /// The dates CSV: `start,end,text,value,granularity` (offsets in Unicode scalars, end exclusive).
  public static func datesCSV(_ expressions: [TimeExpression]) -> String {
    var out = row(dateColumns)
    for x in expressions {
      out += row([String(x.start), String(x.end), x.text, x.value, x.granularity.rawValue])
    }
    return out
  }
}
