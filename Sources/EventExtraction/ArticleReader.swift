import Foundation
import MarketData

/// Reads articles from files, directories and bytes: plain text with optional headers, HTML
/// pages, RSS 2.0 / Atom feeds and JSON / JSON Lines, in UTF-8, UTF-16 (with BOM), Latin-1 or
/// Windows-1252, and finds each article's publication date and where it came from.
public enum ArticleReader {
  /// File extensions read when walking a directory.
  public static let extensions: Set<String> = [
    "txt", "text", "html", "htm", "xhtml", "xml", "rss", "atom", "json", "jsonl", "ndjson",
  ]

  /// Reads a file or, recursively, a directory (`-` reads standard input). Unreadable parts become
  /// warnings; only a path that cannot be read at all throws.
  public static func read(path: String) throws(ExtractionError) -> [Article] {
    try readWithWarnings(path: path).articles
  }

  /// Like `read(path:)` but also returns the warnings (binary files, bad encodings, malformed
  /// markup).
  public static func readWithWarnings(path: String) throws(ExtractionError) -> (
    articles: [Article], warnings: [ExtractionWarning]
  ) {
    if path == "-" {
      let data = FileHandle.standardInput.readDataToEndOfFile()
      let (a, w) = read(bytes: [UInt8](data), name: "stdin")
      return (a, w)
    }
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      throw .unreadable(file: path, reason: "no such file or directory")
    }
    if isDir.boolValue {
      var files: [String] = []
      guard let e = FileManager.default.enumerator(atPath: path) else {
        throw .unreadable(file: path, reason: "cannot list directory")
      }
      while let rel = e.nextObject() as? String {
        let last = (rel as NSString).lastPathComponent
        if last.hasPrefix(".") { continue }
        let ext = (last as NSString).pathExtension.lowercased()
        if extensions.contains(ext) { files.append(rel) }
      }
      files.sort()
      var articles: [Article] = []
      var warnings: [ExtractionWarning] = []
      for rel in files {
        let full = (path as NSString).appendingPathComponent(rel)
        guard let data = FileManager.default.contents(atPath: full) else {
          warnings.append(ExtractionWarning(article: rel, message: "cannot read file"))
          continue
        }
        let (a, w) = read(bytes: [UInt8](data), name: rel)
        articles += a
        warnings += w
      }
      return (articles, warnings)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .unreadable(file: path, reason: "permission denied or not a regular file")
    }
    return read(bytes: [UInt8](data), name: (path as NSString).lastPathComponent)
  }

  enum Format { case text, html, feed, json, jsonl }

  /// The lower-cased extension of `name` (the part of the name before any `#`).
  static func fileExtension(_ name: String) -> String {
    let u = name.utf8
    // The common case without a `#` and with a non-empty extension, without splitting.
    if !u.contains(UInt8(ascii: "#")), let dot = u.lastIndex(of: UInt8(ascii: ".")),
      u.index(after: dot) < u.endIndex
    {
      return String(name[u.index(after: dot)...]).lowercased()
    }
    return (name.split(separator: "#").first.map(String.init) ?? name).split(separator: ".").last.map {
      $0.lowercased()
    } ?? ""
  }

  static func sniff(_ b: [UInt8], name: String) -> Format {
    let ext = fileExtension(name)
    // Built only when the extension does not settle the format.
    lazy var head = String(decoding: b.prefix(2048).map(HTMLScanner.lower), as: UTF8.self)
    switch ext {
    case "html", "htm", "xhtml": return .html
    case "json": return .json
    case "jsonl", "ndjson": return .jsonl
    case "xml", "rss", "atom":
      if head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf")
        || head.contains("<channel")
      {
        return .feed
      }
      return .html
    case "txt", "text": return .text
    default: break
    }
    let trimmed = head.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\u{FEFF}" }
    if trimmed.hasPrefix("{") {
      let lines = b.split(separator: 10, omittingEmptySubsequences: true)
      return lines.count > 1
        && lines.allSatisfy({ $0.first == UInt8(ascii: "{") || $0.allSatisfy({ $0 == 32 || $0 == 13 }) })
        ? .jsonl : .json
    }
    if trimmed.hasPrefix("[") { return .json }
    if head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf") { return .feed }
    if head.contains("<html") || head.contains("<!doctype html") || head.contains("<body")
      || head.contains("<p>") || head.contains("<head")
    {
      return .html
    }
    return .text
  }

  /// Reads one input's bytes; `name` is the file name (used for ids and to pick the format by
  /// extension). Never throws: problems become warnings.
  public static func read(bytes raw: [UInt8], name: String) -> ([Article], [ExtractionWarning]) {
    var warnings: [ExtractionWarning] = []
    if raw.isEmpty {
      return ([], [ExtractionWarning(article: name, offset: 0, message: "empty file")])
    }
    if TextDecoding.looksBinary(raw) {
      return (
        [],
        [
          ExtractionWarning(
            article: name, offset: 0,
            message: "binary file skipped (NUL or control bytes; expected text, HTML, a feed or JSON)")
        ]
      )
    }
    let (b, encoding, replaced) = TextDecoding.toUTF8(raw)
    if replaced > 0 {
      warnings.append(
        ExtractionWarning(
          article: name, offset: nil, message: "\(replaced) invalid UTF-8 sequence(s) replaced with U+FFFD"))
    }
    _ = encoding
    let (articles, more) = readDecoded(b, name: name)
    return (articles, warnings + more)
  }

  /// Reads valid UTF-8 bytes of any supported format.
  static func readDecoded(_ b: [UInt8], name: String) -> ([Article], [ExtractionWarning]) {
    var warnings: [ExtractionWarning] = []
    var articles: [Article] = []
    switch sniff(b, name: name) {
    case .text:
      articles = [readText(b, name: name)]
    case .html:
      let (a, w) = readHTML(b, name: name)
      articles = [a]
      warnings += w
    case .feed:
      let (a, w) = FeedReader.read(b, name: name)
      articles = a
      warnings += w
    case .json, .jsonl:
      let (a, w) = readJSON(b, name: name, lines: sniff(b, name: name) == .jsonl)
      articles = a
      warnings += w
    }
    if articles.isEmpty { warnings.append(ExtractionWarning(article: name, message: "no article found")) }
    return (articles, warnings)
  }

  /// The publication date of the article in `bytes` (the first one of a feed or JSON file) and
  /// where it came from (`json-ld`, `meta`, …, `none`), exactly as `read(bytes:name:)` finds it.
  /// For HTML pages this is the fast path: the page is scanned for its date sources only (JSON-LD,
  /// meta tags, itemprop, `<time>`, the canonical URL), without building the article text, and
  /// scanning stops at an article's JSON-LD `datePublished`; the text is read only when nothing
  /// else dates the page. Other formats are read in full.
  public static func publicationDate(bytes raw: [UInt8], name: String) -> (
    published: PublicationStamp?, source: String
  ) {
    if raw.isEmpty || TextDecoding.looksBinary(raw) { return (nil, "none") }
    let b = TextDecoding.toUTF8(raw).bytes
    let article: Article?
    if sniff(b, name: name) == .html {
      var scanner = HTMLScanner(bytes: b, datesOnly: true)
      let page = scanner.scan()
      if let found = pageDate(page, text: nil) { return found }
      article = readHTML(b, name: name).0
    } else {
      article = readDecoded(b, name: name).0.first
    }
    guard let article, let p = article.published else { return (nil, "none") }
    return (p, article.publishedSource)
  }

  /// The publication date of a scanned page: the best-ranked candidate when it is published-like
  /// (rank < 50), else a date in the URL, else the best (modified-like) candidate, else a date in
  /// `text`. `nil` when the text is needed but was not given.
  static func pageDate(_ page: ScannedPage, text: String?) -> (published: PublicationStamp?, source: String)?
  {
    var best: DateCandidate? = nil
    for c in page.candidates where best == nil || c.rank < (best?.rank ?? .max) { best = c }
    if let best, best.rank < 50 { return (best.stamp, best.source) }
    if let u = urlDate(page.url) { return (u, "url") }
    if let best { return (best.stamp, best.source) }
    guard let text else { return nil }
    if let t = textDate(text) { return (t, "text") }
    return (nil, "none")
  }

  // MARK: text

  static let headerKeys: [String: String] = [
    "title": "title", "headline": "title", "published": "published", "date": "published",
    "pubdate": "published",
    "url": "url", "link": "url", "source": "source", "author": "author", "by": "author",
    "publisher": "source",
  ]

  static func readText(_ b: [UInt8], name: String) -> Article {
    let text = String(decoding: b, as: UTF8.self)
    // `\.isNewline`, not `"\n"`: a CRLF pair is one Character, so splitting on "\n" misses it.
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
      $0.hasSuffix("\r") ? $0.dropLast() : $0
    }
    var headers: [String: String] = [:]
    var consumed = 0
    for line in lines {
      if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
      guard let colon = line.firstIndex(of: ":"), line.distance(from: line.startIndex, to: colon) <= 12 else {
        break
      }
      let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
      guard let k = headerKeys[key] else { break }
      headers[k] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      consumed += 1
    }
    if consumed > 0 {
      lines.removeFirst(consumed)
    }
    var title = headers["title"] ?? ""
    if title.isEmpty, let first = lines.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
      first.count < 200
    {
      title = first.trimmingCharacters(in: .whitespaces)
    }
    let body = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    var published: PublicationStamp? = nil
    var source = "none"
    if let p = headers["published"], let s = DateText.parse(p) {
      published = s
      source = "text"
    } else if let u = headers["url"], let s = urlDate(u) {
      // A `URL:` header with /YYYY/MM/DD/ beats a date found in the prose.
      published = s
      source = "url"
    } else if let s = textDate(body) {
      published = s
      source = "text"
    }
    return Article(
      id: name, url: headers["url"] ?? "", title: title, body: body, published: published,
      publishedSource: source)
  }

  static let publishedLabels = [
    "published", "posted", "publication date", "date:", "veröffentlicht", "publié", "publicado", "pubblicato",
  ]

  /// A "Published …"/"Posted …" line, or a short line that is just a full date, near the top of
  /// the text.
  static func textDate(_ text: String) -> PublicationStamp? {
    var lineCount = 0
    for raw in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).prefix(40) {
      lineCount += 1
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty { continue }
      let lower = line.lowercased()
      let labelled = publishedLabels.contains {
        lower.hasPrefix($0) || lower.contains("| " + $0) || lower.contains(" " + $0 + " ")
      }
      if labelled && !lower.hasPrefix("updated") {
        if let d = fullDate(line) { return d }
      } else if line.count <= 48, lineCount <= 12, let d = fullDate(line) {
        return d
      }
    }
    return nil
  }

  /// The first expression in `line` that is a day with an explicit year (no reference needed).
  static func fullDate(_ line: String) -> PublicationStamp? {
    if let s = DateText.parse(line), line.count <= 40 { return s }
    let xs = TemporalTagger().tag(line, reference: nil)
    for x in xs where x.date != nil && (x.granularity == .day || x.granularity == .time) {
      return (x.date ?? CivilDate(dayNumber: 0), x.minute, nil)
    }
    return nil
  }

  // MARK: HTML

  static func readHTML(_ b: [UInt8], name: String) -> (Article, [ExtractionWarning]) {
    var scanner = HTMLScanner(bytes: b)
    let page = scanner.scan()
    let warnings = page.warnings.map { ExtractionWarning(article: name, offset: $0.0, message: $0.1) }
    var title = [page.headline, page.ogTitle, page.h1, page.title].first { !$0.isEmpty } ?? ""
    title = TextDecoding.decodeEntities(title)
    let (published, source) = pageDate(page, text: page.text) ?? (nil, "none")
    return (
      Article(
        id: name, url: page.url, title: title, body: page.text, published: published, publishedSource: source),
      warnings
    )
  }

  /// `/2025/06/26/`, `/2025-06-26/`, `/20250626/` or `2025/06/26` anywhere in a URL path.
  static func urlDate(_ url: String) -> PublicationStamp? {
    let u = Array(url.utf8)
    guard u.count >= 8 else { return nil }
    func num(_ s: Int, _ n: Int) -> Int? {
      guard s + n <= u.count else { return nil }
      var v = 0
      for k in s..<(s + n) {
        guard u[k] >= 48, u[k] <= 57 else { return nil }
        v = v * 10 + Int(u[k] - 48)
      }
      return v
    }
    func isDigit(_ k: Int) -> Bool { k >= 0 && k < u.count && u[k] >= 48 && u[k] <= 57 }
    var i = 0
    while i + 8 <= u.count {
      if !isDigit(i - 1), let y = num(i, 4), (1995...2100).contains(y) {
        let s = i + 4
        if s < u.count, u[s] == UInt8(ascii: "/") || u[s] == UInt8(ascii: "-") || u[s] == UInt8(ascii: "_") {
          let sep = u[s]
          if let m = num(s + 1, 2), s + 3 < u.count, u[s + 3] == sep, let d = num(s + 4, 2), !isDigit(s + 6),
            let date = CivilDate(year: y, month: m, day: d)
          {
            return (date, nil, nil)
          }
        } else if let m = num(s, 2), let d = num(s + 2, 2), !isDigit(s + 4),
          let date = CivilDate(year: y, month: m, day: d)
        {
          return (date, nil, nil)
        }
      }
      i += 1
    }
    return nil
  }

  /// Plain text of an HTML fragment (feed descriptions, JSON bodies).
  static func htmlFragmentText(_ s: String) -> String {
    var scanner = HTMLScanner(bytes: Array(s.utf8))
    scanner.articleDepth = 1
    let page = scanner.scan()
    return page.text
  }

  static func looksLikeHTML(_ s: String) -> Bool {
    guard let i = s.firstIndex(of: "<") else { return false }
    let next = s.index(after: i)
    guard next < s.endIndex else { return false }
    return s[next].isLetter || s[next] == "/" || s[next] == "!"
  }

  // MARK: JSON

  static func readJSON(_ b: [UInt8], name: String, lines: Bool) -> ([Article], [ExtractionWarning]) {
    var out: [Article] = []
    var warnings: [ExtractionWarning] = []
    var records: [(JSONValue, Int)] = []
    if lines {
      var start = 0
      var n = 0
      for i in 0...b.count where i == b.count || b[i] == 10 {
        if i > start {
          let slice = b[start..<i]
          if slice.contains(where: { $0 != 32 && $0 != 13 && $0 != 9 }) {
            n += 1
            let (v, at) = JSONText.parse(b, from: start, to: i)
            if let v {
              records.append((v, n))
            } else {
              warnings.append(
                ExtractionWarning(
                  article: "\(name)#\(n)", offset: at, message: "line is not valid JSON; skipped"))
            }
          }
        }
        start = i + 1
      }
    } else {
      let (v, at) = JSONText.parse(b)
      guard let v else {
        return (
          [],
          [
            ExtractionWarning(
              article: name, offset: at,
              message:
                "not valid JSON (or nested deeper than \(JSONText.maxDepth)); expected an object or array of articles"
            )
          ]
        )
      }
      var list: [JSONValue]? = nil
      if case .array(let a) = v { list = a }
      if list == nil, let inner = v.member(["articles", "items", "data", "results", "entries"]),
        case .array(let a) = inner
      {
        list = a
      }
      if let list {
        for (k, x) in list.enumerated() { records.append((x, k + 1)) }
      } else {
        records.append((v, 0))
      }
    }
    for (v, n) in records {
      let id = n == 0 ? name : "\(name)#\(n)"
      guard case .object = v else {
        warnings.append(ExtractionWarning(article: id, message: "record is not an object; skipped"))
        continue
      }
      let title = v.member(["title", "headline", "name"])?.text ?? ""
      var body =
        v.member([
          "body", "text", "content", "articlebody", "article_body", "description", "summary", "maintext",
        ])?.text ?? ""
      if looksLikeHTML(body) {
        body = htmlFragmentText(body)
      } else {
        body = TextDecoding.decodeEntities(body)
      }
      let url = v.member(["url", "link", "canonical_url", "href"])?.text ?? ""
      var published: PublicationStamp? = nil
      var source = "none"
      if let p = v.member([
        "published", "datepublished", "date_published", "published_at", "publishedat", "pubdate", "date",
        "publication_date", "time", "timestamp", "created_at", "date_publish",
      ])?.text,
        let s = DateText.parse(p)
      {
        published = s
        source = "feed"
      } else if let s = urlDate(url) {
        published = s
        source = "url"
      }
      out.append(
        Article(
          id: id, url: url, title: TextDecoding.decodeEntities(title), body: body, published: published,
          publishedSource: source))
    }
    return (out, warnings)
  }
}
