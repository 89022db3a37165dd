import MarketData

/// Finds trade-policy announcements in articles, classifies and dates them, resolves parties,
/// commodities and tickers, and merges reports of the same announcement across articles.
///
/// Detection is sentence by sentence: a measure word (tariff, export controls, agreement…) and a
/// trigger verb (impose, lift, agree…) in the same clause, without hedging, negation, commentary
/// or background cues. The announce date comes from a time expression in that sentence (not an
/// effective or expiry date), else the dateline, else the publication date (marked as such).
public struct EventExtractor: Sendable {
  /// The options (publication override, zone, alias table).
  public var options: ExtractionOptions

  /// Creates an extractor.
  public init(options: ExtractionOptions) {
    self.options = options
  }

  static let parties = PhraseMatcher(PartyLexicon.entries)
  static let measures = PhraseMatcher(EventLexicon.measures)
  static let commodities = PhraseMatcher(EventLexicon.commodities)

  /// Extracts the events of `articles`.
  public func extract(_ articles: [Article]) -> ExtractionResult {
    var summaries: [ArticleSummary] = []
    var all: [(event: PolicyEvent, published: CivilDate?, order: Int)] = []
    var warnings: [ExtractionWarning] = []
    for (n, a) in articles.enumerated() {
      let published = options.published ?? a.published
      let (events, w) = extract(article: a, published: published)
      warnings += w
      summaries.append(
        ArticleSummary(
          article: a.id, title: a.title, published: published,
          publishedSource: options.published != nil ? "user" : a.publishedSource, eventCount: events.count))
      for e in events { all.append((e, published?.date, n)) }
    }
    let merged = EventExtractor.deduplicate(
      all.map { ($0.event, $0.published) }, window: options.duplicateWindowDays)
    return ExtractionResult(articles: summaries, events: merged, warnings: warnings)
  }

  // MARK: one article

  struct Candidate {
    var sentence: Int
    var trigger: Int
    var type: String
    var action: String
    var direction: String
    var actor: String?
    var targets: [String]
    var commodities: [String]
    var date: TimeExpression?
    /// A time of day stated in the sentence that is not an effective time.
    var time: TimeExpression? = nil
    var evidence: String
    var confidence: Double
    var fromTitle: Bool
    var hasParty = true
    /// Sentences that reported this event (grows when candidates merge).
    var sentences: [Int] = []
    /// The actor is named in the sentence as the subject of the trigger verb (or after "by").
    var subject = false
    /// The sentence dates the announcement within a week before the publication.
    var recent = false
    /// The sentence speaks in the future or conditional ("will", "would", "plans to").
    var future = false
    /// The sentence dates the step weeks back or only by an earlier month ("in June").
    var stale = false
    /// The sentence opens with "Separately" or "In a separate …": a second piece of news.
    var separate = false
  }

  struct Doc {
    var bytes: [UInt8]
    var tokens: [Token]
    var words: [String]
    var sentence: [Int32]
    var sentenceRanges: [Range<Int>]
    var titleEnd: Int  // tokens before this index belong to the title
    var expressions: [(TimeExpression, Range<Int>)]
    var parties: [(code: String, range: Range<Int>, generic: Bool)]
    var measures: [(type: String, range: Range<Int>, key: String)]
    var commodities: [(name: String, range: Range<Int>)]
    var datelineRange: Range<Int> = 0..<0
  }

  static let lowerCaseAgencies: Set<String> = [
    "commerce ministry", "ministry of commerce", "commerce department", "department of commerce",
    "treasury department", "the bloc", "bloc",
  ]

  static let genericParties: Set<String> = [
    "commerce ministry", "ministry of commerce", "commerce department", "department of commerce",
    "treasury department",
    "congress", "senate", "bloc", "the bloc", "state council", "europe", "european",
  ]

  func buildDoc(_ a: Article, reference: CivilDate?) -> Doc {
    var text = a.body
    var titleIncluded = false
    if !a.title.isEmpty {
      let head = a.body.prefix(a.title.count + 400)
      if !head.contains(a.title) {
        text = a.title + "\n\n" + a.body
        titleIncluded = true
      }
    }
    let bytes = Array(text.utf8)
    let (tokens, words) = Tokenizer.tokenize(bytes)
    let sentence = Tokenizer.sentences(tokens, words)
    var ranges: [Range<Int>] = []
    var s = 0
    for i in 0..<tokens.count where i + 1 == tokens.count || sentence[i + 1] != sentence[i] {
      ranges.append(s..<(i + 1))
      s = i + 1
    }
    var titleEnd = 0
    if titleIncluded || !a.title.isEmpty {
      // The title is the first sentence(s) up to the first line break after its length.
      let titleScalars = a.title.unicodeScalars.count
      while titleEnd < tokens.count, tokens[titleEnd].start < titleScalars { titleEnd += 1 }
    }
    let xs = TemporalTagger().tag(
      bytes: bytes, tokens: tokens, words: words, sentences: sentence, reference: reference)
    var expressions: [(TimeExpression, Range<Int>)] = []
    var ti = 0
    for x in xs {
      while ti < tokens.count, tokens[ti].start < x.start { ti += 1 }
      var tj = ti
      while tj < tokens.count, tokens[tj].end <= x.end { tj += 1 }
      expressions.append((x, ti..<max(ti + 1, tj)))
    }
    var parties: [(String, Range<Int>, Bool)] = []
    var measures: [(String, Range<Int>, String)] = []
    var commodities: [(String, Range<Int>)] = []
    var i = 0
    while i < tokens.count {
      let t = tokens[i]
      guard t.kind == .word else {
        i += 1
        continue
      }
      // Dotted abbreviations: U.S., U.K., E.U.
      if t.capitalized, words[i].count == 1, i + 3 < tokens.count, tokens[i + 1].scalar == ".",
        tokens[i + 2].kind == .word, words[i + 2].count == 1, tokens[i + 2].capitalized,
        !tokens[i + 2].spaceBefore
      {
        var key = words[i] + words[i + 2]
        var e = i + 3
        if e < tokens.count, tokens[e].scalar == "." { e += 1 }
        if e + 1 < tokens.count, tokens[e].kind == .word, words[e].count == 1, !tokens[e].spaceBefore,
          tokens[e].capitalized
        {
          key += words[e]
          e += 1
          if e < tokens.count, tokens[e].scalar == "." { e += 1 }
        }
        let code: String? = ["us": "US", "usa": "US", "uk": "GB", "eu": "EU", "un": nil][key] ?? nil
        if let code {
          parties.append((code, i..<e, false))
          i = e
          continue
        }
      }
      if t.lex & 1 != 0,
        let (entry, e, _) = EventExtractor.parties.match(tokens, words, at: i, limit: tokens.count)
      {
        let ok = !entry.caseSensitive || tokens[i].allCaps
        let key = words[i..<e].filter { !$0.isEmpty }.joined(separator: " ")
        // Leaders and capitals must be capitalised; demonyms and names too (avoids "turkey", "china"
        // ware); agencies named generically may be lower case ("the commerce ministry said").
        if ok, tokens[i].capitalized || tokens[i].allCaps || EventExtractor.lowerCaseAgencies.contains(key) {
          // A city after "in"/"at"/"near" is where something happened, not who did it.
          if i > 0, ["in", "at", "near", "outside"].contains(words[i - 1]), PartyLexicon.cities.contains(key)
          {
            i = e
            continue
          }
          parties.append((entry.code, i..<e, EventExtractor.genericParties.contains(key)))
          i = e
          continue
        }
      }
      if t.lex & 2 != 0,
        let (type, e, _) = EventExtractor.measures.match(tokens, words, at: i, limit: tokens.count)
      {
        measures.append((type, i..<e, words[i..<e].filter { !$0.isEmpty }.joined(separator: " ")))
      }
      if t.lex & 4 != 0,
        let (name, e, _) = EventExtractor.commodities.match(tokens, words, at: i, limit: tokens.count)
      {
        commodities.append((name, i..<e))
        i = e
        continue
      }
      i += 1
    }
    return Doc(
      bytes: bytes, tokens: tokens, words: words, sentence: sentence, sentenceRanges: ranges,
      titleEnd: titleEnd,
      expressions: expressions, parties: parties.map { (code: $0.0, range: $0.1, generic: $0.2) },
      measures: measures.map { (type: $0.0, range: $0.1, key: $0.2) },
      commodities: commodities.map { (name: $0.0, range: $0.1) })
  }

  func extract(article a: Article, published: PublicationStamp?) -> ([PolicyEvent], [ExtractionWarning]) {
    let reference = published?.date
    var doc = buildDoc(a, reference: reference)
    let dateline = EventExtractor.dateline(doc)
    doc.datelineRange = dateline.range
    var warnings: [ExtractionWarning] = []
    var candidates: [Candidate] = []
    var mi = 0
    for (sIx, r) in doc.sentenceRanges.enumerated() {
      while mi < doc.measures.count, doc.measures[mi].range.lowerBound < r.lowerBound { mi += 1 }
      var ms: [(type: String, range: Range<Int>, key: String)] = []
      var k = mi
      while k < doc.measures.count, doc.measures[k].range.lowerBound < r.upperBound {
        ms.append(doc.measures[k])
        k += 1
      }
      for var c in detect(doc, sentence: sIx, range: r, measures: ms, reference: reference) {
        if c.evidence == a.title { c.fromTitle = true }
        candidates.append(c)
      }
    }
    // Article-level fallbacks: the lead sentence's date, the dateline (date and city), the main actor.
    let leadDate = EventExtractor.leadDate(doc, reference: reference)
    var groups: [Candidate] = []
    var keyOf: [String: Int] = [:]
    let mainActor = candidates.lazy.compactMap { $0.actor }.first ?? dateline.actor ?? doc.parties.first?.code
    // Measures that are parts of another event of the article: tariff duties of an anti-dumping
    // case, tariff cuts and lifts by the parties of an agreement.
    var dumpingActors = Set(
      candidates.filter { $0.type == "anti_dumping" }.compactMap { $0.actor ?? mainActor })
    // An article whose headline or lead names an anti-dumping or countervailing case: its
    // duties are that case's.
    let leadEnd = doc.sentenceRanges.prefix(3).last?.upperBound ?? 0
    if let main = mainActor,
      doc.measures.contains(where: {
        $0.type == "anti_dumping" && $0.range.lowerBound < max(leadEnd, doc.titleEnd)
          && ($0.key.contains("dump") || $0.key.contains("countervailing") || $0.key.contains("subsidy"))
      })
    {
      dumpingActors.insert(main)
    }
    var agreementParties = Set<String>()
    for k in candidates.indices {
      let actor = candidates[k].actor ?? mainActor ?? ""
      if candidates[k].type == "tariff", dumpingActors.contains(actor) { candidates[k].type = "anti_dumping" }
      if candidates[k].type == "agreement" {
        agreementParties.insert(actor)
        for t in candidates[k].targets { agreementParties.insert(t) }
      } else if candidates[k].action == "lift", agreementParties.contains(actor), !candidates[k].fromTitle {
        candidates[k].type = "agreement"
        candidates[k].action = "agree"
        candidates[k].direction = "liberalize"
      }
    }
    // A headline restates the body's announcement: drop title candidates whose type (and actor)
    // a body sentence also reports, whatever verb the headline used.
    let bodyCandidates = candidates.filter { !$0.fromTitle }
    let headlineTypes = Set(candidates.filter(\.fromTitle).map(\.type))
    candidates.removeAll { c in
      c.fromTitle
        && bodyCandidates.contains { b in
          !b.fromTitle
            && ((b.actor ?? mainActor) == (c.actor ?? mainActor)
              || c.targets.contains(b.actor ?? "") && b.targets.contains(c.actor ?? ""))
            && (b.type == c.type
              && (b.action == c.action || c.action == "propose" || c.action == "other")
              || b.action == c.action && b.action != "impose")
        }
    }
    for var c in candidates {
      if c.actor == nil { c.actor = mainActor }
      guard let actor = c.actor else { continue }
      c.targets.removeAll { $0 == actor }
      if c.targets.isEmpty, c.type == "agreement" || c.type == "negotiation" {
        // The other party of an agreement: the first other party in the article.
        if let other = doc.parties.first(where: { $0.code != actor })?.code { c.targets = [other] }
      }
      let actionKey = c.type == "agreement" || c.type == "negotiation" ? "agree" : c.action
      var key = c.type + "|" + actor + "|" + actionKey
      // One deal per article: its parties' steps ("Japan will cut tariffs") join the agreement.
      if c.type == "agreement", keyOf[key] == nil,
        let g = groups.firstIndex(where: {
          $0.type == "agreement" && ($0.targets.contains(actor) || c.targets.contains($0.actor ?? ""))
        })
      {
        key = groups[g].type + "|" + (groups[g].actor ?? "") + "|agree"
      }
      // The same step against other targets in another sentence is another event ("Switzerland
      // will face a 39% tariff … In a separate order, Trump raised the tariff on Canadian goods").
      if let g = keyOf[key], c.type != "agreement", c.type != "negotiation", !groups[g].targets.isEmpty,
        !c.targets.isEmpty, Set(groups[g].targets).isDisjoint(with: c.targets),
        !groups[g].sentences.contains(c.sentence), c.separate || groups[g].separate
      {
        key += "|" + c.targets.joined(separator: ",")
      }
      if let g = keyOf[key] {
        var m = groups[g]
        for t in c.targets where !m.targets.contains(t) { m.targets.append(t) }
        for x in c.commodities where !m.commodities.contains(x) { m.commodities.append(x) }
        m.sentences += c.sentences
        if m.time == nil, let t = c.time, m.date == nil || c.date == nil || m.date?.date == c.date?.date {
          m.time = t
        }
        if m.date == nil, c.date != nil {
          m.date = c.date
          if m.fromTitle { m.evidence = c.evidence }
        }
        if m.fromTitle && !c.fromTitle && m.date == nil {
          m.evidence = c.evidence
          m.fromTitle = false
        }
        m.confidence = min(0.99, max(m.confidence, c.confidence) + 0.05)
        m.subject = m.subject || c.subject
        m.recent = m.recent || c.recent
        m.future = m.future && c.future
        m.stale = m.stale && c.stale
        m.separate = m.separate || c.separate
        groups[g] = m
      } else if c.hasParty {
        keyOf[key] = groups.count
        groups.append(c)
      }
    }
    let paragraphOf = EventExtractor.paragraphs(doc)
    groups = EventExtractor.select(groups, doc, paragraphOf: paragraphOf, headlineTypes: headlineTypes)
    let mentions = options.aliases.mentions(doc.tokens, doc.words, doc.bytes)
    let leadTime = EventExtractor.leadTime(doc)
    // Companies go with the event whose sentence or paragraph names them; companies tied to no
    // event (a market-reaction paragraph, the headline) go with every event of the article.
    var eventParagraphs: [Set<Int>] = []
    for g in groups {
      var ps = Set<Int>()
      for sIx in g.sentences where sIx < doc.sentenceRanges.count {
        let t = doc.sentenceRanges[sIx].lowerBound
        if t >= doc.titleEnd { ps.insert(paragraphOf[t]) }
      }
      eventParagraphs.append(ps)
    }
    let tied = eventParagraphs.reduce(into: Set<Int>()) { $0.formUnion($1) }
    var events: [PolicyEvent] = []
    for (gIx, g) in groups.enumerated() {
      var entryIxs: [Int] = []
      for m in mentions where !entryIxs.contains(m.entry) {
        let par = m.token < doc.titleEnd ? -1 : paragraphOf[m.token]
        if groups.count == 1 || eventParagraphs[gIx].contains(par) || !tied.contains(par) {
          entryIxs.append(m.entry)
        }
      }
      let companies = entryIxs.map { options.aliases.entries[$0].company }
      let tickers = entryIxs.map { options.aliases.entries[$0].ticker }
      var announced: CivilDate? = nil
      var granularity = DateGranularity.unknown
      var minute: Int? = nil
      var zone: String? = nil
      var fromPublication = false
      if let x = g.date, let d = x.date {
        announced = d
        granularity = x.dateGranularity
        if x.granularity == .time {
          minute = x.minute
          zone = x.timeZone ?? options.timeZone
        }
      } else if let x = leadDate, let d = x.date {
        announced = d
        granularity = x.dateGranularity
      } else if let d = dateline.date {
        announced = d
        granularity = .day
      } else if let p = published {
        announced = p.date
        granularity = .day
        fromPublication = true
      } else {
        warnings.append(
          ExtractionWarning(
            article: a.id, offset: doc.tokens[g.trigger].start,
            message:
              "no publication date and no absolute date in the text: event date left unresolved (give --published)"
          ))
      }
      // The time of the announcement: stated in the event's sentence, else in the lead sentence
      // for the same day.
      if minute == nil, granularity == .day, let d = announced {
        if let t = g.time, let m = t.minute {
          minute = m
          zone = t.timeZone ?? options.timeZone
        } else if let t = leadTime, let m = t.minute, t.date == d {
          minute = m
          zone = t.timeZone ?? options.timeZone
        }
      }
      var commodities = g.commodities
      if commodities.isEmpty {
        // Commodities named in the title or the lead describe the article's event.
        let lead = doc.sentenceRanges.prefix(3).last?.upperBound ?? 0
        for c in doc.commodities
        where c.range.lowerBound < max(lead, doc.titleEnd) && !commodities.contains(c.name) {
          commodities.append(c.name)
        }
      }
      var conf = g.confidence
      if announced == nil { conf -= 0.1 }
      if fromPublication { conf -= 0.05 }
      events.append(
        PolicyEvent(
          id: "", announced: announced, granularity: announced == nil ? .unknown : granularity,
          announcedMinute: minute,
          timeZone: zone, type: g.type, action: g.action, direction: g.direction, actor: g.actor ?? "",
          targets: g.targets, commodities: commodities, companies: companies, tickers: tickers,
          confidence: max(0.05, min(0.99, conf)), evidence: g.evidence,
          sources: [a.url.isEmpty ? a.id : a.id],
          dateFromPublication: fromPublication))
    }
    return (events, warnings)
  }

  // MARK: article-level scoring

  /// Article genres whose trade-policy words are usually context, not news: earnings reports,
  /// statistics releases, market wraps, previews and opinion. Returns how many genre cues the body
  /// carries (distinct cue words per genre, the strongest genre counts).
  static func genreStrength(_ doc: Doc) -> Int {
    var seen = Set<String>()
    for i in doc.titleEnd..<doc.words.count where doc.tokens[i].kind == .word {
      let w = doc.words[i]
      if genreCues[w] != nil { seen.insert(w) }
    }
    var perGenre: [String: Int] = [:]
    for w in seen { if let g = genreCues[w] { perGenre[g, default: 0] += 1 } }
    return perGenre.values.max() ?? 0
  }

  static let genreCues: [String: String] = {
    var m: [String: String] = [:]
    func add(_ g: String, _ ws: String) { for w in ws.split(separator: " ") { m[String(w)] = g } }
    add(
      "earnings",
      "earnings revenue revenues profit profits quarterly guidance outlook margin margins eps fiscal forecast forecasts results"
    )
    add(
      "statistics",
      "surplus deficit year-on-year statistics figures data customs grew contracted widened narrowed")
    add("market", "shares stocks index futures investors traders yields bonds rallied slumped benchmark")
    add("opinion", "we our i should opinion column argue")
    add("preview", "ahead upcoming summit scheduled due expected")
    return m
  }()

  /// Scores the candidate events of one article and keeps those that state news. Wire copy puts
  /// the article's announcement in the headline and the lead paragraph; a later sentence is news
  /// only with its own evidence (the actor as subject, a recent date). Articles of a non-event
  /// genre (earnings, statistics, markets, opinion, previews) need stronger evidence throughout.
  static func select(
    _ groups: [Candidate], _ doc: Doc, paragraphOf: [Int], headlineTypes: Set<String>
  ) -> [Candidate] {
    guard !groups.isEmpty else { return groups }
    // Body paragraphs in order; the lead paragraph is the first one with a sentence of six words.
    var rank: [Int: Int] = [:]
    for r in doc.sentenceRanges where r.lowerBound >= doc.titleEnd {
      let p = paragraphOf[r.lowerBound]
      if rank[p] == nil, r.filter({ doc.tokens[$0].kind == .word }).count >= 6 { rank[p] = rank.count }
    }
    let genre = genreStrength(doc)
    var scored: [(Candidate, Double)] = []
    for g in groups {
      var s = 0.5
      var title = false
      var first = Int.max
      for sIx in g.sentences where sIx < doc.sentenceRanges.count {
        let lo = doc.sentenceRanges[sIx].lowerBound
        if lo < doc.titleEnd { title = true } else { first = min(first, rank[paragraphOf[lo]] ?? 99) }
      }
      if title || headlineTypes.contains(g.type) { s += 0.1 }
      if first == 0 {
        s += 0.15
      } else if first == 1 {
        s += 0.05
      } else if first >= 3, first != Int.max {
        s -= 0.1
      }
      // A headline the body never restates is weaker evidence than a lead sentence.
      if first == Int.max { s -= 0.05 }
      if g.subject { s += 0.1 }
      if g.recent { s += 0.1 }
      if g.future, !["threaten", "propose"].contains(g.action) { s -= 0.05 }
      if g.stale, !title, first != 0 { s -= 0.15 }
      if g.separate, g.recent || g.date == nil { s += 0.1 }
      if genre >= 4 { s -= 0.15 } else if genre >= 3 { s -= 0.05 }
      var c = g
      c.confidence = min(0.99, max(0.05, s))
      scored.append((c, s))
    }
    // Without a candidate in the headline or the lead paragraph the article is about something
    // else (earnings, data, a retrospective): a later sentence needs its own recent date.
    let leadNews = scored.contains { c, _ in
      c.sentences.contains { sIx in
        sIx < doc.sentenceRanges.count
          && (doc.sentenceRanges[sIx].lowerBound < doc.titleEnd
            || rank[paragraphOf[doc.sentenceRanges[sIx].lowerBound]] == 0)
      } || headlineTypes.contains(c.type)
    }
    if !leadNews {
      scored.removeAll { c, _ in
        !c.recent
          || !c.separate
            && !c.sentences.contains { sIx in
              sIx < doc.sentenceRanges.count
                && rank[paragraphOf[doc.sentenceRanges[sIx].lowerBound]] ?? 99 <= 2
            }
      }
    }
    let best = scored.map(\.1).max() ?? 0
    return scored.filter {
      $0.1 >= mainThreshold - 1e-9 && ($0.1 >= best - 1e-9 || $0.1 >= secondThreshold - 1e-9)
    }.map(\.0)
  }

  static let mainThreshold = 0.5
  static let secondThreshold = 0.65

  // MARK: sentence-level detection

  static let importWords: Set<String> = [
    "imports", "import", "importing", "purchases", "buying", "shipments", "entry",
  ]
  static let exportWords: Set<String> = [
    "exports", "export", "exporting", "sales", "shipments", "supplies", "supply",
  ]
  static let barVerbs: Set<String> = [
    "ban", "bans", "banned", "banning", "halt", "halts", "halted", "halting", "suspend", "suspends",
    "suspended",
    "suspending", "block", "blocks", "blocked", "blocking", "restrict", "restricts", "restricted",
    "restricting",
    "curb", "curbs", "curbed", "curbing", "stop", "stops", "stopped", "bar", "bars", "barred", "barring",
    "prohibit", "prohibits", "prohibited", "limit", "limits", "limited", "limiting", "wind", "winds",
    "winding", "phase", "phases", "phased", "phasing",
  ]
  static let resumeVerbs: Set<String> = [
    "resume", "resumes", "resumed", "resuming", "allow", "allows", "allowed", "reopen", "reopens", "reopened",
    "approve", "approves", "approved",
  ]
  static let liberalizingContext: Set<String> = [
    "exemption", "exemptions", "exclusion", "exclusions", "truce", "pause", "suspension", "waiver", "waivers",
    "reprieve", "moratorium",
  ]
  static let statisticsCues: Set<String> = [
    "data", "figures", "statistics", "showed", "shows", "surplus", "deficit", "index", "survey", "percent",
  ]

  func text(_ doc: Doc, _ r: Range<Int>) -> String {
    guard !r.isEmpty else { return "" }
    let s = doc.tokens[r.lowerBound].byteStart
    let e = doc.tokens[r.upperBound - 1].byteEnd
    return String(decoding: doc.bytes[s..<e], as: UTF8.self).split(whereSeparator: { $0 == "\n" }).joined(
      separator: " ")
  }

  func detect(
    _ doc: Doc, sentence sIx: Int, range r: Range<Int>,
    measures ms: [(type: String, range: Range<Int>, key: String)],
    reference: CivilDate?
  ) -> [Candidate] {
    let words = doc.words
    let tokens = doc.tokens
    // Find (measure type, trigger verb, action) options: the nearest measure of every trigger verb.
    var options: [Option] = []
    func offer(_ o: Option) {
      if let k = options.firstIndex(where: { $0.verb == o.verb }) {
        if o.dist < options[k].dist { options[k] = o }
      } else {
        options.append(o)
      }
    }
    for i in r where tokens[i].kind == .word {
      let w = words[i]
      // Verb + imports/exports ("halted imports of…", "resumed exports").
      // After a possessive the word is a noun ("the EU's ban on imports").
      let possessed =
        i >= r.lowerBound + 2 && words[i - 1] == "s"
        && (tokens[i - 2].scalar == "'" || tokens[i - 2].scalar == "\u{2019}")
      if !possessed, EventExtractor.barVerbs.contains(w) || EventExtractor.resumeVerbs.contains(w),
        EventExtractor.particleOK(words, i, r),
        !EventExtractor.backgroundClause(doc, verb: i, sentence: r)
      {
        var j = i + 1
        var steps = 0
        while j < r.upperBound, steps < 5 {
          let o = words[j]
          if EventExtractor.importWords.contains(o) || EventExtractor.exportWords.contains(o) {
            let type =
              EventExtractor.importWords.contains(o) && o != "shipments"
              ? "import_ban" : (EventExtractor.exportWords.contains(o) ? "export_control" : "import_ban")
            let action = EventExtractor.resumeVerbs.contains(w) ? "lift" : "impose"
            offer(Option(type: type, verb: i, action: action, measure: j..<(j + 1), dist: steps + 3))
            break
          }
          if tokens[j].kind == .punct, tokens[j].scalar == "," || tokens[j].scalar == ";" { break }
          j += 1
          steps += 1
        }
      }
      guard var verbAction = EventLexicon.verbs[w] else { continue }
      // After a determiner the word is a noun ("a rule", "the ban", "its new curbs").
      if i > r.lowerBound, EventExtractor.determiners.contains(words[i - 1]) || possessed { continue }
      // A participle after a preposition is an adjective ("affiliates of blacklisted companies").
      if i > r.lowerBound, w.hasSuffix("ed") || w.hasSuffix("ing"),
        ["of", "for", "on", "with", "into", "against"].contains(words[i - 1])
      {
        continue
      }
      if EventExtractor.backgroundClause(doc, verb: i, sentence: r) { continue }
      if w == "may" || w == "rule", tokens[i].capitalized { continue }
      // A purpose, not the step: "export controls designed to cut China off".
      if i >= r.lowerBound + 2, words[i - 1] == "to", EventExtractor.purposeWords.contains(words[i - 2]) {
        continue
      }
      let nextWord = i + 1 < r.upperBound ? words[i + 1] : ""
      // "put off a decision on tariffs": a delay.
      if ["put", "puts", "putting"].contains(w), nextWord == "off" { verbAction = "extend" }
      // "wind down", "phase out": only with their particle.
      if !EventExtractor.particleOK(words, i, r) { continue }
      // "lifts China rate to 125%": a lift to a number is a raise.
      if ["lift", "lifts", "lifted", "lifting"].contains(w),
        (i + 1..<min(r.upperBound, i + 8)).contains(where: {
          words[$0] == "to" && $0 + 1 < r.upperBound && tokens[$0 + 1].kind == .number
        })
      {
        verbAction = "impose"
      }
      // "won", "secured": a subsidy is won, not other measures ("5 trillion won" is money).
      let receiving = EventExtractor.receiveVerbs.contains(w)
      if receiving, i > r.lowerBound, tokens[i - 1].kind == .number || words[i - 1] == "billion" { continue }
      if ["strike", "strikes", "struck", "striking"].contains(w), nextWord == "down" { verbAction = "rule" }
      // "put most of his new tariffs on hold": a pause.
      if EventExtractor.listingVerbs.contains(w),
        (i + 1..<min(r.upperBound, i + 12)).contains(where: {
          words[$0] == "hold" && words[$0 - 1] == "on"
        })
      {
        verbAction = "lift"
      }
      var reach = 10
      if w.hasPrefix("sign"),
        (i + 1..<min(r.upperBound, i + 4)).contains(where: { EventLexicon.instruments.contains(words[$0]) })
      {
        verbAction = "announce"
      }
      // "signed the Inflation Reduction Act into law, … including tax credits": the law's measures.
      if w.hasPrefix("sign"),
        (i + 1..<min(r.upperBound, i + 8)).contains(where: {
          words[$0] == "law" || words[$0] == "act" && tokens[$0].capitalized
        })
      {
        verbAction = "announce"
        reach = 40
      }
      if i >= r.lowerBound + 2, words[i - 1] == "to",
        let gov = EventLexicon.governing[words[i - 2]] ?? EventExtractor.infinitiveGovernor(doc, to: i - 1, r)
      {
        verbAction = verbAction == "agree" ? verbAction : (gov == "threaten" ? "threaten" : "propose")
      }
      // "needed until July 9 to reach a good deal", "a race to strike a deal": an aim, unless the
      // infinitive is what was agreed or decided ("agreed to sign").
      if verbAction == "agree", i >= r.lowerBound + 2, words[i - 1] == "to",
        !["agreed", "agree", "agrees", "decided", "voted", "moved", "announced", "said"].contains(
          EventExtractor.wordBeforeInfinitive(doc, to: i - 1, r))
      {
        continue
      }
      // "proposes halving steel import quotas, doubling …": a gerund under a proposal.
      if w.hasSuffix("ing"), verbAction == "impose" || verbAction == "lift",
        let g = (max(r.lowerBound, i - 8)..<i).last(where: { EventLexicon.governing[words[$0]] != nil }),
        let gov = EventLexicon.governing[words[g]], !(g + 1..<i).contains(where: { words[$0] == "to" })
      {
        verbAction = gov
      }
      // "ruled late on Wednesday that … tariffs": a ruling covers its complement clause.
      if verbAction == "rule",
        (i + 1..<min(r.upperBound, i + 8)).contains(where: { words[$0] == "that" })
      {
        reach = 30
      }
      if i >= r.lowerBound + 2, words[i - 1] == "to", EventLexicon.governing[words[i - 2]] == nil,
        EventLexicon.verbs[words[i - 2]] != nil,
        ["propose", "threaten"].contains(EventLexicon.verbs[words[i - 2]] ?? "")
      {
        verbAction = EventLexicon.verbs[words[i - 2]] ?? verbAction
      }
      // Nearest measure within the clause: after the verb (object) or before it (passive/subject).
      for m in ms {
        let dist: Int
        if m.range.lowerBound >= i {
          dist = EventExtractor.wordDistance(tokens, i, m.range.lowerBound)
          // "added Lockheed Martin and a unit of Raytheon to its unreliable entity list".
          let listing = m.key.hasSuffix("list") && EventExtractor.listingVerbs.contains(w)
          if dist > (listing ? max(reach, 20) : reach) { continue }
        } else {
          dist = i - m.range.upperBound + 2
          if dist > 7 { continue }
          // "curbs will cut $8 billion from sales", "tariffs raise costs": the measure's effect.
          if i > r.lowerBound,
            ["will", "would", "could", "may", "might", "to", "have", "has", "had"].contains(words[i - 1])
              || w.hasSuffix("s") && !w.hasSuffix("ss") && EventLexicon.verbs[w] != nil
                && !["was", "were", "is", "are", "been"].contains(words[i - 1])
          {
            if !EventExtractor.measureVerbs.keys.contains(w), verbAction != "agree", verbAction != "threaten"
            {
              continue
            }
          }
        }
        if m.range.contains(i) { continue }
        var action = verbAction
        var type = m.type
        if receiving, type != "subsidy" { continue }
        // "would need licences", "importers would have to pay a deposit".
        if EventExtractor.bareLicences.contains(m.key), !EventExtractor.needVerbs.contains(w) { continue }
        if EventExtractor.needVerbs.contains(w), w.hasPrefix("need"),
          m.range.lowerBound < i || !(m.key.contains("licen") || m.key.contains("permit"))
        {
          continue
        }
        if EventExtractor.payVerbs.contains(w), m.range.lowerBound < i || !m.key.contains("deposit") {
          continue
        }
        // "cutting them off from Chinese dual-use items" restricts.
        if action == "lift", w.hasPrefix("cut"),
          (i + 1..<min(r.upperBound, i + 4)).contains(where: { words[$0] == "off" })
        {
          action = "impose"
        }
        // "hit Chinese goods with tariffs": only with "with" before the measure.
        if EventExtractor.hitVerbs.contains(w),
          m.range.lowerBound < i || !(i + 1..<m.range.lowerBound).contains(where: { words[$0] == "with" })
        {
          continue
        }
        // "face a 39% tariff": the measure is the object; not "face-to-face", not "could face".
        if EventExtractor.faceVerbs.contains(w),
          m.range.lowerBound < i || !tokens[i].spaceBefore
            || i + 1 < r.upperBound && !tokens[i + 1].spaceBefore
            || (max(r.lowerBound, i - 2)..<i).contains(where: { EventLexicon.hedges.contains(words[$0]) })
        {
          continue
        }
        // "end duty-free treatment": only a close object ("Wall Street ends rough quarter … before
        // Trump's tariff announcement" is not a lift).
        if ["end", "ends", "ended", "ending", "stop", "stops", "stopped", "stopping"].contains(w),
          m.range.lowerBound < i || dist > 4
        {
          continue
        }
        // "hold talks": a meeting is a negotiation step only.
        if EventExtractor.holdVerbs.contains(w), type != "negotiation" { continue }
        // Ending an exemption or revoking a licence restricts trade; granting one eases it.
        if EventExtractor.exemptionKeys.contains(m.key) || m.key.contains("licen") || m.key.contains("permit")
        {
          if action == "lift", EventExtractor.withdrawVerbs.contains(w) { action = "impose" }
          if w.hasPrefix("restor") { action = "lift" }
        }
        if action == "announce" {
          switch type {
          case "agreement": action = "agree"
          case "negotiation", "other": action = "other"
          default: action = "impose"
          }
        }
        if type == "agreement", ["impose", "lift", "extend", "propose", "announce"].contains(action) {
          if action == "impose"
            && !["reach", "reached", "strike", "struck", "announce", "announced", "announces"].contains(w)
          {
            // "imposed under the agreement": the measure is what matters.
            continue
          }
          if action == "impose" { action = "agree" }
        }
        if action == "agree", type != "agreement", type != "negotiation", w.hasPrefix("sign") {
          // "Trump signs steel tariffs": signing a measure puts it in force.
          action = "impose"
        }
        if action == "agree", type != "agreement", type != "negotiation" {
          // "agreed to lift tariffs": the following verb decides.
          if i + 2 < r.upperBound, words[i + 1] == "to", let next = EventLexicon.verbs[words[i + 2]],
            next != "agree"
          {
            action = next == "announce" ? "impose" : next
          } else if w.hasPrefix("finali") {
            // "finalizes steep duties": the measure is in force.
            action = "impose"
          } else if !["subsidy", "sanction", "quota", "export_control", "import_ban"].contains(type) {
            // "agrees $60 price cap": allies agree a measure; "agreed 15% tariffs" is a deal.
            type = "agreement"
          }
        }
        if type == "negotiation" {
          if !["propose", "agree", "other", "lift", "impose"].contains(action) { continue }
          action = action == "propose" ? "propose" : "other"
        }
        if type == "other" { action = action == "propose" ? "propose" : action == "rule" ? "rule" : "other" }
        if action == "rule", type == "tariff" { type = m.key.contains("anti") ? "anti_dumping" : type }
        // A weak trigger ("face") loses ties ("will face a 19% tariff under an agreement announced").
        let weak = EventExtractor.faceVerbs.contains(w) ? 1 : 0
        offer(Option(type: type, verb: i, action: action, measure: m.range, dist: dist + weak))
      }
    }
    if options.isEmpty {
      // "China blacklists Lockheed", "U.S. sanctions Chinese refiners": the verb is the measure,
      // with a party as its subject right before it.
      for i in r where i > r.lowerBound && tokens[i].kind == .word {
        guard let type = EventExtractor.measureVerbs[words[i]],
          doc.parties.contains(where: { $0.range.upperBound == i })
        else { continue }
        options.append(Option(type: type, verb: i, action: "impose", measure: nil, dist: 0))
        break
      }
    }
    guard !options.isEmpty else { return [] }
    options.sort { $0.dist != $1.dist ? $0.dist < $1.dist : $0.verb < $1.verb }
    // The nearest option states the sentence's event; an option in another clause ("…, while
    // raising the duty on Chinese imports", "…, and would impose export controls") is a second
    // event when it names another measure or step.
    var out: [Candidate] = []
    for (n, o) in options.enumerated() {
      if out.count == 2 || n >= 4 { break }
      if n > 0 {
        guard out.count < 2,
          out.allSatisfy({ EventExtractor.clauseBreak(doc, between: $0.trigger, and: o.verb) }),
          !out.contains(where: {
            $0.type == o.type && $0.action == (o.action == "announce" ? "other" : o.action)
          })
        else { continue }
      }
      let start = EventExtractor.clauseStart(doc, verb: o.verb, sentence: r)
      if let c = candidate(
        doc, sentence: sIx, range: r, measures: ms, option: o, clauseStart: start,
        reference: reference)
      {
        if out.contains(where: { $0.type == c.type && $0.action == c.action }) { continue }
        out.append(c)
      }
    }
    return out
  }

  /// A trigger verb with the measure it governs: the event type and action it states.
  struct Option {
    var type: String
    var verb: Int
    var action: String
    var measure: Range<Int>?
    var dist: Int
  }

  /// Words between `a` and `b` (exclusive of `a`, inclusive of `b`), not counting punctuation
  /// and numbers ("up to $6.6 billion in U.S. government grants").
  static func wordDistance(_ tokens: [Token], _ a: Int, _ b: Int) -> Int {
    var n = 0
    var k = a + 1
    while k <= b {
      if tokens[k].kind == .word { n += 1 }
      k += 1
    }
    return n
  }

  /// Verbs that need their particle ("wind down", "phase out").
  static let particleVerbs: [String: String] = [
    "wind": "down", "winds": "down", "winding": "down", "wound": "down", "phase": "out", "phases": "out",
    "phased": "out", "phasing": "out",
  ]

  static func particleOK(_ words: [String], _ i: Int, _ r: Range<Int>) -> Bool {
    guard let p = particleVerbs[words[i]] else { return true }
    return (i + 1..<min(r.upperBound, i + 4)).contains { words[$0] == p }
  }

  static let receiveVerbs: Set<String> = [
    "win", "wins", "won", "winning", "secure", "secures", "secured", "securing", "get", "gets", "got",
  ]
  /// Verbs whose subject receives a subsidy from the party that grants it.
  static let recipientVerbs: Set<String> = [
    "win", "wins", "won", "winning", "secure", "secures", "secured", "securing", "get", "gets", "got",
    "receive", "receives", "received", "receiving",
  ]
  /// Index of the first party mention starting at or after token `t` (mentions are in text order).
  static func firstParty(_ doc: Doc, atOrAfter t: Int) -> Int {
    var lo = 0
    var hi = doc.parties.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if doc.parties[mid].range.lowerBound < t { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// `true` when a party mention starts at token `j`.
  static func partyStarts(_ doc: Doc, at j: Int) -> Bool {
    let k = firstParty(doc, atOrAfter: j)
    return k < doc.parties.count && doc.parties[k].range.lowerBound == j
  }

  /// The first day-granularity date of sentence `r`.
  static func sentenceDay(_ doc: Doc, _ r: Range<Int>) -> CivilDate? {
    for (x, xr) in doc.expressions where r.contains(xr.lowerBound) && x.granularity == .day {
      if let d = x.date { return d }
    }
    return nil
  }

  /// The verb governing a coordinated or displaced infinitive: "proposed on Tuesday to cut …",
  /// "proposed to cut … and to raise …".
  /// The word before the infinitive marker at `t`, skipping a time expression ("agreed on
  /// Saturday to settle").
  static func wordBeforeInfinitive(_ doc: Doc, to t: Int, _ r: Range<Int>) -> String {
    var k = t - 1
    var steps = 0
    while k > r.lowerBound, steps < 4,
      doc.expressions.contains(where: { $0.1.contains(k) }) || doc.words[k] == "on"
    {
      k -= 1
      steps += 1
    }
    return k >= r.lowerBound ? doc.words[k] : ""
  }

  static func infinitiveGovernor(_ doc: Doc, to t: Int, _ r: Range<Int>) -> String? {
    var k = t - 1
    var steps = 0
    // "proposed on Tuesday to": skip a time expression right before "to".
    while k > r.lowerBound, steps < 4,
      doc.expressions.contains(where: { $0.1.contains(k) }) || doc.words[k] == "on"
    {
      k -= 1
      steps += 1
    }
    if k >= r.lowerBound, let g = EventLexicon.governing[doc.words[k]] { return g }
    // "… and to raise": the governor of the previous infinitive.
    guard t >= r.lowerBound + 2, doc.words[t - 1] == "and" || doc.words[t - 1] == "or" else { return nil }
    var j = t - 2
    while j > r.lowerBound, t - j < 30 {
      if doc.words[j] == "to", doc.tokens[j].kind == .word {
        return EventLexicon.governing[doc.words[j - 1]] ?? infinitiveGovernor(doc, to: j, r)
      }
      j -= 1
    }
    return nil
  }

  /// Official bodies named without their country ("the commerce ministry also put …").
  static let officialBodies: Set<String> = [
    "ministry", "department", "commission", "government", "cabinet", "customs", "administration", "agency",
    "council", "parliament", "regulator", "court",
  ]
  /// Courts and tribunals: what they decide about a measure is a ruling.
  static let courts: Set<String> = ["court", "judge", "judges", "tribunal", "panel"]

  static let hitVerbs: Set<String> = ["hit", "hits", "hitting", "fire", "fires", "fired", "firing"]
  static let needVerbs: Set<String> = [
    "need", "needs", "needed", "require", "requires", "required", "requiring",
  ]
  static let payVerbs: Set<String> = ["pay", "pays", "paid", "paying"]
  /// Licences and permits without "export": a measure only as what goods "need".
  static let bareLicences: Set<String> = ["licences", "licenses", "licence", "license", "permits", "permit"]
  static let holdVerbs: Set<String> = ["hold", "holds", "held", "holding"]
  /// Verbs whose subject is the target of the measure ("Switzerland will face a 39% tariff").
  static let faceVerbs: Set<String> = ["face", "faces", "facing"]
  static let exemptionKeys: Set<String> = [
    "duty free", "duty free treatment", "de minimis", "whitelist", "white list", "trusted trade list",
    "trusted trading partners",
  ]
  static let withdrawVerbs: Set<String> = [
    "drop", "drops", "dropped", "dropping", "end", "ends", "ended", "ending", "stop", "stops", "stopped",
    "stopping", "revoke", "revokes", "revoked",
    "revoking", "suspend", "suspends", "suspended", "suspending", "scrap", "scraps", "scrapped", "remove",
    "removes", "removed", "removing", "cancel", "cancels", "cancelled", "canceled", "terminate",
    "terminates", "terminated", "rescind", "rescinds", "rescinded",
  ]

  static let clauseConjunctions: Set<String> = ["and", "but", "while", "whereas"]
  static let clauseOpeners: Set<String> = [
    "would", "will", "said", "also", "has", "had", "is", "was", "it", "he", "she", "they",
  ]

  /// `true` at token `k` when a new clause of the sentence starts after it: a semicolon, a comma
  /// before "and"/"but"/"while", "while"/"whereas"/"but" themselves, "and" before a modal or a
  /// reporting verb ("and would impose").
  static func breaksClause(_ doc: Doc, _ k: Int) -> Bool {
    let t = doc.tokens[k]
    if t.kind == .punct {
      if t.scalar == ";" { return true }
      if t.scalar == ",", k + 1 < doc.tokens.count, clauseConjunctions.contains(doc.words[k + 1]) {
        return true
      }
      return false
    }
    let w = doc.words[k]
    if w == "while" || w == "whereas" || w == "but" { return true }
    if w == "and", k + 1 < doc.tokens.count, clauseOpeners.contains(doc.words[k + 1]) { return true }
    return false
  }

  static func clauseBreak(_ doc: Doc, between a: Int, and b: Int) -> Bool {
    let lo = min(a, b)
    let hi = max(a, b)
    guard hi - lo > 1 else { return false }
    return (lo + 1..<hi).contains { breaksClause(doc, $0) }
  }

  /// The first token of the clause that holds the verb at `v`.
  static func clauseStart(_ doc: Doc, verb v: Int, sentence r: Range<Int>) -> Int {
    var k = v - 1
    while k > r.lowerBound {
      if breaksClause(doc, k) {
        var s = k + 1
        while s < v, clauseConjunctions.contains(doc.words[s]) || doc.tokens[s].kind == .punct { s += 1 }
        return s
      }
      k -= 1
    }
    return r.lowerBound
  }

  /// The candidate event an option states, unless hedging, negation, commentary or a background
  /// cue in its clause (or the sentence) rules it out. `clauseStart` is where the verb's clause
  /// begins: hedges and background cues count from there, speakers from the sentence start.
  func candidate(
    _ doc: Doc, sentence sIx: Int, range r: Range<Int>,
    measures ms: [(type: String, range: Range<Int>, key: String)], option: Option, clauseStart: Int,
    reference: CivilDate?
  ) -> Candidate? {
    let words = doc.words
    let tokens = doc.tokens
    var found = option
    // Anti-dumping duties are tariffs by name but anti_dumping by type.
    if found.type == "tariff", ms.contains(where: { $0.type == "anti_dumping" }) {
      found.type = "anti_dumping"
    }
    if found.type == "other", let better = ms.first(where: { $0.type != "other" && $0.type != "negotiation" })
    {
      found.type = better.type
    }
    // "The new deal will reduce …": consequences of an agreement are part of the agreement.
    if found.type != "agreement", found.type != "negotiation",
      ms.contains(where: {
        $0.type == "agreement" && $0.range.upperBound <= found.verb && found.verb - $0.range.upperBound <= 12
      })
    {
      found.type = "agreement"
      found.action = "agree"
    }
    let v = found.verb
    // "A federal trade court ruled … blocking the tariffs": what a court does to a measure is a ruling.
    if ["impose", "lift"].contains(found.action),
      (r.lowerBound..<v).contains(where: { EventExtractor.courts.contains(words[$0]) })
    {
      found.action = "rule"
    }
    let isThreat = found.action == "threaten"
    // Hedging, negation, commentary: look at the clause before the verb and at conditionals.
    let cs = clauseStart
    let clauseStart = r.lowerBound
    var j = clauseStart
    var sawParty = false
    var commentator = false
    while j < v {
      let w = words[j]
      if !w.isEmpty, j >= cs {
        if EventLexicon.hedges.contains(w), !(w == "may" && tokens[j].capitalized) {
          if !isThreat || j > v { return nil }
          if w != "if" && w != "unless" { return nil }
        }
        if w == "expected" || w == "poised" || w == "set" && v - j <= 3 && words[j + 1] == "to" {
          return nil
        }
        // "would" is an announcement only as reported speech ("said it would impose"); otherwise
        // it is a conditional or someone else's expectation ("investors bet Washington would …").
        if w == "would", v - j <= 3, !isThreat,
          !(clauseStart..<j).contains(where: { EventExtractor.announcingVerbs.contains(words[$0]) })
        {
          return nil
        }
        if v - j <= 4, EventLexicon.negations.contains(w) { return nil }
        if EventLexicon.background.contains(w) { return nil }
        // "said he had authorised …" last Friday: reported background, unless dated recently.
        if w == "had", v - j <= 3, let d = EventExtractor.sentenceDay(doc, r), let ref = reference,
          d.days(to: ref) >= 3
        {
          return nil
        }
        if w == "had", v - j <= 3,
          !(clauseStart..<j).contains(where: {
            ["said", "says", "told", "announced", "confirmed", "stated"].contains(words[$0])
          })
        {
          return nil
        }
        if EventLexicon.reactions.contains(w) { return nil }
        // "Chinese companies added to a U.S. blacklist" is passive: the companies are the object.
        if EventLexicon.privateParties.contains(w), v - j <= 2,
          !(v + 1 < r.upperBound && ["to", "by", "on"].contains(words[v + 1]))
        {
          return nil
        }
      }
      if !w.isEmpty {
        if PartyLexicon.commentators.contains(w), !sawParty { commentator = true }
        // "Analysts at X said …", "Economists said China would …": someone else's view.
        if PartyLexicon.pundits.contains(w), j == clauseStart || !sawParty { return nil }
        // "Industry groups in British Columbia said …": a private subject opens the sentence.
        if PartyLexicon.commentators.contains(w) || EventLexicon.privateParties.contains(w),
          j - clauseStart <= 1 || j - doc.datelineRange.upperBound <= 2 && j >= doc.datelineRange.upperBound,
          !(v + 1 < r.upperBound && ["to", "by", "on"].contains(words[v + 1])),
          // "Battery makers are assessing … after China said …": the news is the "after" clause.
          !(j..<v).contains(where: { k in
            words[k] == "after"
              && doc.parties.contains { $0.range.lowerBound > k && $0.range.lowerBound <= k + 3 }
          })
        {
          return nil
        }
      }
      if !sawParty, EventExtractor.partyStarts(doc, at: j) { sawParty = true }
      j += 1
    }
    if commentator && !sawParty { return nil }
    // "said the two companies, Lockheed Martin and …, were prohibited from …": what a measure does
    // to companies, unless they are put on a list ("were added to").
    if v > r.lowerBound, ["was", "were"].contains(words[v - 1]),
      !(v + 1 < r.upperBound && ["to", "by", "on"].contains(words[v + 1]))
    {
      let from = (cs..<v).last(where: { EventExtractor.reportingVerbs.contains(words[$0]) }) ?? cs
      if (from..<v).contains(where: { EventLexicon.privateParties.contains(words[$0]) }) {
        return nil
      }
    }
    if (clauseStart..<min(clauseStart + 3, v)).contains(where: {
      EventLexicon.privateParties.contains(words[$0])
    }), !sawParty {
      return nil
    }
    // Conditionals and negations right after the verb.
    var k = v + 1
    while k < min(r.upperBound, v + 3) {
      if EventLexicon.negations.contains(words[k]) && words[k] != "no" { return nil }
      k += 1
    }
    // Conditionals before the verb in its clause; "whether" only before the verb ("opened an
    // investigation into whether imports threaten security" is the news). A condition after the
    // verb makes the step a threat ("would impose a 100% tariff …, unless the drugmaker builds").
    if !isThreat,
      (cs..<v).contains(where: { words[$0] == "if" || words[$0] == "unless" || words[$0] == "whether" })
    {
      return nil
    }
    if !isThreat, (v..<r.upperBound).contains(where: { words[$0] == "if" || words[$0] == "unless" }) {
      guard ["impose", "propose"].contains(found.action),
        (cs..<v).contains(where: { words[$0] == "would" || words[$0] == "will" })
      else { return nil }
      found.action = "threaten"
    }
    // Statistics: quantity verbs with statistical vocabulary.
    if ["impose", "lift"].contains(found.action),
      [
        "increase", "increased", "increases", "cut", "cuts", "reduced", "reduce", "raised", "dropped",
        "drops",
      ].contains(words[v]),
      r.contains(where: { EventExtractor.statisticsCues.contains(words[$0]) })
    {
      return nil
    }
    // A headline's "after duties lifted": the cause of the headline's news, stated without a subject.
    if r.lowerBound < doc.titleEnd,
      let a = (cs..<v).last(where: { words[$0] == "after" }),
      !doc.parties.contains(where: { $0.range.lowerBound > a && $0.range.lowerBound < v })
    {
      return nil
    }
    // "It was the first set of Russia sanctions imposed by …": a characterisation of the news.
    if v - r.lowerBound >= 3, ["it", "this", "that"].contains(words[r.lowerBound]),
      ["was", "is", "marks", "marked"].contains(words[r.lowerBound + 1]), words[r.lowerBound + 2] == "the"
    {
      return nil
    }
    // Background by phrase: "last year's", "since 2019", "first term", "in 2018".
    for i in r {
      let w = words[i]
      if w == "term", i > 0, words[i - 1] == "first" { return nil }
      if w == "last", i + 3 < r.upperBound, words[i + 1] == "year",
        tokens[i + 2].scalar == "'" || tokens[i + 2].scalar == "\u{2019}"
      {
        return nil
      }
    }
    // Dates in the sentence.
    var dateExpr: TimeExpression? = nil
    var bestDist = Int.max
    for (x, xr) in doc.expressions where xr.lowerBound >= r.lowerBound && xr.lowerBound < r.upperBound {
      let before = xr.lowerBound > 0 ? words[xr.lowerBound - 1] : ""
      let before2 = xr.lowerBound > 1 ? words[xr.lowerBound - 2] : ""
      let after = xr.upperBound < tokens.count ? words[xr.upperBound] : ""
      // "the 2022 CHIPS and Science Act": a year in a name.
      if x.granularity == .year, before == "the", xr.upperBound < r.upperBound,
        tokens[xr.upperBound].capitalized
      {
        continue
      }
      // Background: an explicit date or year well before the reference.
      if let ref = reference, let d = x.date, x.granularity != .time {
        let lateEnd: CivilDate
        switch x.granularity {
        case .day: lateEnd = d
        case .week: lateEnd = d.adding(days: 6)
        case .month: lateEnd = d.adding(days: 30)
        case .quarter, .season: lateEnd = d.adding(days: 91)
        case .half: lateEnd = d.adding(days: 182)
        case .year: lateEnd = d.adding(days: 364)
        default: lateEnd = d.adding(days: 3650)
        }
        let effect = EventLexicon.effectCues.contains(before) || after == "deadline"
        // "… deals that had softened the duties since 2018": a relative clause after the verb.
        // "drop the retaliatory duties they imposed last year": a reduced relative clause.
        let relative =
          xr.lowerBound > v
          && (v..<xr.lowerBound).contains(where: { k in
            words[k] == "that" || words[k] == "which"
              || EventExtractor.subjectPronouns.contains(words[k]) && ms.contains { $0.range.upperBound == k }
              // "without the 25% tariff imposed in 2018": a participle after the measure.
              || k > v + 1 && (words[k].hasSuffix("ed") || words[k] == "put" || words[k] == "set")
                && ms.contains { $0.range.upperBound == k } && xr.lowerBound - k <= 3
          })
        if lateEnd.days(to: ref) > 45, !relative, !effect || before == "since", before != "until",
          before != "through"
        {
          if before == "since" || x.granularity == .day || x.granularity == .week || x.granularity == .month
            || x.granularity == .year || x.granularity == .quarter
          {
            return nil
          }
        }
      }
      // "earlier this year", "earlier in the year": an older step, not today's news.
      if x.granularity == .year, before == "earlier" || x.text.lowercased().hasPrefix("earlier") {
        return nil
      }
      guard x.date != nil, [.time, .day, .week, .month].contains(x.granularity) else { continue }
      // The dateline dates the report, not the announcement; it is the fallback.
      if doc.datelineRange.contains(xr.lowerBound) { continue }
      if EventLexicon.effectCues.contains(before) || after == "deadline" { continue }
      // A date governed by a verb of a background clause ("the rules it issued on Oct. 9").
      var gv = xr.lowerBound - 1
      var gsteps = 0
      var backgroundDate = false
      while gv >= r.lowerBound, gsteps < 4 {
        if EventLexicon.verbs[words[gv]] != nil || (words[gv].count > 4 && words[gv].hasSuffix("ed")) {
          backgroundDate = gv != v && EventExtractor.backgroundClause(doc, verb: gv, sentence: r)
          break
        }
        gv -= 1
        gsteps += 1
      }
      if backgroundDate { continue }
      if before == "on", ["effect", "effective", "from", "starting"].contains(before2) { continue }
      if let ref = reference, let d = x.date, ref.days(to: d) > 2 { continue }
      let dist = abs(xr.lowerBound - v)
      if dist < bestDist {
        bestDist = dist
        dateExpr = x
      }
    }
    // A time of day in the sentence that is not when a measure takes effect.
    var timeExpr: TimeExpression? = nil
    for (x, xr) in doc.expressions
    where x.granularity == .time && xr.lowerBound >= r.lowerBound && xr.lowerBound < r.upperBound {
      if EventExtractor.effectTime(doc, xr.lowerBound, from: r.lowerBound) { continue }
      timeExpr = x
      break
    }
    // Parties.
    var ps: [(code: String, range: Range<Int>, generic: Bool)] = []
    var pk = EventExtractor.firstParty(doc, atOrAfter: r.lowerBound)
    while pk < doc.parties.count, doc.parties[pk].range.lowerBound < r.upperBound {
      if !doc.datelineRange.contains(doc.parties[pk].range.lowerBound) { ps.append(doc.parties[pk]) }
      pk += 1
    }
    var actor: String? = nil
    var targets: [String] = []
    var actorIx = -1
    var roles: [(code: String, start: Int, target: Bool)] = []
    for (n, p) in ps.enumerated() {
      if p.generic, n > 0, p.range.lowerBound - ps[n - 1].range.upperBound <= 3 { continue }
      let prev = p.range.lowerBound > r.lowerBound ? words[p.range.lowerBound - 1] : ""
      let prev2 = p.range.lowerBound > r.lowerBound + 1 ? words[p.range.lowerBound - 2] : ""
      let next = p.range.upperBound < r.upperBound ? words[p.range.upperBound] : ""
      var target = EventLexicon.targetPrepositions.contains(prev) && prev != "and"
      if prev == "and" || prev == "the" && prev2 == "and"
        || prev.isEmpty && tokens[max(0, p.range.lowerBound - 1)].scalar == "-"
      {
        // "US and China", "US-China": same role as the previous party.
        target = roles.last?.target ?? false
      }
      if prev == "by" { target = false }
      if EventLexicon.goods.contains(next)
        || EventExtractor.commodities.match(
          tokens, words, at: min(p.range.upperBound, tokens.count - 1), limit: tokens.count) != nil
          && p.range.upperBound < r.upperBound && tokens[p.range.upperBound].kind == .word
      {
        target = true
      }
      if prev == "of", ["imports", "exports", "goods", "products"].contains(prev2) { target = true }
      // "Canada, Mexico, Brazil": a list keeps the role of its first member.
      if p.range.lowerBound > r.lowerBound, tokens[p.range.lowerBound - 1].scalar == ",", n > 0,
        p.range.lowerBound - ps[n - 1].range.upperBound == 1, let last = roles.last
      {
        target = last.target
      }
      // "remove Japan from its list", "hit China with": the object of a trigger verb.
      if EventLexicon.verbs[prev] != nil || EventExtractor.barVerbs.contains(prev) { target = true }
      // "partners such as Canada", "countries including Japan".
      if prev == "as" && prev2 == "such" || prev == "including" || prev == "like" { target = true }
      // "Switzerland will face a 39% tariff": the subject of "face" is the target.
      if EventExtractor.faceVerbs.contains(words[v]), p.range.upperBound <= v, v - p.range.upperBound <= 3 {
        target = true
      }
      // "TSMC will receive U.S. grants": the recipient's country is not the grantor.
      if found.type == "subsidy", EventExtractor.recipientVerbs.contains(words[v]), p.range.upperBound <= v {
        target = true
      }
      roles.append((p.code, p.range.lowerBound, target))
    }
    // Actor: "by X" first, then the nearest non-target before the verb, then the first non-target after it.
    if let byIx = ps.firstIndex(where: {
      $0.range.lowerBound > r.lowerBound && words[$0.range.lowerBound - 1] == "by"
    }) {
      actor = ps[byIx].code
      actorIx = ps[byIx].range.lowerBound
    }
    // "answered Trump's new 10% tariff …, announcing its own duties": the owner of another measure.
    let owners = Set(
      ps.filter { p in
        let e = p.range.upperBound + 1
        guard e < r.upperBound, words[e] == "s",
          tokens[e - 1].scalar == "'" || tokens[e - 1].scalar == "\u{2019}"
        else { return false }
        return ms.contains {
          $0.range.lowerBound > e && $0.range.lowerBound - e <= 5 && $0.range.upperBound <= v
        }
      }.map { $0.range.lowerBound })
    if actor == nil,
      let a = roles.last(where: { !$0.target && $0.start < v && !owners.contains($0.start) })
        ?? roles.last(where: { !$0.target && $0.start < v })
    {
      actor = a.code
      actorIx = a.start
    }
    if actor == nil, let a = roles.first(where: { !$0.target && $0.start > v }) {
      actor = a.code
      actorIx = a.start
    }
    for role in roles where role.start != actorIx && role.code != actor && !targets.contains(role.code) {
      targets.append(role.code)
    }
    // "The United States and China said they would slash tariffs": a joint step is an agreement.
    let before = roles.filter { !$0.target && $0.start < v }
    if ["lift", "agree"].contains(found.action), before.count >= 2, Set(before.map(\.code)).count >= 2,
      (before[0].start..<v).contains(where: { words[$0] == "and" })
    {
      found.type = "agreement"
      found.action = "agree"
      actor = before[0].code
      targets =
        Array(Set(before.map(\.code)).subtracting([before[0].code])).sorted()
        + targets.filter { t in !before.contains { $0.code == t } }
    }
    // Direction.
    let direction = EventExtractor.direction(
      type: found.type, action: found.action, words: r.map { words[$0] })
    // Commodities in the sentence.
    var commodities: [String] = []
    for c in doc.commodities where r.contains(c.range.lowerBound) && !commodities.contains(c.name) {
      commodities.append(c.name)
    }
    let fromTitle = r.lowerBound < doc.titleEnd
    var recent = false
    if let x = dateExpr, let d = x.date, x.granularity == .day || x.granularity == .time {
      if let ref = reference { recent = (-1...8).contains(d.days(to: ref)) } else { recent = true }
    }
    // "Hours later, …", "later that day": the same day as the lead's news.
    if dateExpr == nil,
      (r.lowerBound..<min(r.upperBound, r.lowerBound + 4)).contains(where: {
        ["hours", "minutes"].contains(words[$0]) && $0 + 1 < r.upperBound && words[$0 + 1] == "later"
      })
    {
      recent = true
    }
    var stale = false
    if let x = dateExpr, let d = x.date, let ref = reference {
      stale = x.granularity == .month ? d.month != ref.month || d.year != ref.year : d.days(to: ref) > 10
    }
    // Future wording, unless reported ("said it would impose" announces).
    let future = (r.lowerBound..<v).contains {
      ["will", "would", "to"].contains(words[$0]) && v - $0 <= 3
        && !(words[$0] == "would"
          && (r.lowerBound..<$0).contains(where: { EventExtractor.announcingVerbs.contains(words[$0]) }))
    }
    var confidence = 0.55
    if actor != nil { confidence += 0.15 }
    if dateExpr != nil { confidence += 0.1 }
    if ["impose", "lift", "agree", "extend", "rule"].contains(found.action) { confidence += 0.1 }
    if fromTitle { confidence -= 0.1 }
    var evidence = text(doc, r)
    if evidence.count > 400 { evidence = String(evidence.prefix(400)) + "…" }
    return Candidate(
      sentence: sIx, trigger: v, type: found.type,
      action: found.action == "announce" ? "other" : found.action,
      direction: direction, actor: actor, targets: targets, commodities: commodities, date: dateExpr,
      time: timeExpr, evidence: evidence, confidence: confidence, fromTitle: fromTitle, hasParty: !ps.isEmpty,
      sentences: [sIx],
      subject: (r.lowerBound..<min(v, r.lowerBound + 6)).contains(where: {
        EventExtractor.officialBodies.contains(words[$0])
      }) && !["was", "were", "been", "be", "is", "are"].contains(words[v - 1])
        || actorIx >= 0
          && (actorIx < v
            || ps.contains {
              $0.range.lowerBound == actorIx && actorIx > r.lowerBound && words[actorIx - 1] == "by"
            }),
      recent: recent, future: future, stale: stale,
      separate: (r.lowerBound..<min(r.upperBound, r.lowerBound + 3)).contains {
        words[$0] == "separately" || words[$0] == "separate"
      } || v > r.lowerBound && words[v - 1] == "also")
  }

  /// Paragraph number of every token (a paragraph starts at a line break).
  static func paragraphs(_ doc: Doc) -> [Int] {
    var out = [Int](repeating: 0, count: doc.tokens.count)
    var p = 0
    for i in doc.tokens.indices {
      if i > 0, doc.tokens[i].newlineBefore { p += 1 }
      out[i] = p
    }
    return out
  }

  static let effectTimeCues: Set<String> = [
    "effect", "effective", "starting", "from", "until", "till", "by", "begin", "begins", "expire", "expires",
    "expiring", "deadline", "takes", "take", "kicks", "kick", "apply", "applies", "before", "after",
    "through",
  ]

  /// `true` when the time expression starting at token `i` is when something takes effect or
  /// expires ("at 12:01 a.m. ET on Saturday", "from midnight") rather than when it was announced.
  static func effectTime(_ doc: Doc, _ i: Int, from lo: Int) -> Bool {
    var j = i - 1
    var steps = 0
    while j >= lo, steps < 4 {
      if effectTimeCues.contains(doc.words[j]) { return true }
      j -= 1
      steps += 1
    }
    return false
  }

  /// The first time of day in the lead sentence that is not an effective time ("at a ceremony that
  /// began at about 4 p.m. ET").
  static func leadTime(_ doc: Doc) -> TimeExpression? {
    guard
      let lead = doc.sentenceRanges.first(where: { r in
        r.lowerBound >= doc.titleEnd && r.filter { doc.tokens[$0].kind == .word }.count >= 6
      })
    else { return nil }
    for (x, xr) in doc.expressions where x.granularity == .time && lead.contains(xr.lowerBound) {
      if effectTime(doc, xr.lowerBound, from: lead.lowerBound) { continue }
      return x
    }
    // "The posts, at 1:26 p.m. ET, came …": the next sentence times the lead's announcement.
    guard let next = doc.sentenceRanges.first(where: { $0.lowerBound >= lead.upperBound }) else { return nil }
    for (x, xr) in doc.expressions where next.contains(xr.lowerBound) {
      if x.granularity != .time { return nil }
      if effectTime(doc, xr.lowerBound, from: next.lowerBound) { continue }
      return x
    }
    return nil
  }

  static let determiners: Set<String> = [
    "a", "an", "the", "its", "their", "his", "her", "our", "this", "these", "those", "new", "any", "such",
    "every", "each", "no",
  ]

  static let reportingVerbs: Set<String> = [
    "said", "says", "say", "announced", "announces", "confirmed", "confirms", "stated", "told", "noted",
    "added", "showed", "shows", "insisted", "argued", "warned", "decided", "agreed", "means", "signalled",
    "signaled", "indicated", "reported", "reports", "ruled", "determined", "found", "ensure", "ensures",
  ]
  /// Words before "to" that make the following verb a purpose ("designed to cut").
  static let purposeWords: Set<String> = [
    "designed", "aimed", "meant", "intended", "aiming", "help", "helps", "used", "uses", "using", "law",
    "power", "powers", "authority",
  ]
  /// Verbs that put names on a list ("added … to the entity list").
  static let listingVerbs: Set<String> = [
    "add", "adds", "added", "adding", "put", "puts", "putting", "place", "places", "placed", "placing",
  ]
  /// Verbs that are the measure themselves in headlines ("China blacklists Lockheed").
  static let measureVerbs: [String: String] = [
    "blacklists": "sanction", "blacklisted": "sanction", "blacklist": "sanction", "sanctions": "sanction",
    "sanctioned": "sanction", "embargoes": "sanction",
  ]
  /// Verbs of an official statement that make a following "would"/"will" an announcement.
  static let announcingVerbs: Set<String> = [
    "said", "says", "announced", "announces", "confirmed", "confirms", "stated", "told", "declared",
    "decided", "pledged", "vowed", "added", "notice", "statement", "order", "decree", "wrote", "posted",
  ]
  static let subordinators: Set<String> = ["after", "since", "following", "before"]
  static let distanceUnits: Set<String> = [
    "days", "weeks", "months", "years", "day", "week", "month", "year", "hours",
  ]
  static let subjectPronouns: Set<String> = ["it", "he", "she", "they", "we"]

  /// `true` when the verb at `i` sits in a clause that mentions an earlier or other measure rather
  /// than stating the news: a reduced relative clause after a measure ("the rules it issued on
  /// Oct. 9"), a relative clause ("a rule that extended export restrictions"), or a temporal
  /// subordinate clause with its own subject ("days after Beijing tightened … and Washington
  /// threatened further tariffs").
  /// `true` when "that" at `j` opens the complement of a reporting verb a few words back ("said
  /// late on Tuesday in Washington that …"), with no measure noun in between.
  static func reportedClause(_ doc: Doc, that j: Int, from lo: Int) -> Bool {
    var k = j - 1
    while k >= lo, j - k <= 8 {
      if doc.tokens[k].kind == .punct, doc.tokens[k].scalar != "." { return false }
      if reportingVerbs.contains(doc.words[k]) { return true }
      if doc.measures.contains(where: { $0.range.contains(k) }) { return false }
      k -= 1
    }
    return false
  }

  static func backgroundClause(_ doc: Doc, verb i: Int, sentence r: Range<Int>) -> Bool {
    let words = doc.words
    let tokens = doc.tokens
    var p = i - 1
    if p > r.lowerBound, ["had", "has", "have", "was", "were"].contains(words[p]) { p -= 1 }
    if p > r.lowerBound, subjectPronouns.contains(words[p]),
      doc.measures.contains(where: { $0.range.upperBound == p })
    {
      return true
    }
    var j = i - 1
    var steps = 0
    while j > r.lowerBound, steps < 4 {
      let w = words[j]
      if w == "that" || w == "which" {
        let prev = words[j - 1]
        let prev2 = j - 2 >= r.lowerBound ? words[j - 2] : ""
        if w == "that",
          prev.isEmpty || reportingVerbs.contains(prev) || reportingVerbs.contains(prev2)
            || prev.hasSuffix("ed")
            || EventExtractor.reportedClause(doc, that: j, from: r.lowerBound)
        {
          break
        }
        return true
      }
      if tokens[j].kind == .punct { break }
      j -= 1
      steps += 1
    }
    j = i - 1
    var sawSubject = false
    while j >= r.lowerBound {
      if tokens[j].kind == .punct,
        tokens[j].scalar == "," || tokens[j].scalar == ";" || tokens[j].scalar == ":"
          || tokens[j].scalar == "\u{2014}"
      {
        break
      }
      if subjectPronouns.contains(words[j]) || EventExtractor.partyStarts(doc, at: j) {
        sawSubject = true
      }
      if subordinators.contains(words[j]) {
        // "since Beijing imposed …" and "days after Washington threatened …" look back; a bare
        // "after" is often the news itself ("shares fell after China imposed …").
        let measured = j > r.lowerBound && distanceUnits.contains(words[j - 1])
        return sawSubject && (words[j] == "since" || measured)
      }
      j -= 1
    }
    return false
  }

  static func direction(type: String, action: String, words: [String]) -> String {
    switch action {
    case "lift", "agree": return type == "negotiation" || type == "subsidy" ? "neutral" : "liberalize"
    case "extend":
      if type == "agreement" || words.contains(where: { liberalizingContext.contains($0) }) {
        return "liberalize"
      }
      return type == "negotiation" || type == "subsidy" ? "neutral" : "restrict"
    case "other": return type == "agreement" ? "liberalize" : "neutral"
    case "rule":
      if words.contains("negative") || words.contains("terminated") || words.contains("overturned") {
        return "liberalize"
      }
      return "restrict"
    default:
      switch type {
      case "agreement": return "liberalize"
      case "negotiation", "subsidy", "other": return "neutral"
      default: return "restrict"
      }
    }
  }

  /// The dateline of a wire story ("WASHINGTON, March 26 (Reuters) -"): its date and the
  /// country of its city.
  static func dateline(_ doc: Doc) -> (date: CivilDate?, actor: String?, range: Range<Int>) {
    var i = doc.titleEnd
    // Skip to the first token of the body that starts a line.
    while i < doc.tokens.count, i > 0, !doc.tokens[i].newlineBefore, i < doc.titleEnd + 1 { i += 1 }
    guard i < doc.tokens.count,
      doc.tokens[i].allCaps || (doc.tokens[i].capitalized && doc.tokens[i].kind == .word)
    else { return (nil, nil, 0..<0) }
    var j = i
    while j < doc.tokens.count, j - i < 4, doc.tokens[j].kind == .word, doc.tokens[j].allCaps { j += 1 }
    guard j > i else { return (nil, nil, 0..<0) }
    let city = doc.words[i..<j].joined(separator: " ")
    let actor = parties.table[city]?.code
    // A date right after "CITY,".
    guard j < doc.tokens.count,
      doc.tokens[j].scalar == "," || doc.tokens[j].scalar == "(" || doc.tokens[j].scalar == "-"
        || doc.tokens[j].scalar == "\u{2014}"
    else { return (nil, nil, 0..<0) }
    // "BUSAN, South Korea -": the country belongs to the dateline.
    if doc.tokens[j].scalar == ",", let p = doc.parties.first(where: { $0.range.lowerBound == j + 1 }) {
      let e = p.range.upperBound
      if e < doc.tokens.count, doc.tokens[e].kind == .punct,
        ["-", "\u{2014}", "\u{2013}", "(", ","].contains(doc.tokens[e].scalar)
      {
        for (x, xr) in doc.expressions where xr.lowerBound == e + 1 && x.granularity == .day {
          return (x.date, actor ?? p.code, i..<xr.upperBound)
        }
        return (nil, actor ?? p.code, i..<e)
      }
    }
    for (x, xr) in doc.expressions where xr.lowerBound == j + 1 && x.granularity == .day {
      return (x.date, actor, i..<xr.upperBound)
    }
    return (nil, actor, i..<j)
  }

  /// The announce date a wire story's lead gives: the first day or week expression of the first
  /// body sentence that is not an effective date and not after the reference.
  static func leadDate(_ doc: Doc, reference: CivilDate?) -> TimeExpression? {
    // The first body sentence of at least six words (skips kickers such as "China news Today").
    guard
      let lead = doc.sentenceRanges.first(where: { r in
        r.lowerBound >= doc.titleEnd && r.filter { doc.tokens[$0].kind == .word }.count >= 6
      })
    else { return nil }
    for (x, xr) in doc.expressions
    where lead.contains(xr.lowerBound) && !doc.datelineRange.contains(xr.lowerBound) {
      guard x.date != nil, x.granularity == .day || x.granularity == .week || x.granularity == .time else {
        continue
      }
      let before = xr.lowerBound > 0 ? doc.words[xr.lowerBound - 1] : ""
      if EventLexicon.effectCues.contains(before) { continue }
      if let ref = reference, let d = x.date, ref.days(to: d) > 0 { continue }
      return x
    }
    // The next sentence often attributes the lead: "The ministry said on Thursday that …".
    guard let next = doc.sentenceRanges.first(where: { $0.lowerBound >= lead.upperBound }) else { return nil }
    for (x, xr) in doc.expressions where next.contains(xr.lowerBound) {
      guard x.date != nil, x.granularity == .day || x.granularity == .time else { continue }
      if let ref = reference, let d = x.date, ref.days(to: d) > 0 || d.days(to: ref) > 8 { continue }
      let lo = max(next.lowerBound, xr.lowerBound - 3)
      if (lo..<xr.lowerBound).contains(where: { announcingVerbs.contains(doc.words[$0]) }) { return x }
    }
    return nil
  }

  // MARK: de-duplication across articles

  static func deduplicate(_ items: [(PolicyEvent, CivilDate?)], window: Int) -> [PolicyEvent] {
    var out: [PolicyEvent] = []
    var firstReport: [CivilDate?] = []
    for (e, published) in items {
      let key = dedupKey(e)
      var merged = false
      // Events of one article were grouped already: only other articles' reports merge.
      for k in out.indices where dedupKey(out[k]) == key && out[k].sources != e.sources {
        let a = out[k].announced
        let b = e.announced
        let close: Bool
        if let a, let b { close = abs(a.days(to: b)) <= window } else { close = a == nil && b == nil }
        guard close else { continue }
        var m = out[k]
        let earlier: Bool = {
          guard let b else { return false }
          guard let a else { return true }
          return b < a
        }()
        if earlier {
          m.announced = e.announced
          m.granularity = e.granularity
          m.announcedMinute = e.announcedMinute
          m.timeZone = e.timeZone
          m.dateFromPublication = e.dateFromPublication
          m.evidence = e.evidence
          m.sources = e.sources + m.sources
        } else {
          m.sources += e.sources.filter { !m.sources.contains($0) }
        }
        for t in e.targets where !m.targets.contains(t) { m.targets.append(t) }
        for c in e.commodities where !m.commodities.contains(c) { m.commodities.append(c) }
        for (c, t) in zip(e.companies, e.tickers) where !m.tickers.contains(t) {
          m.companies.append(c)
          m.tickers.append(t)
        }
        m.confidence = min(0.99, max(m.confidence, e.confidence) + 0.05)
        out[k] = m
        if let p = published, let f = firstReport[k] { firstReport[k] = min(p, f) }
        merged = true
        break
      }
      if !merged {
        out.append(e)
        firstReport.append(published)
      }
    }
    for k in out.indices {
      let n = k + 1
      out[k].id = "E" + String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n)
    }
    return out
  }

  static func dedupKey(_ e: PolicyEvent) -> String {
    let action = e.type == "agreement" || e.type == "negotiation" ? "agree" : e.action
    var parties = [e.actor]
    if e.type == "agreement" || e.type == "negotiation" { parties = ([e.actor] + e.targets).sorted() }
    return [e.type, action, parties.joined(separator: "+"), e.commodities.first ?? ""].joined(separator: "|")
  }
}
