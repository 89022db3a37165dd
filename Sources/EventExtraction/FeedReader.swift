import MarketData

/// Reads RSS 2.0, RSS 1.0 (RDF) and Atom feeds: one article per `<item>` / `<entry>`, with its
/// title, link, date (RFC 822 or RFC 3339) and text (description, `content:encoded`, summary or
/// content, HTML or escaped HTML reduced to plain text).
enum FeedReader {
  static func read(_ b: [UInt8], name: String) -> ([Article], [ExtractionWarning]) {
    let scanner = HTMLScanner(bytes: b)
    var out: [Article] = []
    var warnings: [ExtractionWarning] = []
    var i = 0
    var n = 0
    let openItem = Array("<item".utf8)
    let openEntry = Array("<entry".utf8)
    // The next <item / <entry at or after `i`, searched again only once `i` passed it (searching
    // both from every item to the end of the feed was quadratic).
    var a: Int? = nil
    var e: Int? = nil
    var noMoreItems = false
    var noMoreEntries = false
    while i < b.count {
      if !noMoreItems, (a ?? -1) < i {
        a = scanner.find(openItem, from: i)
        noMoreItems = a == nil
      }
      if !noMoreEntries, (e ?? -1) < i {
        e = scanner.find(openEntry, from: i)
        noMoreEntries = e == nil
      }
      guard let start = [a, e].compactMap({ $0 }).min() else { break }
      let isEntry = start == e
      let tagLen = isEntry ? openEntry.count : openItem.count
      // Must be the element itself, not <items> or <itemprop…>.
      if start + tagLen < b.count, b[start + tagLen] != UInt8(ascii: ">"), b[start + tagLen] != 32,
        b[start + tagLen] != 10, b[start + tagLen] != 13, b[start + tagLen] != 9
      {
        i = start + tagLen
        continue
      }
      let closeTag = Array((isEntry ? "</entry" : "</item").utf8)
      let contentStart = scanner.tagEnd(start)
      let close = scanner.find(closeTag, from: contentStart)
      if close == nil {
        warnings.append(ExtractionWarning(article: name, offset: start, message: "feed item never closed"))
      }
      let end = close ?? b.count
      n += 1
      out.append(item(b, contentStart..<end, scanner: scanner, id: "\(name)#\(n)"))
      i = close.map { scanner.tagEnd($0) } ?? b.count
    }
    return (out, warnings)
  }

  /// Text content of the first element named one of `names` inside `r` (CDATA unwrapped,
  /// entities decoded), or its `href` attribute for Atom links.
  static func element(_ b: [UInt8], _ r: Range<Int>, _ names: [String], scanner: HTMLScanner) -> (
    text: String, href: String
  )? {
    var best: (Int, String, String)? = nil
    for (rank, name) in names.enumerated() {
      let open = Array(("<" + name).utf8)
      var from = r.lowerBound
      while let s = scanner.find(open, from: from, to: r.upperBound) {
        let after = s + open.count
        guard after < b.count else { break }
        let c = b[after]
        if !(c == UInt8(ascii: ">") || c == 32 || c == UInt8(ascii: "/") || c == 10 || c == 9 || c == 13) {
          from = after
          continue
        }
        let te = scanner.tagEnd(s)
        let attrs = scanner.attributes(after..<max(after, te - 1))
        if name == "link", let rel = attrs.first(where: { $0.0 == "rel" })?.1, rel != "alternate" {
          from = te
          continue
        }
        let href = attrs.first { $0.0 == "href" }?.1 ?? ""
        var text = ""
        if te >= 2, b[te - 2] != UInt8(ascii: "/") {
          let close = scanner.find(Array(("</" + name).utf8), from: te, to: r.upperBound) ?? r.upperBound
          var cs = te
          var ce = min(close, r.upperBound)
          // Unwrap CDATA.
          if let cd = scanner.find(Array("<![cdata[".utf8), from: cs, to: ce),
            let cde = scanner.find(Array("]]>".utf8), from: cd)
          {
            cs = cd + 9
            ce = min(cde, ce)
            text = String(decoding: b[cs..<max(cs, ce)], as: UTF8.self)
          } else {
            var buf: [UInt8] = []
            TextDecoding.appendDecoded(b, cs..<max(cs, ce), to: &buf, collapse: false)
            text = String(decoding: buf, as: UTF8.self)
          }
        }
        if best == nil || rank < (best?.0 ?? .max) { best = (rank, text, href) }
        break
      }
      if best?.0 == 0 { break }
    }
    return best.map { ($0.1, $0.2) }
  }

  static func item(_ b: [UInt8], _ r: Range<Int>, scanner: HTMLScanner, id: String) -> Article {
    let title = element(b, r, ["title"], scanner: scanner)?.text ?? ""
    let link = element(b, r, ["link", "guid", "id"], scanner: scanner)
    var url = link?.href.isEmpty == false ? (link?.href ?? "") : (link?.text ?? "")
    url = url.trimmingSpaces()
    if !url.hasPrefix("http") { url = element(b, r, ["link"], scanner: scanner)?.href ?? url }
    let rawDate =
      element(
        b, r, ["pubdate", "published", "dc:date", "issued", "updated", "a10:updated"], scanner: scanner)?.text
      ?? ""
    var body =
      element(b, r, ["content:encoded", "content", "description", "summary"], scanner: scanner)?.text ?? ""
    if ArticleReader.looksLikeHTML(body) {
      body = ArticleReader.htmlFragmentText(body)
    } else {
      body = TextDecoding.decodeEntities(body)
    }
    var published: PublicationStamp? = nil
    var source = "none"
    if let s = DateText.parse(rawDate) {
      published = s
      source = "feed"
    } else if let s = ArticleReader.urlDate(url) {
      published = s
      source = "url"
    }
    let t = ArticleReader.looksLikeHTML(title) ? HTMLScanner.stripTags(title) : title
    return Article(
      id: id, url: url, title: TextDecoding.decodeEntities(t), body: body, published: published,
      publishedSource: source)
  }
}
