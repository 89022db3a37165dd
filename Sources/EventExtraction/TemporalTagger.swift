import MarketData

/// How precise a time expression is.
public enum TimeGranularity: String, Sendable, CaseIterable {
  /// A time of day (`4:30 p.m. ET`).
  case time
  /// A calendar day.
  case day
  /// An ISO week, or a weekend.
  case week
  /// A calendar month.
  case month
  /// A quarter (`2025-Q2`).
  case quarter
  /// A half year (`2025-H1`).
  case half
  /// A season (`2025-SU`).
  case season
  /// A year.
  case year
  /// A decade (`199`).
  case decade
  /// A century (`19`).
  case century
  /// A duration or age (`P3Y`).
  case duration
  /// A reference to now, the past or the future (`PRESENT_REF`).
  case reference
}

/// A time expression found in a text, normalised TimeML-style against a reference date.
public struct TimeExpression: Sendable, Equatable {
  /// Start offset in Unicode scalars of the input text.
  public var start: Int
  /// End offset (exclusive) in Unicode scalars.
  public var end: Int
  /// The expression as written.
  public var text: String
  /// TimeML value: `2025-03-25`, `2025-W12`, `2025-03`, `2025-Q2`, `2025`, `P3D`,
  /// `2025-03-25T16:30`, `PRESENT_REF`; `X` digits where the reference was needed but absent.
  public var value: String
  /// How precise `value` is.
  public var granularity: TimeGranularity
  /// The first day the expression denotes (`nil` for durations, references and unresolved values).
  public var date: CivilDate?
  /// Minutes after midnight for times of day.
  public var minute: Int?
  /// IANA zone stated with a time (`ET` → `America/New_York`), if any.
  public var timeZone: String?

  /// Creates an expression.
  public init(
    start: Int, end: Int, text: String, value: String, granularity: TimeGranularity, date: CivilDate? = nil,
    minute: Int? = nil, timeZone: String? = nil
  ) {
    self.start = start
    self.end = end
    self.text = text
    self.value = value
    self.granularity = granularity
    self.date = date
    self.minute = minute
    self.timeZone = timeZone
  }

  /// The event-date granularity this expression supports: day for days and times, week, month,
  /// and unknown for anything coarser or not a date.
  public var dateGranularity: DateGranularity {
    guard date != nil else { return .unknown }
    switch granularity {
    case .time, .day: return .day
    case .week: return .week
    case .month: return .month
    default: return .unknown
    }
  }
}

/// Finds time expressions in text and normalises them against a reference date (the article's
/// publication date), following news conventions: past-tense reporting resolves "on Tuesday" to
/// the most recent Tuesday on or before the reference, datelines take the reference's year, and
/// dateparser-style false positives ("We", "$27", "may", "March" as a verb) are avoided.
///
/// Runs in one pass over the UTF-8 bytes and a linear scan of the tokens.
public struct TemporalTagger: Sendable {
  /// Creates a tagger.
  public init() {}

  /// Tags `text` against `reference`.
  public func tag(_ text: String, reference: CivilDate) -> [TimeExpression] {
    tag(text, reference: Optional(reference))
  }

  /// Tags `text`; with a `nil` reference only absolute expressions get a date, relative ones get
  /// `X`-filled values.
  public func tag(_ text: String, reference: CivilDate?) -> [TimeExpression] {
    let bytes = Array(text.utf8)
    let (tokens, words) = Tokenizer.tokenize(bytes)
    let sentences = Tokenizer.sentences(tokens, words)
    var run = TaggerRun(bytes: bytes, tokens: tokens, words: words, sentence: sentences, ref: reference)
    return run.run()
  }

  /// Tags already-tokenised text (used by the extractor so it tokenises once).
  func tag(bytes: [UInt8], tokens: [Token], words: [String], sentences: [Int32], reference: CivilDate?)
    -> [TimeExpression]
  {
    var run = TaggerRun(bytes: bytes, tokens: tokens, words: words, sentence: sentences, ref: reference)
    return run.run()
  }
}

/// A match: token range and the normalised value.
struct Match {
  var endToken: Int
  var value: String
  var granularity: TimeGranularity
  var date: CivilDate?
  var minute: Int? = nil
  var zone: String? = nil
}

extension CivilDate {
  /// ISO week-numbering year and week of this date.
  var isoWeek: (year: Int, week: Int) {
    let thursday = adding(days: 4 - weekday)
    let y = thursday.year
    guard let jan1 = CivilDate(year: y, month: 1, day: 1) else { return (y, 1) }
    return (y, jan1.days(to: thursday) / 7 + 1)
  }

  /// Monday of the ISO week holding this date.
  var weekStart: CivilDate { adding(days: 1 - weekday) }
}

func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
func pad4(_ v: Int) -> String {
  if v >= 1000 { return "\(v)" }
  return String(repeating: "0", count: 4 - String(v).count) + "\(v)"
}

struct TaggerRun {
  let bytes: [UInt8]
  let tokens: [Token]
  let words: [String]
  let sentence: [Int32]
  let ref: CivilDate?
  var out: [TimeExpression] = []
  /// Token index where the previous expression ended, and whether it was a month (for "May and June").
  var lastEnd = -1
  var lastWasMonth = false

  init(bytes: [UInt8], tokens: [Token], words: [String], sentence: [Int32], ref: CivilDate?) {
    self.bytes = bytes
    self.tokens = tokens
    self.words = words
    self.sentence = sentence
    self.ref = ref
  }

  // MARK: token helpers

  @inline(__always) func w(_ i: Int) -> String { i >= 0 && i < tokens.count ? words[i] : "" }
  @inline(__always) func isNum(_ i: Int) -> Bool { i >= 0 && i < tokens.count && tokens[i].kind == .number }
  @inline(__always) func isPunct(_ i: Int, _ s: Unicode.Scalar) -> Bool {
    i >= 0 && i < tokens.count && tokens[i].kind == .punct && tokens[i].scalar == s
  }
  @inline(__always) func tight(_ i: Int) -> Bool { i < tokens.count && !tokens[i].spaceBefore }
  func isDash(_ i: Int) -> Bool {
    guard i >= 0, i < tokens.count, tokens[i].kind == .punct else { return false }
    let s = tokens[i].scalar
    return s == "-" || s == "\u{2013}" || s == "\u{2010}" || s == "\u{2011}"
  }

  func dayNumber(_ i: Int) -> Int? {
    guard isNum(i), tokens[i].digits <= 2, tokens[i].value >= 1, tokens[i].value <= 31 else { return nil }
    return tokens[i].value
  }

  func yearNumber(_ i: Int) -> Int? {
    guard isNum(i), tokens[i].digits == 4, (1000...2199).contains(tokens[i].value) else { return nil }
    // Not part of a larger number: "1,2025", "2025.5".
    if isPunct(i + 1, ","), isNum(i + 2), tight(i + 1), tight(i + 2) { return nil }
    if isPunct(i + 1, "."), isNum(i + 2), tight(i + 1), tight(i + 2) { return nil }
    return tokens[i].value
  }

  /// Skips an ordinal suffix (`st`, `nd`, `rd`, `th`, `.`) right after a number.
  func afterOrdinal(_ i: Int) -> Int {
    if i < tokens.count, tight(i), ["st", "nd", "rd", "th", "er", "e", "º"].contains(w(i)) { return i + 1 }
    return i
  }

  static let currency: Set<Unicode.Scalar> = ["$", "€", "£", "¥", "₹", "₩", "#", "№"]
  static let currencyWords: Set<String> = [
    "usd", "eur", "rmb", "cny", "yuan", "aud", "cad", "jpy", "gbp", "hkd", "rs", "no", "nr",
  ]

  func moneyBefore(_ i: Int) -> Bool {
    guard i > 0 else { return false }
    let p = tokens[i - 1]
    if p.kind == .punct, TaggerRun.currency.contains(p.scalar) { return true }
    if p.kind == .word, TaggerRun.currencyWords.contains(words[i - 1]), tokens[i].spaceBefore || p.allCaps {
      return true
    }
    return false
  }

  static let quantityNouns: Set<String> = [
    "tonnes", "tons", "ton", "tonne", "metric", "units", "people", "jobs", "percent", "per", "barrels",
    "cars",
    "vehicles", "workers", "companies", "firms", "points", "km", "miles", "mw", "gw", "kg", "lb", "pounds",
    "euros", "dollars", "yuan", "million", "billion", "trillion", "products", "items", "tariff", "lines",
    "pages", "members", "shares", "containers", "acres", "hectares", "employees", "troops", "votes", "rounds",
    "times", "bn", "mln", "m", "k", "feet", "meters", "metres", "cases", "deaths", "goods", "categories",
  ]

  // MARK: tense

  static let futureCues: Set<String> = [
    "will", "shall", "ll", "would", "next", "upcoming", "scheduled", "schedule", "plans", "plan", "planned",
    "planning", "intends", "expected", "expects", "due", "until", "till", "by", "from", "starting", "start",
    "starts", "effective", "begin", "begins", "beginning", "takes", "take", "expire", "expires", "deadline",
    "set", "going", "coming", "later", "before", "tomorrow", "to", "extends", "extend", "extended", "through",
  ]
  static let pastCues: Set<String> = [
    "said", "announced", "was", "were", "had", "did", "took", "imposed", "agreed", "signed", "told",
    "ago", "last", "earlier", "since", "reported", "published", "released", "introduced", "unveiled",
    "rose", "fell", "came", "went", "began", "made", "hit", "saw", "met", "won", "lost", "grew", "struck",
    "held", "gave", "brought", "sought", "thought", "wrote", "left", "sold", "paid", "became", "chose",
    "spoke",
    "fought", "kept", "led", "ran", "shrank", "sank", "slid", "soared", "jumped",
  ]

  /// `true` when the nearest tense cue before token `i` in its sentence points forward.
  func futureContext(_ i: Int) -> Bool { tense(i) == 1 }

  /// The tense around token `i`: 1 future, -1 past, 0 unknown. Looks back to the nearest cue in
  /// the sentence, then forward a few tokens.
  func tense(_ i: Int) -> Int {
    var j = i - 1
    var steps = 0
    let s = sentence[min(i, tokens.count - 1)]
    while j >= 0, sentence[j] == s, steps < 14 {
      let word = words[j]
      // Reported speech: "said on Tuesday that tariffs rise in May" — the reporting verb's tense
      // is not the clause's; the clause's own cues (before or after) decide.
      if word == "that" { break }
      if !word.isEmpty {
        if TaggerRun.futureCues.contains(word) {
          // "to" only counts right before the expression's preposition ("to take effect on").
          if word == "to" || word == "set" || word == "start" { if steps <= 3 { return 1 } } else { return 1 }
        }
        if TaggerRun.pastCues.contains(word) { return -1 }
        if word.count > 4, word.hasSuffix("ed"), steps > 0 { return -1 }
      }
      j -= 1
      steps += 1
    }
    j = i + 1
    steps = 0
    while j < tokens.count, sentence[j] == s, steps < 8 {
      let word = words[j]
      if !word.isEmpty {
        if word == "will" || word == "shall" || word == "ll" { return 1 }
        if TaggerRun.pastCues.contains(word) || (word.count > 4 && word.hasSuffix("ed")) { return -1 }
      }
      j += 1
      steps += 1
    }
    return 0
  }

  // MARK: resolution

  /// Chooses the year of a month-day without year: past-biased (news reports the past) unless the
  /// context points forward, then nearest.
  func resolveMonthDay(_ month: Int, _ day: Int, at i: Int) -> CivilDate? {
    guard let ref else { return nil }
    let y = ref.year
    let cands = [y - 1, y, y + 1].compactMap {
      CivilDate(year: $0, month: month, day: min(day, CivilDate.daysIn(year: $0, month: month)))
    }
    guard !cands.isEmpty else { return nil }
    switch tense(i) {
    case 1: return cands.min { abs($0.days(to: ref)) < abs($1.days(to: ref)) }
    case -1:
      // Latest candidate not more than 14 days after the reference (datelines run ahead of GMT).
      return cands.filter { ref.days(to: $0) <= 14 }.max()
    default:
      // Nearest, ties to the past.
      return cands.min { a, b in
        let da = abs(a.days(to: ref)) + (a > ref ? 1 : 0)
        let db = abs(b.days(to: ref)) + (b > ref ? 1 : 0)
        return da < db
      }
    }
  }

  func resolveMonth(_ month: Int, at i: Int) -> (Int, Int)? {
    guard let ref else { return nil }
    let y = ref.year
    switch tense(i) {
    case 1: return month >= ref.month ? (y, month) : (y + 1, month)
    case -1: return month <= ref.month ? (y, month) : (y - 1, month)
    default:
      // Nearest occurrence, ties to the past.
      let ahead = (month - ref.month + 12) % 12
      let back = (ref.month - month + 12) % 12
      if ahead == 0 { return (y, month) }
      return ahead < back ? (month > ref.month ? y : y + 1, month) : (month < ref.month ? y : y - 1, month)
    }
  }

  func monthValue(_ y: Int, _ m: Int) -> String { pad4(y) + "-" + pad2(m) }
  func dayValue(_ d: CivilDate) -> String { d.iso }
  func weekValue(_ d: CivilDate) -> String {
    let (y, wk) = d.isoWeek
    return pad4(y) + "-W" + pad2(wk)
  }

  func monthMatch(_ end: Int, _ y: Int, _ m: Int) -> Match {
    Match(
      endToken: end, value: monthValue(y, m), granularity: .month, date: CivilDate(year: y, month: m, day: 1))
  }

  func dayMatch(_ end: Int, _ d: CivilDate?) -> Match {
    Match(endToken: end, value: d.map(dayValue) ?? "XXXX-XX-XX", granularity: .day, date: d)
  }

  func yearMatch(_ end: Int, _ y: Int) -> Match {
    Match(endToken: end, value: pad4(y), granularity: .year, date: CivilDate(year: y, month: 1, day: 1))
  }

  // MARK: driver

  mutating func run() -> [TimeExpression] {
    var i = 0
    let n = tokens.count
    while i < n {
      if let m = match(at: i), m.endToken > i {
        emit(from: i, m)
        lastEnd = m.endToken
        lastWasMonth = m.granularity == .month
        i = m.endToken
      } else {
        i += 1
      }
    }
    anchorTimes()
    return out
  }

  mutating func emit(from i: Int, _ m: Match) {
    let a = tokens[i]
    let z = tokens[m.endToken - 1]
    let text = String(decoding: bytes[a.byteStart..<z.byteEnd], as: UTF8.self)
    out.append(
      TimeExpression(
        start: a.start, end: z.end, text: text, value: m.value, granularity: m.granularity, date: m.date,
        minute: m.minute, timeZone: m.zone))
  }

  /// Gives times of day the date of an adjacent date expression in the same sentence.
  mutating func anchorTimes() {
    for k in out.indices where out[k].granularity == .time {
      var anchor: CivilDate? = nil
      if k > 0, out[k - 1].granularity == .day, out[k].start - out[k - 1].end <= 12 {
        anchor = out[k - 1].date
      }
      if anchor == nil, k + 1 < out.count, out[k + 1].granularity == .day, out[k + 1].start - out[k].end <= 12
      {
        anchor = out[k + 1].date
      }
      if let anchor, let m = out[k].minute {
        out[k].date = anchor
        out[k].value = anchor.iso + "T" + pad2(m / 60) + ":" + pad2(m % 60)
      }
    }
  }

  mutating func match(at i: Int) -> Match? {
    // A weekday abbreviation may look past the last token ("… Tue.," at the end of a text).
    guard i >= 0 && i < tokens.count else { return nil }
    let t = tokens[i]
    switch t.kind {
    case .number:
      if moneyBefore(i) { return nil }
      return numberRules(i)
    case .word:
      return wordRules(i)
    case .punct:
      // '90s
      if (t.scalar == "'" || t.scalar == "\u{2019}"), isNum(i + 1), tokens[i + 1].digits == 2, tight(i + 1),
        w(i + 2) == "s", tight(i + 2), tokens[i].spaceBefore
      {
        let d = tokens[i + 1].value / 10
        return Match(endToken: i + 3, value: (d >= 3 ? "19" : "20") + "\(d)", granularity: .decade, date: nil)
      }
      return nil
    }
  }

  // MARK: rules starting with a number

  mutating func numberRules(_ i: Int) -> Match? {
    let t = tokens[i]
    // ISO date YYYY-MM-DD[THH:MM], YYYY/MM/DD.
    if t.digits == 4, (isPunct(i + 1, "-") || isPunct(i + 1, "/")), isNum(i + 2), tight(i + 1), tight(i + 2),
      tokens[i + 2].digits <= 2
    {
      let sep = tokens[i + 1].scalar
      if isPunct(i + 3, sep), isNum(i + 4), tight(i + 3), tight(i + 4), tokens[i + 4].digits <= 2,
        let d = CivilDate(year: t.value, month: tokens[i + 2].value, day: tokens[i + 4].value)
      {
        var m = dayMatch(i + 5, d)
        if w(i + 5) == "t", tight(i + 5), isNum(i + 6), tight(i + 6), isPunct(i + 7, ":"), isNum(i + 8) {
          let minute = tokens[i + 6].value * 60 + tokens[i + 8].value
          var e = i + 9
          if isPunct(e, ":"), isNum(e + 1), tight(e) { e += 2 }
          if w(e) == "z", tight(e) { e += 1 }
          m = Match(
            endToken: e, value: d.iso + "T" + pad2(minute / 60) + ":" + pad2(minute % 60), granularity: .time,
            date: d, minute: minute, zone: w(e - 1) == "z" ? "UTC" : nil)
        }
        return m
      }
      // YYYY-MM
      if sep == "-", tokens[i + 2].digits == 2, (1...12).contains(tokens[i + 2].value), !isPunct(i + 3, "-"),
        (1900...2100).contains(t.value), !isNum(i + 3)
      {
        // Avoid ranges like 2024-25 being read as months: require a month > 12 impossible → months
        // 01-12 with a leading zero only.
        if bytes[tokens[i + 2].byteStart] == UInt8(ascii: "0") {
          return monthMatch(i + 3, t.value, tokens[i + 2].value)
        }
      }
    }
    // Numeric D/M/Y or M/D/Y with / or . and a 4-digit year.
    if t.digits <= 2, (isPunct(i + 1, "/") || isPunct(i + 1, ".")), isNum(i + 2), tight(i + 1), tight(i + 2),
      tokens[i + 2].digits <= 2, isPunct(i + 3, tokens[i + 1].scalar), tight(i + 3), isNum(i + 4),
      tight(i + 4),
      tokens[i + 4].digits == 4
    {
      let a = t.value, b = tokens[i + 2].value, y = tokens[i + 4].value
      let dotted = tokens[i + 1].scalar == "."
      let (m, d) = dotted || a > 12 ? (b, a) : (a, b)
      if let date = CivilDate(year: y, month: m, day: d) { return dayMatch(i + 5, date) }
    }
    // CJK: 2025年6月26日, 6月26日.
    if w(i + 1) == "年", t.digits == 4 {
      if isNum(i + 2), w(i + 3) == "月" {
        if isNum(i + 4), w(i + 5) == "日" || w(i + 5) == "号",
          let d = CivilDate(year: t.value, month: tokens[i + 2].value, day: tokens[i + 4].value)
        {
          return dayMatch(i + 6, d)
        }
        if (1...12).contains(tokens[i + 2].value) { return monthMatch(i + 4, t.value, tokens[i + 2].value) }
      }
      return yearMatch(i + 2, t.value)
    }
    if w(i + 1) == "月", isNum(i + 2), w(i + 3) == "日" || w(i + 3) == "号", (1...12).contains(t.value) {
      let d = resolveMonthDay(t.value, tokens[i + 2].value, at: i)
      if ref == nil {
        return Match(
          endToken: i + 4, value: "XXXX-" + pad2(t.value) + "-" + pad2(tokens[i + 2].value),
          granularity: .day, date: nil)
      }
      return dayMatch(i + 4, d)
    }
    // Day first: 26 March [2025], 26th of March, 26. März 2025, 26 de marzo de 2025.
    if let day = dayNumber(i) {
      var j = afterOrdinal(i + 1)
      if isPunct(j, "."), tight(j) { j += 1 }
      if w(j) == "of" || w(j) == "de" { j += 1 }
      if j < tokens.count, tokens[j].kind == .word, let mo = Lexicon.month(w(j)),
        monthWordOK(j, mo, hasDay: true)
      {
        var e = j + 1
        if isPunct(e, "."), tight(e), mo.english || w(j).count <= 5 { e += 1 }
        var k = e
        if w(k) == "de" || w(k) == "del" { k += 1 }
        if isPunct(k, ",") { k += 1 }
        if let y = yearNumber(k) {
          if let d = CivilDate(year: y, month: mo.month, day: day) { return withTime(dayMatch(k + 1, d)) }
        }
        if ref == nil {
          return Match(
            endToken: e, value: "XXXX-" + pad2(mo.month) + "-" + pad2(day), granularity: .day, date: nil)
        }
        return withTime(dayMatch(e, resolveMonthDay(mo.month, day, at: i)))
      }
    }
    // Ages and durations: 72-year-old, 90-day, 90 days, 24 hours.
    if let m = durationRule(i, count: t.value, countEnd: i + 1) { return m }
    // Times: 4:30 p.m. ET, 16:30 GMT, 10 a.m.
    if let m = timeRule(i) { return m }
    // Decades: 1990s.
    if t.digits == 4, w(i + 1) == "s", tight(i + 1), t.value % 10 == 0, (1000...2100).contains(t.value) {
      return Match(endToken: i + 2, value: String(t.value / 10), granularity: .decade, date: nil)
    }
    // Plain year.
    if let y = yearNumber(i), yearOK(i) {
      var e = i + 1
      // "2025-26" fiscal ranges: keep the first year only.
      if isDash(e), isNum(e + 1), tight(e), tokens[e + 1].digits == 2 { e += 0 }
      return yearMatch(e, y)
    }
    return nil
  }

  /// A plain four-digit number is a year unless it quantifies something or sits in a number.
  func yearOK(_ i: Int) -> Bool {
    let y = tokens[i].value
    guard (1900...2100).contains(y) else { return false }
    if i > 0, tokens[i - 1].kind == .punct, !tokens[i].spaceBefore {
      let s = tokens[i - 1].scalar
      if s == "." || s == "," || s == "-" || s == "/" || s == ":" || s == "+" { return false }
    }
    if i > 0, tokens[i - 1].kind == .number { return false }
    if i + 1 < tokens.count {
      let nx = tokens[i + 1]
      if nx.kind == .punct, nx.scalar == "%" { return false }
      if nx.kind == .word, TaggerRun.quantityNouns.contains(words[i + 1]) { return false }
      if nx.kind == .punct, (nx.scalar == "." || nx.scalar == ","), !nx.spaceBefore, isNum(i + 2),
        tight(i + 2)
      {
        return false
      }
      if nx.kind == .word, !nx.spaceBefore { return false }
    }
    return true
  }

  /// Month words other than strong English names need a day, a year or a cue before them;
  /// English names must be capitalised.
  func monthWordOK(_ j: Int, _ mo: Lexicon.Month, hasDay: Bool) -> Bool {
    let t = tokens[j]
    if mo.english {
      // "may", "mar", "march" in lower case are verbs; abbreviations need a capital too.
      if !t.capitalized { return false }
      return true
    }
    return hasDay
  }

  /// A date match as is: times of day are separate expressions (TimeML convention) and take the
  /// date of an adjacent date expression in `anchorTimes`.
  func withTime(_ m: Match) -> Match { m }

  /// Appends a following time of day ("March 26, 2025, 4:30 p.m. ET") to a date match.
  func withTimeMerged(_ m: Match) -> Match {
    var j = m.endToken
    if isPunct(j, ",") { j += 1 }
    if w(j) == "at" { j += 1 }
    if isNum(j), let t = timeRule(j), let d = m.date, let minute = t.minute {
      return Match(
        endToken: t.endToken, value: d.iso + "T" + pad2(minute / 60) + ":" + pad2(minute % 60),
        granularity: .time,
        date: d, minute: minute, zone: t.zone)
    }
    return m
  }

  // MARK: durations

  func durationRule(_ i: Int, count: Int, countEnd: Int) -> Match? {
    var j = countEnd
    var hyphen = false
    if isDash(j), tight(j) {
      hyphen = true
      j += 1
    }
    guard j < tokens.count, let (unit, isTime, _) = Lexicon.units[w(j)] else { return nil }
    // "N units ago" → a date.
    if w(j + 1) == "ago" { return agoRule(i, count: count, unit: w(j), end: j + 2) }
    // "in N days" (forward date) is left as a duration; TimeML tags it so often enough.
    var e = j + 1
    if hyphen, isDash(e), w(e + 1) == "old", tight(e) {
      e += 2
    } else if hyphen, isDash(e), w(e + 1) == "long", tight(e) {
      e += 2
    }
    if count <= 0 || count > 10000 { return nil }
    // Exclude "the 10 days" after money? Counts after currency were filtered by the caller.
    let value = "P" + (isTime ? "T" : "") + "\(count)" + unit
    return Match(endToken: e, value: value, granularity: .duration, date: nil)
  }

  func agoRule(_ i: Int, count: Int, unit: String, end: Int) -> Match? {
    // As for durations: more than 10,000 units back is not a date expression (and would overflow
    // the day arithmetic: "9999999999999 weeks ago" was a fuzz find).
    guard count > 0, count <= 10000 else { return nil }
    guard let (_, isTime, gran) = Lexicon.units[unit] else { return nil }
    guard let ref else {
      return Match(endToken: end, value: "PAST_REF", granularity: .reference, date: nil)
    }
    if isTime { return dayMatch(end, ref) }
    switch gran {
    case .day: return dayMatch(end, ref.adding(days: -count))
    case .week:
      let d = ref.adding(days: -7 * count)
      return Match(endToken: end, value: weekValue(d), granularity: .week, date: d.weekStart)
    case .month:
      var y = ref.year
      var m = ref.month - count
      while m < 1 {
        m += 12
        y -= 1
      }
      return monthMatch(end, y, m)
    case .year: return yearMatch(end, ref.year - count)
    case .decade:
      return Match(
        endToken: end, value: String((ref.year - 10 * count) / 10), granularity: .decade, date: nil)
    default: return nil
    }
  }

  // MARK: times of day

  func meridiem(_ j: Int) -> (Int, Bool)? {
    // am/pm, a.m./p.m., "a.m" forms.
    let word = w(j)
    if word == "am" || word == "pm" { return (j + 1, word == "pm") }
    if (word == "a" || word == "p"), isPunct(j + 1, "."), w(j + 2) == "m", tight(j + 1), tight(j + 2) {
      var e = j + 3
      if isPunct(e, "."), tight(e) { e += 1 }
      return (e, word == "p")
    }
    return nil
  }

  func zoneAt(_ j: Int) -> (Int, String?)? {
    guard j < tokens.count else { return nil }
    let word = w(j)
    if tokens[j].allCaps || word.count <= 4, tokens[j].kind == .word, tokens[j].capitalized,
      let z = Lexicon.zones[word]
    {
      return (j + 1, z)
    }
    if word == "local", w(j + 1) == "time" { return (j + 2, nil) }
    if let z = Lexicon.zoneCities[word], w(j + 1) == "time" { return (j + 2, z) }
    if word == "new", w(j + 1) == "york", w(j + 2) == "time" { return (j + 3, "America/New_York") }
    if word == "hong", w(j + 1) == "kong", w(j + 2) == "time" { return (j + 3, "Asia/Hong_Kong") }
    if isPunct(j, "("), let (e, z) = zoneAt(j + 1), isPunct(e, ")") { return (e + 1, z) }
    return nil
  }

  func timeRule(_ i: Int) -> Match? {
    guard isNum(i) else { return nil }
    let h = tokens[i].value
    var minute: Int? = nil
    var e = i + 1
    if isPunct(i + 1, ":") || isPunct(i + 1, "."), isNum(i + 2), tight(i + 1), tight(i + 2),
      tokens[i + 2].digits == 2,
      tokens[i].digits <= 2, h < 24, tokens[i + 2].value < 60
    {
      // "4.30" only with a meridiem after it.
      let dot = isPunct(i + 1, ".")
      minute = h * 60 + tokens[i + 2].value
      e = i + 3
      if isPunct(e, ":"), isNum(e + 1), tight(e), tight(e + 1) { e += 2 }
      if dot, meridiem(e) == nil { return nil }
    }
    if let (me, pm) = meridiem(e) {
      guard h >= 1, h <= 12 else { return nil }
      let base = (h % 12) * 60 + ((minute ?? h * 60) - h * 60)
      minute = pm ? base + 720 : base
      e = me
    } else if minute == nil {
      // "1430 GMT"
      if tokens[i].digits == 4, h / 100 < 24, h % 100 < 60, let (ze, z) = zoneAt(i + 1), z == "UTC" {
        return timeMatch(i, ze, (h / 100) * 60 + h % 100, z)
      }
      return nil
    } else if isPunct(i + 1, ":") == false {
      return nil
    }
    guard let minute else { return nil }
    var zone: String? = nil
    if let (ze, z) = zoneAt(e) {
      zone = z
      e = ze
    }
    return timeMatch(i, e, minute, zone)
  }

  func timeMatch(_ i: Int, _ e: Int, _ minute: Int, _ zone: String?) -> Match {
    let d = ref
    let v = (d?.iso ?? "XXXX-XX-XX") + "T" + pad2(minute / 60) + ":" + pad2(minute % 60)
    return Match(endToken: e, value: v, granularity: .time, date: d, minute: minute, zone: zone)
  }

  // MARK: rules starting with a word

  static let monthCues: Set<String> = [
    "in", "since", "until", "till", "by", "during", "of", "early", "late", "mid", "last", "next", "this",
    "from",
    "through", "before", "after", "end", "beginning", "start", "on", "between", "throughout", "as", "for",
    "starting", "around", "into", "earlier", "later", "past", "previous", "each", "every", "late", "en", "im",
  ]

  static let relative: [String: Int] = ["today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1]
  static let presentRefs: Set<String> = ["now", "currently", "nowadays", "presently"]
  static let pastRefs: Set<String> = ["recently", "previously", "formerly", "lately", "once"]

  mutating func wordRules(_ i: Int) -> Match? {
    let t = tokens[i]
    // Most words start no rule; frequent function words start only a few.
    switch t.keyword {
    case 0: return nil
    case 2: if w(i + 1) != "day" && !isNum(i + 1) { return nil }
    case 3: if Lexicon.units[w(i + 1)] == nil { return nil }
    case 4: if w(i + 1) != "the" { return nil }
    case 5: if w(i + 1) != "present" { return nil }
    default: break
    }
    let word = words[i]
    if word.isEmpty { return nil }
    // Relative days.
    if let off = TaggerRun.relative[word] {
      guard let ref else { return Match(endToken: i + 1, value: "XXXX-XX-XX", granularity: .day, date: nil) }
      return withTime(dayMatch(i + 1, ref.adding(days: off)))
    }
    if word == "heute" || word == "hoy" || word == "oggi" || word == "hoje" {
      return ref.map { dayMatch(i + 1, $0) }
    }
    if word == "gestern" || word == "ayer" || word == "ieri" || word == "ontem" {
      return ref.map { dayMatch(i + 1, $0.adding(days: -1)) }
    }
    if word == "the", w(i + 1) == "day", w(i + 2) == "before", w(i + 3) == "yesterday", let ref {
      return dayMatch(i + 4, ref.adding(days: -2))
    }
    if TaggerRun.presentRefs.contains(word) {
      if word == "now", isPunct(i - 1, ",") == false, w(i - 1) == "by" { return nil }
      return Match(endToken: i + 1, value: "PRESENT_REF", granularity: .reference, date: nil)
    }
    if TaggerRun.pastRefs.contains(word), word != "once" {
      return Match(endToken: i + 1, value: "PAST_REF", granularity: .reference, date: nil)
    }
    if word == "in", w(i + 1) == "the", w(i + 2) == "past", !isNum(i + 3), Lexicon.units[w(i + 3)] == nil {
      return Match(endToken: i + 3, value: "PAST_REF", granularity: .reference, date: nil)
    }
    if word == "in", w(i + 1) == "the", w(i + 2) == "future" {
      return Match(endToken: i + 3, value: "FUTURE_REF", granularity: .reference, date: nil)
    }
    if word == "at", w(i + 1) == "present" {
      return Match(endToken: i + 2, value: "PRESENT_REF", granularity: .reference, date: nil)
    }
    if word == "this" || word == "last", ["morning", "afternoon", "evening", "night"].contains(w(i + 1)),
      let ref
    {
      let d = word == "last" && w(i + 1) == "night" ? ref.adding(days: -1) : ref
      if word == "last", w(i + 1) != "night" { return nil }
      return dayMatch(i + 2, d)
    }
    // Noon, midnight.
    if word == "noon" || word == "midnight" || word == "midday" {
      if w(i - 1) == "at" || w(i - 1) == "by" || w(i - 1) == "before" || w(i - 1) == "after"
        || w(i - 1) == "until"
      {
        var e = i + 1
        var zone: String? = nil
        if let (ze, z) = zoneAt(e) {
          zone = z
          e = ze
        }
        return timeMatch(i, e, word == "midnight" ? 0 : 720, zone)
      }
    }
    // Weekday abbreviation before ", 26 Jun 2025".
    if let _ = Lexicon.weekdayAbbreviations[word], t.capitalized {
      var j = i + 1
      if isPunct(j, ".") { j += 1 }
      if isPunct(j, ",") {
        j += 1
        if let m = match(at: j), m.granularity == .day || m.granularity == .time { return m }
      }
      return nil
    }
    // Full weekday, optionally followed by a date.
    if let wd = Lexicon.weekdays[word] {
      var j = i + 1
      if isPunct(j, ",") { j += 1 }
      if j < tokens.count, j > i + 1 || tokens[j].kind == .word || tokens[j].kind == .number {
        if (tokens[j].kind == .word && Lexicon.month(w(j)) != nil) || dayNumber(j) != nil {
          if let m = match(at: j), m.granularity == .day || m.granularity == .time { return m }
        }
      }
      if !t.capitalized && Lexicon.weekdays[word] != nil && word.hasSuffix("day") == false { return nil }
      return weekdayMatch(i, i + 1, wd, mod: modifier(before: i))
    }
    // Month names.
    if let mo = Lexicon.month(word), t.kind == .word {
      if let m = monthRule(i, mo) { return m }
    }
    // last/next/this/past/coming + unit | weekday | month | season.
    if ["last", "next", "this", "past", "coming", "previous", "current", "following", "that"].contains(word) {
      if let m = modifierRule(i, word) { return m }
    }
    // earlier/later this month; early/mid/late + month/year/this year.
    if word == "earlier" || word == "later" || word == "early" || word == "late" || word == "mid"
      || word == "end"
      || word == "beginning" || word == "start" || word == "middle"
    {
      if let m = partRule(i) { return m }
    }
    // Quarters: Q3, Q3 2025, 2025 Q3 handled as year then Q.
    if word == "q", t.capitalized, isNum(i + 1), tight(i + 1), (1...4).contains(tokens[i + 1].value),
      tokens[i + 1].digits == 1
    {
      var e = i + 2
      var year: Int? = nil
      if let y = yearNumber(e) {
        year = y
        e += 1
      } else if isPunct(e, "'") || isPunct(e, "\u{2019}"), isNum(e + 1), tokens[e + 1].digits == 2 {
        year = 2000 + tokens[e + 1].value
        e += 2
      }
      return quarterMatch(i, e, tokens[i + 1].value, year: year)
    }
    if word == "h", t.capitalized, isNum(i + 1), tight(i + 1), (1...2).contains(tokens[i + 1].value),
      tokens[i + 1].digits == 1
    {
      var e = i + 2
      var year = ref?.year
      if let y = yearNumber(e) {
        year = y
        e += 1
      }
      guard let year else { return nil }
      return Match(
        endToken: e, value: pad4(year) + "-H\(tokens[i + 1].value)", granularity: .half,
        date: CivilDate(year: year, month: tokens[i + 1].value == 1 ? 1 : 7, day: 1))
    }
    // Ordinal quarter/half: "the third quarter (of 2025)", "first half".
    if let q = Lexicon.ordinals[word], q <= 4, w(i + 1) == "quarter" || (q <= 2 && w(i + 1) == "half") {
      let half = w(i + 1) == "half"
      var e = i + 2
      var year: Int? = nil
      if w(e) == "of" || isPunct(e, ",") {
        if let y = yearNumber(e + 1) {
          year = y
          e += 2
        } else if w(e) == "of", ["this", "last", "next"].contains(w(e + 1)), w(e + 2) == "year", let ref {
          year = ref.year + (w(e + 1) == "last" ? -1 : w(e + 1) == "next" ? 1 : 0)
          e += 3
        }
      } else if let y = yearNumber(e) {
        year = y
        e += 1
      }
      if half {
        guard let y = year ?? ref?.year else { return nil }
        return Match(
          endToken: e, value: pad4(y) + "-H\(q)", granularity: .half,
          date: CivilDate(year: y, month: q == 1 ? 1 : 7, day: 1))
      }
      return quarterMatch(i, e, q, year: year)
    }
    // Seasons.
    if let s = TaggerRun.seasons[word] {
      return seasonRule(i, s)
    }
    // Fiscal years: fiscal 2025, FY2025, FY25.
    if word == "fiscal", let y = yearNumber(i + 1) { return yearMatch(i + 2, y) }
    if word == "fy", t.allCaps || t.capitalized, isNum(i + 1), tight(i + 1) {
      let v = tokens[i + 1].value
      if tokens[i + 1].digits == 4 { return yearMatch(i + 2, v) }
      if tokens[i + 1].digits == 2 { return yearMatch(i + 2, 2000 + v) }
    }
    // Decades: the 1990s handled by number rule. "the nineties" skipped.
    // "the 15th".
    if word == "the", isNum(i + 1), let d = dayNumber(i + 1), ["st", "nd", "rd", "th"].contains(w(i + 2)),
      tight(i + 2)
    {
      let prev = w(i - 1)
      let after = i + 3
      let endsClause = after >= tokens.count || tokens[after].kind == .punct
      if ["on", "by", "until", "since", "before", "after"].contains(prev) && endsClause, let ref {
        var y = ref.year
        var m = ref.month
        if d > ref.day && !futureContext(i) {
          m -= 1
          if m == 0 {
            m = 12
            y -= 1
          }
        }
        if let date = CivilDate(year: y, month: m, day: d) { return dayMatch(after, date) }
      }
    }
    // Durations with number words: "three years", "two-year", "a decade".
    if let c = Lexicon.numbers[word] {
      if word == "a" || word == "an" {
        // "a year ago", "a decade", but not "a day when…": require ago, or for/over/than before it.
        let u = w(i + 1)
        if Lexicon.units[u] != nil {
          if w(i + 2) == "ago" { return agoRule(i, count: 1, unit: u, end: i + 3) }
          if ["for", "over", "than", "within", "about", "nearly", "almost", "past", "in"].contains(w(i - 1)) {
            return durationRule(i, count: 1, countEnd: i + 1)
          }
        }
        return nil
      }
      var count = c
      var e = i + 1
      if isDash(e), let c2 = Lexicon.numbers[w(e + 1)], c2 < 10, c >= 20 {
        count = c + c2
        e += 2
      }
      return durationRule(i, count: count, countEnd: e)
    }
    if ["several", "many", "few"].contains(word), let (_, isTime, _) = Lexicon.units[w(i + 1)],
      w(i + 1).hasSuffix("s")
    {
      if w(i + 2) == "ago" {
        return ref.map { _ in Match(endToken: i + 3, value: "PAST_REF", granularity: .reference, date: nil) }
      }
      let unit = Lexicon.units[w(i + 1)]?.0 ?? "Y"
      return Match(
        endToken: i + 2, value: "P" + (isTime ? "T" : "") + "X" + unit, granularity: .duration, date: nil)
    }
    // ISO durations written literally: P3Y, P90D.
    if word == "p", t.capitalized, isNum(i + 1), tight(i + 1), i + 2 < tokens.count, tight(i + 2),
      ["y", "m", "w", "d"].contains(w(i + 2)), tokens[i + 2].capitalized
    {
      return Match(
        endToken: i + 3, value: "P\(tokens[i + 1].value)" + w(i + 2).uppercased(), granularity: .duration,
        date: nil)
    }
    return nil
  }

  /// last/next/this before token `i`.
  func modifier(before i: Int) -> String? {
    let p = w(i - 1)
    if ["last", "next", "this", "past", "coming", "previous"].contains(p) { return p }
    return nil
  }

  func weekdayMatch(_ i: Int, _ end: Int, _ wd: Int, mod: String?) -> Match? {
    guard let ref else {
      return Match(endToken: end, value: "XXXX-WXX-\(wd)", granularity: .day, date: nil)
    }
    let back = (ref.weekday - wd + 7) % 7
    let fwd = (wd - ref.weekday + 7) % 7
    let d: CivilDate
    switch mod {
    case "last", "past", "previous": d = ref.adding(days: -(back == 0 ? 7 : back))
    case "next", "coming": d = ref.adding(days: fwd == 0 ? 7 : fwd)
    case "this": d = ref.weekStart.adding(days: wd - 1)
    default: d = futureContext(i) ? ref.adding(days: fwd) : ref.adding(days: -back)
    }
    return withTime(dayMatch(end, d))
  }

  func quarterMatch(_ i: Int, _ e: Int, _ q: Int, year: Int?) -> Match? {
    var y = year
    if y == nil, let ref {
      let current = (ref.month - 1) / 3 + 1
      y = q > current && !futureContext(i) ? ref.year - 1 : ref.year
    }
    guard let y else { return Match(endToken: e, value: "XXXX-Q\(q)", granularity: .quarter, date: nil) }
    return Match(
      endToken: e, value: pad4(y) + "-Q\(q)", granularity: .quarter,
      date: CivilDate(year: y, month: (q - 1) * 3 + 1, day: 1))
  }

  static let seasons: [String: String] = [
    "spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI",
  ]
  static let seasonStart: [String: Int] = ["SP": 3, "SU": 6, "FA": 9, "WI": 12]

  func seasonRule(_ i: Int, _ s: String, mod: String? = nil, start: Int? = nil) -> Match? {
    let begin = start ?? i
    var e = i + 1
    if w(e) == "of" { e += 1 }
    if let y = yearNumber(e) {
      return Match(
        endToken: e + 1, value: pad4(y) + "-" + s, granularity: .season,
        date: CivilDate(year: y, month: TaggerRun.seasonStart[s] ?? 1, day: 1))
    }
    if isNum(i + 1), tokens[i + 1].digits == 4 { return nil }
    // Bare season words need a cue ("prices fall", "spring" as a noun).
    let p = w(i - 1)
    let cued =
      mod != nil
      || [
        "in", "the", "during", "this", "last", "next", "early", "late", "mid", "since", "until", "by", "over",
        "through", "past", "coming",
      ].contains(p)
    if !cued { return nil }
    if s == "FA", w(i) == "fall", p != "the", p != "this", p != "last", p != "next", p != "in", p != "early",
      p != "late"
    {
      return nil
    }
    guard let ref else { return Match(endToken: i + 1, value: "XXXX-" + s, granularity: .season, date: nil) }
    let startMonth = TaggerRun.seasonStart[s] ?? 1
    var y = ref.year
    let m = mod ?? (["this", "last", "next"].contains(p) ? p : nil)
    switch m {
    case "last", "past", "previous": y = ref.year - 1
    case "next", "coming": y = startMonth > ref.month ? ref.year : ref.year + 1
    case "this": y = ref.year
    default:
      if startMonth > ref.month && !futureContext(begin) { y -= 1 }
    }
    return Match(
      endToken: i + 1, value: pad4(y) + "-" + s, granularity: .season,
      date: CivilDate(year: y, month: startMonth, day: 1))
  }

  mutating func monthRule(_ i: Int, _ mo: Lexicon.Month) -> Match? {
    let t = tokens[i]
    if mo.english && !t.capitalized { return nil }
    var j = i + 1
    if isPunct(j, "."), tight(j) { j += 1 }
    // Month Day[,] [Year]
    if let day = dayNumber(j), !(isPunct(j + 1, ":") && isNum(j + 2)) {
      if isPunct(j + 1, ",") && isNum(j + 2) && tokens[j + 2].digits < 4 && !mo.english { return nil }
      var e = afterOrdinal(j + 1)
      // Ranges "March 25-26": consume the second day into the span but keep the first.
      if isDash(e), tight(e), let _ = dayNumber(e + 1), tight(e + 1) { e += 2 }
      var k = e
      if isPunct(k, ",") { k += 1 }
      if let y = yearNumber(k), k < tokens.count {
        if let d = CivilDate(year: y, month: mo.month, day: day) { return withTime(dayMatch(k + 1, d)) }
        return nil
      }
      // Month and a number that isn't a day of this month ("May 2025" handled below; "March 45" no).
      if !mo.english && !(mo.strong) { return nil }
      if isNum(j), tokens[j].digits > 2 { return nil }
      guard CivilDate(year: 2024, month: mo.month, day: day) != nil else { return nil }
      if ref == nil {
        return Match(
          endToken: e, value: "XXXX-" + pad2(mo.month) + "-" + pad2(day), granularity: .day, date: nil)
      }
      return withTime(dayMatch(e, resolveMonthDay(mo.month, day, at: i)))
    }
    // Month [of|,] Year
    var k = j
    if w(k) == "of" || isPunct(k, ",") { k += 1 }
    if let y = yearNumber(k), (1900...2100).contains(y), yearOKAfterMonth(k) {
      return monthMatch(k + 1, y, mo.month)
    }
    guard mo.english else { return nil }
    // Month alone: needs a cue before it, or a list continuation ("May and June").
    let p = w(i - 1)
    let cue = TaggerRun.monthCues.contains(p) || (isDash(i - 1) && w(i - 2) == "mid")
    let listed =
      (p == "and" || p == "or" || p == "to" || isDash(i - 1) || isPunct(i - 1, ",")) && lastWasMonth
      && lastEnd >= i - 2
    if !(cue || listed) { return nil }
    if p == "on" || p == "as" || p == "for" || p == "start" || p == "end" || p == "into" {
      // "on March" is rare; "as May" likely a name.
      if p != "end" && p != "start" { return nil }
    }
    if word(i + 1) == "'s" || (isPunct(i + 1, "'") && w(i + 2) == "s") {
      // "May's decision": possessive of a name unless strongly cued.
      if !["in", "since", "until", "during", "last", "next", "this"].contains(p) { return nil }
    }
    guard let (y, m) = resolveMonth(mo.month, at: i) else {
      return Match(
        endToken: j == i + 1 ? i + 1 : j, value: "XXXX-" + pad2(mo.month), granularity: .month, date: nil)
    }
    return monthMatch(i + 1, y, m)
  }

  func word(_ i: Int) -> String { w(i) }

  func yearOKAfterMonth(_ k: Int) -> Bool {
    if k + 1 < tokens.count, tokens[k + 1].kind == .word, TaggerRun.quantityNouns.contains(words[k + 1]) {
      return false
    }
    return true
  }

  func modifierRule(_ i: Int, _ mod: String) -> Match? {
    let next = w(i + 1)
    var unitIx = i + 1
    if next == "calendar" || next == "fiscal" { unitIx += 1 }
    let unit = w(unitIx)
    if mod == "that" { return nil }
    if let wd = Lexicon.weekdays[unit] {
      return weekdayMatch(i, unitIx + 1, wd, mod: mod)
    }
    if let s = TaggerRun.seasons[unit] {
      return seasonRule(unitIx, s, mod: mod, start: i)
    }
    if let mo = Lexicon.month(unit), mo.english, tokens[unitIx].capitalized, let ref {
      var y = ref.year
      switch mod {
      case "last", "past", "previous": y = mo.month < ref.month ? ref.year : ref.year - 1
      case "next", "coming": y = mo.month > ref.month ? ref.year : ref.year + 1
      default: y = ref.year
      }
      return monthMatch(unitIx + 1, y, mo.month)
    }
    // "the coming weeks", "the past months": vague references, not a particular period.
    if unit.count > 3, unit.hasSuffix("s"), let u = Lexicon.units[unit], !u.1, u.0 != "Y" || mod != "past",
      ["coming", "next", "past", "last", "previous"].contains(mod), w(i - 1) == "the" || w(i - 1) == "in"
    {
      let future = mod == "coming" || mod == "next"
      return Match(
        endToken: unitIx + 1, value: future ? "FUTURE_REF" : "PAST_REF", granularity: .reference, date: nil)
    }
    // "the past week/year" is a duration; "the past N days" too.
    if mod == "past" || (mod == "last" && isNum(unitIx)) || (mod == "next" && isNum(unitIx)) {
      if isNum(unitIx), let u = Lexicon.units[w(unitIx + 1)] {
        return Match(
          endToken: unitIx + 2, value: "P" + (u.1 ? "T" : "") + "\(tokens[unitIx].value)" + u.0,
          granularity: .duration, date: nil)
      }
      if let c = Lexicon.numbers[unit], c > 1, let u = Lexicon.units[w(unitIx + 1)] {
        return Match(
          endToken: unitIx + 2, value: "P" + (u.1 ? "T" : "") + "\(c)" + u.0, granularity: .duration,
          date: nil)
      }
      if mod == "past", let u = Lexicon.units[unit], !u.1, w(i - 1) == "the" || w(i - 1) == "over" {
        return Match(endToken: unitIx + 1, value: "P1" + u.0, granularity: .duration, date: nil)
      }
    }
    if unit == "weekend", let ref {
      var d = ref
      switch mod {
      case "last", "past", "previous":
        d = ref.adding(days: -((ref.weekday + 1) % 7 == 0 ? 7 : (ref.weekday + 1)))
      case "next", "coming": d = ref.adding(days: 7)
      default: break
      }
      return Match(
        endToken: unitIx + 1, value: weekValue(d) + "-WE", granularity: .week,
        date: d.weekStart.adding(days: 5))
    }
    guard let u = Lexicon.units[unit], !u.1 else { return nil }
    guard ["last", "next", "this", "coming", "previous", "current", "following", "past"].contains(mod) else {
      return nil
    }
    if mod == "following" { return nil }
    let delta = ["last", "previous", "past"].contains(mod) ? -1 : ["next", "coming"].contains(mod) ? 1 : 0
    guard let ref else {
      return Match(
        endToken: unitIx + 1, value: delta < 0 ? "PAST_REF" : delta > 0 ? "FUTURE_REF" : "PRESENT_REF",
        granularity: .reference, date: nil)
    }
    return periodMatch(unitIx + 1, unit: u.2, delta: delta, ref: ref)
  }

  func periodMatch(_ end: Int, unit: TimeGranularity, delta: Int, ref: CivilDate) -> Match? {
    switch unit {
    case .day: return dayMatch(end, ref.adding(days: delta))
    case .week:
      let d = ref.adding(days: 7 * delta)
      return Match(endToken: end, value: weekValue(d), granularity: .week, date: d.weekStart)
    case .month:
      var y = ref.year
      var m = ref.month + delta
      if m < 1 {
        m = 12
        y -= 1
      } else if m > 12 {
        m = 1
        y += 1
      }
      return monthMatch(end, y, m)
    case .quarter:
      var q = (ref.month - 1) / 3 + 1 + delta
      var y = ref.year
      if q < 1 {
        q = 4
        y -= 1
      } else if q > 4 {
        q = 1
        y += 1
      }
      return Match(
        endToken: end, value: pad4(y) + "-Q\(q)", granularity: .quarter,
        date: CivilDate(year: y, month: (q - 1) * 3 + 1, day: 1))
    case .year: return yearMatch(end, ref.year + delta)
    case .decade:
      return Match(
        endToken: end, value: String((ref.year + 10 * delta) / 10), granularity: .decade, date: nil)
    default: return nil
    }
  }

  /// earlier/later this month, early/mid/late March|2025|this year|next month, end of the month.
  mutating func partRule(_ i: Int) -> Match? {
    let word = words[i]
    var j = i + 1
    if isDash(j) { j += 1 }
    if word == "end" || word == "beginning" || word == "start" || word == "middle" {
      guard w(j) == "of" else { return nil }
      j += 1
      if w(j) == "the", let u = Lexicon.units[w(j + 1)], let ref,
        ["month", "year", "week", "quarter"].contains(w(j + 1))
      {
        return periodMatch(j + 2, unit: u.2, delta: 0, ref: ref)
      }
    }
    if let y = yearNumber(j), yearOK(j) { return yearMatch(j + 1, y) }
    if j < tokens.count, let mo = Lexicon.month(w(j)), mo.english, tokens[j].capitalized {
      var k = j + 1
      if w(k) == "of" || isPunct(k, ",") { k += 1 }
      if let y = yearNumber(k) { return monthMatch(k + 1, y, mo.month) }
      if let (y, m) = resolveMonth(mo.month, at: i) { return monthMatch(j + 1, y, m) }
      return nil
    }
    if ["this", "last", "next"].contains(w(j)), let u = Lexicon.units[w(j + 1)], !u.1, let ref {
      let delta = w(j) == "last" ? -1 : w(j) == "next" ? 1 : 0
      return periodMatch(j + 2, unit: u.2, delta: delta, ref: ref)
    }
    if let s = TaggerRun.seasons[w(j)] {
      return seasonRule(j, s, mod: nil, start: i)
    }
    return nil
  }
}
