import EventExtraction
import MarketData

/// The extract options as the user typed them.
public struct ExtractSettings: Sendable, Equatable {
  /// Alias tables (`ticker,exchange,company,aliases,requires_cue`), merged in order.
  public var tickerFiles: [String] = []
  /// Publication date override `YYYY-MM-DD` (optionally `THH:MM±HH:MM`).
  public var published: String?
  /// Zone of naive times.
  public var timeZone: String?

  /// Defaults.
  public init() {}
}

/// Runs the extract stage: articles → trade-policy events.
public enum ExtractStage {
  /// Article file extensions read from directories.
  public static let extensions: Set<String> = ["txt", "html", "htm", "xml", "rss", "atom", "json", "jsonl"]

  /// Reads every article under `paths` and extracts events. Unreadable articles become warnings.
  public static func run(paths: [String], settings: ExtractSettings, onWarning: (String) -> Void)
    throws(PipelineError) -> ExtractionResult
  {
    var aliases = TickerAliasTable.builtIn
    for file in settings.tickerFiles {
      let text = try Inputs.readText(file)
      do { aliases = aliases.merging(try TickerAliasTable.parse(text, file: file)) } catch {
        throw .stage(error.description)
      }
    }
    var options = ExtractionOptions(aliases: aliases)
    if let p = settings.published {
      guard let stamp = parseStamp(p) else {
        throw .invalidArgument(
          "--published \"\(p)\" is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM±HH:MM)")
      }
      options.published = stamp
    }
    options.timeZone = settings.timeZone
    var articles: [Article] = []
    for file in try Inputs.files(paths, extensions: extensions) {
      do {
        let (read, warnings) = try ArticleReader.readWithWarnings(path: file)
        articles += read
        for w in warnings { onWarning(w.description) }
      } catch { onWarning(error.description) }
    }
    let result = EventExtractor(options: options).extract(articles)
    for w in result.warnings { onWarning(w.description) }
    return result
  }

  /// Tags the time expressions of `text` against `reference` (`YYYY-MM-DD`).
  public static func dates(text: String, reference: String?) throws(PipelineError) -> [TimeExpression] {
    var ref: CivilDate? = nil
    if let reference {
      guard let d = CivilDate(iso: reference) else {
        throw .invalidArgument("--reference \"\(reference)\" is not a date (expected YYYY-MM-DD)")
      }
      ref = d
    }
    return TemporalTagger().tag(text, reference: ref)
  }

  /// Reads `YYYY-MM-DD`, optionally followed by `THH:MM` and a `Z` or `±HH:MM` offset.
  static func parseStamp(_ s: String) -> PublicationStamp? {
    guard let date = CivilDate(iso: s.prefix(10)) else { return nil }
    let rest = Array(s.dropFirst(10))
    if rest.isEmpty { return (date, nil, nil) }
    guard rest.count >= 6, rest[0] == "T" || rest[0] == " ",
      let minute = EventFile.parseClock(String(rest[1..<6]))
    else { return nil }
    var tail = rest.dropFirst(6)
    if tail.first == ":" { tail = tail.dropFirst(3) }
    if tail.isEmpty { return (date, minute, nil) }
    if tail == ["Z"] { return (date, minute, 0) }
    guard let sign = tail.first, sign == "+" || sign == "-",
      let off = EventFile.parseClock(String(tail.dropFirst()).replacingColonless())
    else { return nil }
    return (date, minute, sign == "-" ? -off : off)
  }
}

extension String {
  fileprivate func replacingColonless() -> String {
    count == 4 && !contains(":") ? String(prefix(2)) + ":" + String(suffix(2)) : self
  }
}

extension ExtractStage {
  /// The events as CSV (`csv`) or JSON Lines (`jsonl`).
  public static func render(_ result: ExtractionResult, format: String) throws(PipelineError) -> String {
    switch format.lowercased() {
    case "csv": return ExtractionOutput.eventsCSV(result.events)
    case "jsonl", "json-lines", "ndjson": return ExtractionOutput.eventsJSONLines(result.events)
    default: throw .invalidArgument("--format \"\(format)\" is not an output format (expected csv or jsonl)")
    }
  }

  /// One row per article: `article,title,published,published_source,event_count`.
  public static func renderArticles(_ result: ExtractionResult) -> String {
    ExtractionOutput.articlesCSV(result.articles)
  }

  /// Time expressions as `start,end,text,value,granularity`.
  public static func renderDates(_ expressions: [TimeExpression]) -> String {
    ExtractionOutput.datesCSV(expressions)
  }
}
