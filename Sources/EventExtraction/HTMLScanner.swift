import MarketData

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the HTML scanner learns from a page.
struct ScannedPage {
  var title = ""
  var ogTitle = ""
  var headline = ""
  var h1 = ""
  var url = ""
  var text = ""
  var candidates: [DateCandidate] = []
  var warnings: [(Int, String)] = []
}

/// A publication-date candidate and where it came from; lower rank wins.
struct DateCandidate {
  var stamp: PublicationStamp
  var source: String
  var rank: Int
  var offset: Int
}

/// A linear-time HTML scanner: no tree, no recursion, counters for the regions it cares about
/// (article, boilerplate, paragraphs), so malformed or deeply nested markup costs nothing extra.
/// It collects the article text, the title, the canonical URL and every publication-date
/// candidate (JSON-LD, meta, itemprop, `<time>`).
struct HTMLScanner {
  let b: [UInt8]
  var page = ScannedPage()
  var articleDepth = 0
  var boilerDepth = 0
  var headerDepth = 0
  var pDepth = 0
  var inBody = false
  var articleText: [UInt8] = []
  var paraText: [UInt8] = []
  var bodyText: [UInt8] = []
  var sawArticle = false
  var timeCount = 0
  /// Dates-only mode: no text, title or warnings are collected, candidates that cannot beat the
  /// best one so far are not parsed, and scanning stops at the first rank-0 candidate (an
  /// article's JSON-LD `datePublished`), since nothing later can change the chosen date.
  let datesOnly: Bool
  /// The best (lowest) rank among the candidates found so far.
  var bestRank = Int.max
  /// Set in dates-only mode once the best possible candidate has been found.
  var done = false

  /// `tagTable`, held by the scanner so the hot loop does not check the global's initialisation.
  let tags = HTMLScanner.tagTable

  init(bytes: [UInt8], datesOnly: Bool = false) {
    b = bytes
    self.datesOnly = datesOnly
  }

  // Meta names (lower case) that carry the publication date, with their rank (lower is better).
  static let publishedMeta: [String: Int] = [
    "article:published_time": 10, "og:article:published_time": 10, "article:published": 11,
    "og:published_time": 11, "published_time": 12, "datepublished": 12, "pubdate": 13, "publishdate": 13,
    "publish-date": 13, "publish_date": 13, "publication_date": 13, "dc.date.issued": 14,
    "dcterms.issued": 14,
    "dc.date.created": 15, "dcterms.created": 15, "parsely-pub-date": 14, "sailthru.date": 15,
    "article.published": 13, "og:pubdate": 13, "cxenseparse:recs:publishtime": 15,
    "originalpublicationdate": 14,
    "date": 18, "dc.date": 17, "dcterms.date": 17, "citation_publication_date": 16, "citation_date": 17,
    "article_date_original": 14, "original-publish-date": 14, "displaydate": 16, "pdate": 16,
    "rnews:datepublished": 14,
    "analyticsattributes.articledate": 16, "dcsext.articlefirstpublished": 15, "release_date": 17,
    "created": 18, "creation_date": 18, "nv:date": 17, "datecreated": 17,
  ]
  static let modifiedMeta: Set<String> = [
    "article:modified_time", "og:updated_time", "datemodified", "last-modified", "lastmod",
    "dc.date.modified",
    "dcterms.modified", "modified", "article:modified", "updated",
  ]
  static let boilerTags: Set<String> = [
    "nav", "footer", "aside", "form", "button", "menu", "figcaption", "select",
  ]
  static let skipTags: Set<String> = [
    "script", "style", "noscript", "svg", "template", "iframe", "textarea", "object", "math",
  ]
  static let blockTags: Set<String> = [
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "td", "th",
    "section", "article", "header", "footer", "table", "dd", "dt", "pre", "hr", "figure", "main", "title",
  ]

  /// The tags the scanner treats specially; everything else is `.other`.
  enum Tag: UInt8 {
    case other, head, body, article, main, header, p, title, h1, meta, link, time, block, boiler, skip
  }

  /// One slot of `tagTable`; `hash == 0` marks an empty slot.
  struct TagSlot {
    var hash: UInt64 = 0
    var tag: Tag = .other
    var block = false
    var length = 0
  }

  static let tagTableMask = 255

  /// Tag names → (tag, is a block tag), in an open-addressing table keyed by a hash of the
  /// lower-cased name bytes, so no string is made and nothing is re-hashed per tag.
  static let tagTable: [TagSlot] = {
    var m = [TagSlot](repeating: TagSlot(), count: tagTableMask + 1)
    func add(_ name: String, _ tag: Tag) {
      let bytes = Array(name.utf8)
      let h = hashName(bytes, 0, bytes.count)
      var k = Int(truncatingIfNeeded: h) & tagTableMask
      while m[k].hash != 0 && m[k].hash != h { k = (k + 1) & tagTableMask }
      m[k] = TagSlot(hash: h, tag: tag, block: blockTags.contains(name), length: bytes.count)
    }
    for n in blockTags { add(n, .block) }
    for n in boilerTags { add(n, .boiler) }
    for n in skipTags { add(n, .skip) }
    let special: [(String, Tag)] = [
      ("head", .head), ("body", .body), ("article", .article), ("main", .main), ("header", .header),
      ("p", .p),
      ("title", .title), ("h1", .h1), ("meta", .meta), ("link", .link), ("time", .time),
    ]
    for (n, t) in special { add(n, t) }
    return m
  }()

  @inline(__always) static func hashName(_ bytes: [UInt8], _ from: Int, _ to: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for k in from..<to { h = (h ^ UInt64(lower(bytes[k]))) &* 0x100_0000_01b3 }
    return h | 1
  }

  /// The tag of the name at `ns..<j` and whether it breaks a block.
  @inline(__always) func tagOf(_ ns: Int, _ j: Int) -> (tag: Tag, block: Bool) {
    guard j > ns, j - ns <= 12 else { return (.other, false) }
    let h = HTMLScanner.hashName(b, ns, j)
    var k = Int(truncatingIfNeeded: h) & HTMLScanner.tagTableMask
    while true {
      let e = tags[k]
      if e.hash == 0 { return (.other, false) }
      if e.hash == h { return e.length == j - ns ? (e.tag, e.block) : (.other, false) }
      k = (k + 1) & HTMLScanner.tagTableMask
    }
  }

  static let itempropBytes = Array("itemprop".utf8)
  static let scriptBytes = Array("script".utf8)
  static let ldJSONBytes = Array("ld+json".utf8)

  @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }

  /// The index of the first `byte` in `from..<to` (memchr), or `to`.
  @inline(__always) func index(of byte: UInt8, from: Int, to: Int) -> Int {
    guard from < to else { return to }
    return b.withUnsafeBufferPointer { p -> Int in
      guard let base = p.baseAddress, let r = memchr(base + from, Int32(byte), to - from) else { return to }
      return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(r))
    }
  }

  /// Finds `needle` (lower-case ASCII) case-insensitively from `from`; returns its start or `nil`.
  func find(_ needle: [UInt8], from: Int, to limit: Int? = nil) -> Int? {
    guard let first = needle.first else { return from }
    var i = from
    let n = min(b.count, limit ?? b.count) - needle.count
    let firstIsLetter = first >= 97 && first <= 122
    while i <= n {
      if !firstIsLetter {
        i = index(of: first, from: i, to: n + 1)
        if i > n { return nil }
      }
      if HTMLScanner.lower(b[i]) == first {
        var ok = true
        var k = 1
        while k < needle.count {
          if HTMLScanner.lower(b[i + k]) != needle[k] {
            ok = false
            break
          }
          k += 1
        }
        if ok { return i }
      }
      i += 1
    }
    return nil
  }

  mutating func appendText(_ r: Range<Int>) {
    guard !r.isEmpty, !inHead, !datesOnly else { return }
    if boilerDepth > 0 { return }
    if articleDepth > 0 { TextDecoding.appendDecoded(b, r, to: &articleText, collapse: true) }
    if pDepth > 0 { TextDecoding.appendDecoded(b, r, to: &paraText, collapse: true) }
    if headerDepth == 0 || articleDepth > 0 {
      TextDecoding.appendDecoded(b, r, to: &bodyText, collapse: true)
    }
  }
  var inHead = false

  mutating func blockBreak() {
    if datesOnly { return }
    for k in 0..<3 {
      switch k {
      case 0: if articleDepth > 0 { HTMLScanner.newline(&articleText) }
      case 1: HTMLScanner.newline(&paraText)
      default: HTMLScanner.newline(&bodyText)
      }
    }
  }

  static func newline(_ t: inout [UInt8]) {
    while t.last == 32 { t.removeLast() }
    if let l = t.last, l != 10 { t.append(10) }
  }

  /// Attributes of a tag: lower-case names, entity-decoded values.
  func attributes(_ r: Range<Int>) -> [(String, String)] {
    var out: [(String, String)] = []
    var i = r.lowerBound
    let end = r.upperBound
    while i < end {
      while i < end, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 || b[i] == UInt8(ascii: "/") {
        i += 1
      }
      let ns = i
      while i < end, b[i] != UInt8(ascii: "="), b[i] != 32, b[i] != 9, b[i] != 10, b[i] != 13,
        b[i] != UInt8(ascii: ">")
      { i += 1 }
      if i == ns {
        i += 1
        continue
      }
      let name = String(decoding: b[ns..<i].map(HTMLScanner.lower), as: UTF8.self)
      while i < end, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 }
      var value = ""
      if i < end, b[i] == UInt8(ascii: "=") {
        i += 1
        while i < end, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 }
        if i < end, b[i] == 34 || b[i] == 39 {
          let q = b[i]
          i += 1
          let vs = i
          while i < end, b[i] != q { i += 1 }
          var buf: [UInt8] = []
          TextDecoding.appendDecoded(b, vs..<i, to: &buf, collapse: true)
          value = String(decoding: buf, as: UTF8.self)
          i += 1
        } else {
          let vs = i
          while i < end, b[i] != 32, b[i] != 9, b[i] != 10, b[i] != 13, b[i] != UInt8(ascii: ">") { i += 1 }
          var buf: [UInt8] = []
          TextDecoding.appendDecoded(b, vs..<i, to: &buf, collapse: true)
          value = String(decoding: buf, as: UTF8.self)
        }
      }
      out.append((name, value))
      if out.count > 64 { break }
    }
    return out
  }

  /// End of a tag starting at `i` ('<'): index just past '>' honouring quotes (a quote left open
  /// past 4 KB is treated as stray, so one bad quote cannot swallow the page).
  func tagEnd(_ start: Int) -> Int {
    var i = start + 1
    let n = b.count
    while i < n {
      let c = b[i]
      if c == UInt8(ascii: ">") { return i + 1 }
      if c == 34 || c == 39, i > start + 1, b[i - 1] == UInt8(ascii: "=") || b[i - 1] == 32 {
        var j = i + 1
        let limit = min(n, i + 4096)
        while j < limit, b[j] != c { j += 1 }
        if j < limit { i = j + 1; continue }
      }
      if c == UInt8(ascii: "<"), i > start + 1 { return i }  // unterminated tag: stop before the next one
      i += 1
    }
    return n
  }

  /// Adds a candidate when `raw` parses as a date. A candidate ranked no better than the best
  /// one so far can never be chosen (ties go to the earlier one), so it is not parsed.
  mutating func addCandidate(_ raw: @autoclosure () -> String, source: String, rank: Int, offset: Int) {
    guard rank < bestRank, let s = DateText.parse(raw()) else { return }
    page.candidates.append(DateCandidate(stamp: s, source: source, rank: rank, offset: offset))
    bestRank = rank
    if datesOnly && rank == 0 { done = true }
  }

  mutating func scan() -> ScannedPage {
    let n = b.count
    var i = 0
    var textStart = 0
    var noCDATAEnd = false  // set once a "<![" finds no "]]>" after it
    var capture: (kind: Tag, start: Int)? = nil
    var itempropPending: Int? = nil
    while i < n, !done {
      // Fast skip to the next '<'.
      i = index(of: UInt8(ascii: "<"), from: i, to: n)
      if i >= n { break }
      if i + 1 >= n { break }
      let c1 = b[i + 1]
      let isTagStart =
        (c1 | 0x20 >= 97 && c1 | 0x20 <= 122) || c1 == UInt8(ascii: "/") || c1 == UInt8(ascii: "!")
        || c1 == UInt8(ascii: "?")
      if !isTagStart {
        i += 1
        continue
      }
      appendText(textStart..<i)
      if let p = itempropPending {
        let bytes = b
        addCandidate(String(decoding: bytes[p..<i], as: UTF8.self), source: "itemprop", rank: 20, offset: p)
        itempropPending = nil
      }
      if c1 == UInt8(ascii: "!") {
        if i + 3 < n, b[i + 2] == 45, b[i + 3] == 45 {
          if let e = find(Array("-->".utf8), from: i + 4) {
            i = e + 3
          } else {
            if !datesOnly {
              page.warnings.append((i, "comment never closed (expected -->); rest of the page ignored"))
            }
            i = n
          }
        } else if i + 8 < n, b[i + 2] == UInt8(ascii: "["), !noCDATAEnd,
          let e = find(Array("]]>".utf8), from: i + 3)
        {
          appendText(min(i + 9, e)..<e)  // "<![]]>": the "]]>" may come before "<![CDATA[" ends
          i = e + 3
        } else {
          // No "]]>" after here: later "<![" need not search again (that was quadratic).
          if i + 8 < n, b[i + 2] == UInt8(ascii: "[") { noCDATAEnd = true }
          i = tagEnd(i)
        }
        textStart = i
        continue
      }
      if c1 == UInt8(ascii: "?") {
        i = tagEnd(i)
        textStart = i
        continue
      }
      let closing = c1 == UInt8(ascii: "/")
      var j = i + (closing ? 2 : 1)
      let ns = j
      while j < n,
        (b[j] | 0x20 >= 97 && b[j] | 0x20 <= 122) || (b[j] >= 48 && b[j] <= 57) || b[j] == UInt8(ascii: ":")
          || b[j] == UInt8(ascii: "-")
      { j += 1 }
      let (tag, block) = tagOf(ns, j)
      let end = tagEnd(i)
      let selfClosing = end >= 2 && b[end - 2] == UInt8(ascii: "/")
      if closing {
        handleClose(tag, block: block, at: i, capture: &capture)
        i = end
        textStart = i
        continue
      }
      // Opening tag.
      if tag == .skip {
        var closeTag: [UInt8] = [UInt8(ascii: "<"), UInt8(ascii: "/")]
        for k in ns..<j { closeTag.append(HTMLScanner.lower(b[k])) }
        var isLD = false
        if closeTag[2...].elementsEqual(HTMLScanner.scriptBytes) {
          let ar = j..<max(j, end - 1)
          // Without '&' the decoded attribute values are the bytes themselves, so a page that
          // never says "ld+json" in the tag has no JSON-LD type.
          if find(HTMLScanner.ldJSONBytes, from: ar.lowerBound, to: ar.upperBound) != nil
            || index(of: UInt8(ascii: "&"), from: ar.lowerBound, to: ar.upperBound) < ar.upperBound
          {
            let attrs = attributes(ar)
            isLD = attrs.contains { $0.0 == "type" && HTMLScanner.has($0.1.lowercased(), "ld+json") }
          }
        }
        let close = selfClosing ? end : (find(closeTag, from: end) ?? n)
        if isLD, close > end { jsonLD(end..<close) }
        if close >= n && !selfClosing && !datesOnly {
          let name = String(decoding: closeTag[2...], as: UTF8.self)
          page.warnings.append((i, "<\(name)> never closed; rest of the page ignored"))
        }
        i = close >= n ? n : tagEnd(close)
        textStart = i
        continue
      }
      handleOpen(
        tag, block: block, attrRange: j..<max(j, end - 1), at: i, end: end, selfClosing: selfClosing,
        capture: &capture,
        itemprop: &itempropPending)
      i = end
      textStart = i
    }
    if datesOnly { return page }
    if textStart < n { appendText(textStart..<n) }
    finish()
    return page
  }

  mutating func handleOpen(
    _ tag: Tag, block: Bool, attrRange: Range<Int>, at pos: Int, end: Int, selfClosing: Bool,
    capture: inout (kind: Tag, start: Int)?, itemprop: inout Int?
  ) {
    if block { blockBreak() }
    switch tag {
    case .head:
      inHead = true
    case .body:
      inBody = true
      inHead = false
    case .article, .main:
      if tag == .article { sawArticle = true }
      articleDepth += 1
    case .header:
      if articleDepth == 0 { headerDepth += 1 }
    case .p:
      pDepth = 1
    case .title:
      if capture == nil, page.title.isEmpty, !datesOnly { capture = (.title, end) }
    case .h1:
      if capture == nil, page.h1.isEmpty, !datesOnly { capture = (.h1, end) }
    case .boiler:
      boilerDepth += 1
    default:
      break
    }
    // Attributes matter only for a few tags, or when they mention a date property.
    let interesting = tag == .meta || tag == .link || tag == .time || tag == .body
    var hasDateProp = false
    if !interesting, attrRange.count > 12 {
      hasDateProp =
        find(HTMLScanner.itempropBytes, from: attrRange.lowerBound, to: attrRange.upperBound) != nil
    }
    guard interesting || hasDateProp else { return }
    let attrs = attributes(attrRange)
    func attr(_ k: String) -> String? { attrs.first { $0.0 == k }?.1 }
    let prop = (attr("itemprop") ?? "").lowercased()
    switch tag {
    case .meta:
      let key = (attr("property") ?? attr("name") ?? attr("itemprop") ?? attr("http-equiv") ?? "")
        .lowercased()
      guard let content = attr("content") else { return }
      if key == "og:title" || key == "twitter:title" {
        if page.ogTitle.isEmpty { page.ogTitle = content }
      } else if key == "og:url", page.url.isEmpty {
        page.url = content
      } else if let r = HTMLScanner.publishedMeta[key] {
        let isItemprop = attr("itemprop") != nil && attr("property") == nil && attr("name") == nil
        addCandidate(
          content, source: isItemprop ? "itemprop" : "meta", rank: isItemprop ? 20 : r, offset: pos)
      } else if HTMLScanner.modifiedMeta.contains(key) {
        addCandidate(content, source: "meta", rank: 60, offset: pos)
      }
    case .link:
      if (attr("rel") ?? "").lowercased() == "canonical", let h = attr("href") { page.url = h }
    case .time:
      timeCount += 1
      let dt = attr("datetime") ?? attr("content") ?? ""
      if prop == "datepublished" {
        addCandidate(dt, source: "itemprop", rank: 20, offset: pos)
      } else if prop == "datemodified" {
        addCandidate(dt, source: "itemprop", rank: 61, offset: pos)
      } else if !dt.isEmpty {
        let cls = ((attr("class") ?? "") + " " + (attr("id") ?? "")).lowercased()
        let marked =
          attrs.contains { $0.0 == "pubdate" } || HTMLScanner.has(cls, "publish")
          || HTMLScanner.has(cls, "pubdate")
        let modified = HTMLScanner.has(cls, "update") || HTMLScanner.has(cls, "modif")
        let nearHeadline = headerDepth > 0 || articleDepth > 0
        let rank =
          modified ? 62 : marked ? 30 : nearHeadline ? 31 + min(timeCount, 5) : 40 + min(timeCount, 9)
        addCandidate(dt, source: "time", rank: rank, offset: pos)
      }
    default:
      if prop == "datepublished" {
        if let v = attr("content") ?? attr("datetime") {
          addCandidate(v, source: "itemprop", rank: 20, offset: pos)
        } else if !selfClosing {
          itemprop = end
        }
      } else if prop == "datemodified", let v = attr("content") ?? attr("datetime") {
        addCandidate(v, source: "itemprop", rank: 61, offset: pos)
      }
    }
  }

  mutating func handleClose(_ tag: Tag, block: Bool, at pos: Int, capture: inout (kind: Tag, start: Int)?) {
    if block { blockBreak() }
    if let c = capture, c.kind == tag {
      var buf: [UInt8] = []
      TextDecoding.appendDecoded(b, c.start..<pos, to: &buf, collapse: true)
      let s = String(decoding: buf, as: UTF8.self).trimmingSpaces()
      if tag == .title { page.title = s } else { page.h1 = HTMLScanner.stripTags(s) }
      capture = nil
    }
    switch tag {
    case .article, .main: articleDepth = max(0, articleDepth - 1)
    case .header: headerDepth = max(0, headerDepth - 1)
    case .p: pDepth = 0
    case .body: inBody = false
    case .head: inHead = false
    case .boiler: boilerDepth = max(0, boilerDepth - 1)
    default: break
    }
  }

  /// Whether the UTF-8 bytes of `s` contain those of `needle` (a plain byte search: no
  /// Foundation string comparison per call).
  static func has(_ s: String, _ needle: StaticString) -> Bool {
    var s = s
    return s.withUTF8 { h -> Bool in
      let n = needle.utf8CodeUnitCount
      let p = needle.utf8Start
      guard n > 0 else { return true }
      guard h.count >= n else { return false }
      var i = 0
      while i <= h.count - n {
        var k = 0
        while k < n, h[i + k] == p[k] { k += 1 }
        if k == n { return true }
        i += 1
      }
      return false
    }
  }

  static func stripTags(_ s: String) -> String {
    guard s.contains("<") else { return s }
    var out = ""
    var inTag = false
    for ch in s {
      if ch == "<" { inTag = true } else if ch == ">" { inTag = false } else if !inTag { out.append(ch) }
    }
    return out
  }

  static let articleTypes: Set<String> = [
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting", "report",
    "liveblogposting", "scholarlyarticle", "techarticle", "opinionnewsarticle", "backgroundnewsarticle",
    "socialmediaposting", "webpage", "creativework", "videoobject", "mediaobject",
  ]

  mutating func jsonLD(_ r: Range<Int>) {
    let (v, at) = JSONText.parse(b, from: r.lowerBound, to: r.upperBound)
    guard let v else {
      if !datesOnly {
        page.warnings.append(
          (at, "JSON-LD block could not be read (malformed or nested deeper than \(JSONText.maxDepth))"))
      }
      return
    }
    walkLD(v, depth: 0)
  }

  mutating func walkLD(_ v: JSONValue, depth: Int) {
    guard depth < 64 else { return }
    switch v {
    case .array(let items):
      for x in items { walkLD(x, depth: depth + 1) }
    case .object(let members):
      var types: [String] = []
      if let t = v["@type"] {
        switch t {
        case .string(let s): types = [s.lowercased()]
        case .array(let a): types = a.compactMap { $0.text?.lowercased() }
        default: break
        }
      }
      let isArticle = types.contains { HTMLScanner.articleTypes.contains($0) || $0.hasSuffix("article") }
      let isPage = types.contains("webpage")
      let rankBase = isArticle && !isPage ? 0 : isPage ? 3 : 5
      if let d = (v["datePublished"] ?? v["dateCreated"] ?? v["uploadDate"])?.text {
        addCandidate(d, source: "json-ld", rank: rankBase + (v["datePublished"] == nil ? 2 : 0), offset: 0)
      }
      if let d = v["dateModified"]?.text {
        addCandidate(d, source: "json-ld", rank: 59, offset: 0)
      }
      if isArticle, page.headline.isEmpty, let h = v["headline"]?.text { page.headline = h }
      if isArticle, page.url.isEmpty, let u = (v["url"] ?? v["mainEntityOfPage"]?["@id"])?.text {
        page.url = u
      }
      for (k, m) in members
      where k == "@graph" || k == "mainEntity" || k == "itemListElement" || k == "hasPart" {
        walkLD(m, depth: depth + 1)
      }
    default: break
    }
  }

  mutating func finish() {
    func trimmed(_ t: [UInt8]) -> String {
      String(decoding: t, as: UTF8.self).trimmingSpaces()
    }
    let art = trimmed(articleText)
    let para = trimmed(paraText)
    if art.utf8.count >= 200 {
      page.text = art
    } else if para.utf8.count >= 200 {
      page.text = para
    } else {
      let body = trimmed(bodyText)
      page.text = body.utf8.count > art.utf8.count ? body : art
    }
  }
}
