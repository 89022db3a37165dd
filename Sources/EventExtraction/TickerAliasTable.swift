import MarketData

/// Company names and their exchange-suffixed tickers, used to find the companies an article names.
///
/// The CSV header is `ticker,exchange,company,aliases,requires_cue`; `aliases` is `;`-separated.
/// Names are normalised (case, punctuation, trailing `Corp`/`Inc`/`Ltd`/`Co`/`plc`…) before
/// matching. A row with `requires_cue` true (short or common-word names such as `MP`) is only
/// matched through a multi-word alias (`MP Materials`) or with a company-context cue nearby
/// (`shares of`, `NYSE:`, `stock`).
public struct TickerAliasTable: Sendable {
  /// One company.
  public struct Entry: Sendable, Equatable {
    /// Exchange-suffixed ticker (`MP`, `600111.SS`).
    public var ticker: String
    /// Exchange MIC or name as given.
    public var exchange: String
    /// The company's name.
    public var company: String
    /// Name variants as given.
    public var aliases: [String]
    /// Whether single-word mentions need a context cue.
    public var requiresCue: Bool

    /// Creates an entry.
    public init(ticker: String, exchange: String, company: String, aliases: [String], requiresCue: Bool) {
      self.ticker = ticker
      self.exchange = exchange
      self.company = company
      self.aliases = aliases
      self.requiresCue = requiresCue
    }
  }

  /// The companies, in table order (later tables override earlier rows with the same ticker).
  public private(set) var entries: [Entry]
  /// Normalised alias token sequence (space-joined) → entry index.
  var index: [String: Int] = [:]
  /// Longest alias in tokens.
  var maxTokens = 0
  /// First normalised token of every alias (a cheap test before building longer keys).
  var firstWords: Set<String> = []
  /// Upper-case ticker text → entry index, for direct mentions such as `(NYSE: MP)` or `LYC.AX`.
  var tickerIndex: [String: Int] = [:]

  /// An empty table.
  public init() { entries = [] }

  /// Creates a table from entries.
  public init(entries: [Entry]) {
    self.entries = entries
    rebuild()
  }

  /// Parses the alias CSV (`ticker,exchange,company,aliases,requires_cue`).
  public static func parse(_ csv: String, file: String) throws(ExtractionError) -> TickerAliasTable {
    let records: [CSVText.Record]
    do {
      records = try CSVText.parse(csv, file: file)
    } catch {
      throw .invalidAliasTable(file: file, line: 1, message: "\(error)")
    }
    guard let header = records.first else {
      throw .invalidAliasTable(
        file: file, line: 1,
        message: "empty table (expected header ticker,exchange,company,aliases,requires_cue)")
    }
    let names = header.fields.map { $0.trimmingSpaces().lowercased() }
    guard let tIx = names.firstIndex(of: "ticker") else {
      throw .invalidAliasTable(
        file: file, line: header.line,
        message: "no ticker column in the header (expected ticker,exchange,company,aliases,requires_cue)")
    }
    let eIx = names.firstIndex(of: "exchange")
    let cIx = names.firstIndex(of: "company") ?? names.firstIndex(of: "name")
    let aIx = names.firstIndex(of: "aliases") ?? names.firstIndex(of: "alias")
    let rIx = names.firstIndex(of: "requires_cue")
    var entries: [Entry] = []
    for r in records.dropFirst() {
      func f(_ i: Int?) -> String {
        guard let i, i < r.fields.count else { return "" }
        return r.fields[i].trimmingSpaces()
      }
      let ticker = f(tIx)
      if ticker.isEmpty {
        throw .invalidAliasTable(
          file: file, line: r.line, message: "empty ticker (expected e.g. MP or 600111.SS)")
      }
      let aliases = f(aIx).split(separator: ";").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
      let cue = f(rIx).lowercased()
      guard ["", "true", "false", "1", "0", "yes", "no"].contains(cue) else {
        throw .invalidAliasTable(
          file: file, line: r.line, message: "requires_cue is \"\(cue)\" (expected true or false)")
      }
      entries.append(
        Entry(
          ticker: ticker, exchange: f(eIx), company: f(cIx).isEmpty ? ticker : f(cIx), aliases: aliases,
          requiresCue: cue == "true" || cue == "1" || cue == "yes"))
    }
    return TickerAliasTable(entries: entries)
  }

  /// This table with `other`'s rows added; rows of `other` replace rows with the same ticker.
  public func merging(_ other: TickerAliasTable) -> TickerAliasTable {
    let replaced = Set(other.entries.map { $0.ticker.uppercased() })
    return TickerAliasTable(
      entries: entries.filter { !replaced.contains($0.ticker.uppercased()) } + other.entries)
  }

  static let corporateSuffixes: Set<String> = [
    "corp", "corporation", "inc", "incorporated", "ltd", "limited", "co", "company", "plc", "sa", "ag", "nv",
    "se", "llc", "lp", "spa", "bhd", "tbk", "asa", "ab", "oyj", "kk",
  ]

  /// Lower-case alphanumeric tokens of a name, trailing corporate suffixes dropped.
  static func normalisedTokens(_ name: String) -> [String] {
    var tokens: [String] = []
    var cur = ""
    for s in name.unicodeScalars {
      if s.properties.isAlphabetic || ("0"..."9").contains(s) {
        cur.unicodeScalars.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
      } else if s == "&" {
        if !cur.isEmpty { tokens.append(cur); cur = "" }
        tokens.append("and")
      } else if s == "'" || s == "\u{2019}" {
        continue
      } else if !cur.isEmpty {
        tokens.append(cur)
        cur = ""
      }
    }
    if !cur.isEmpty { tokens.append(cur) }
    while tokens.count > 1, let last = tokens.last, corporateSuffixes.contains(last) { tokens.removeLast() }
    return tokens
  }

  mutating func rebuild() {
    index = [:]
    tickerIndex = [:]
    firstWords = []
    maxTokens = 0
    for (i, e) in entries.enumerated() {
      for name in [e.company] + e.aliases {
        let toks = TickerAliasTable.normalisedTokens(name)
        guard !toks.isEmpty else { continue }
        let key = toks.joined(separator: " ")
        if index[key] == nil { index[key] = i }
        firstWords.insert(toks[0])
        maxTokens = max(maxTokens, toks.count)
      }
      tickerIndex[e.ticker.uppercased()] = i
    }
  }

  /// Number of companies.
  public var count: Int { entries.count }
}

extension TickerAliasTable {
  static let cueWords: Set<String> = [
    "shares", "share", "stock", "stocks", "nyse", "nasdaq", "asx", "sse", "szse", "hkex", "tsx", "lse",
    "ticker",
    "listed", "inc", "corp", "ltd", "plc", "co", "company", "materials", "group", "holdings",
  ]

  /// Companies and tickers named in tokenised text, in order of first mention.
  func find(_ tokens: [Token], _ words: [String], _ bytes: [UInt8]) -> (
    companies: [String], tickers: [String]
  ) {
    var found: [Int] = []
    for m in mentions(tokens, words, bytes) where !found.contains(m.entry) { found.append(m.entry) }
    return (found.map { entries[$0].company }, found.map { entries[$0].ticker })
  }

  /// Every company mention: the entry index and the token where the mention starts, in text order.
  func mentions(_ tokens: [Token], _ words: [String], _ bytes: [UInt8]) -> [(entry: Int, token: Int)] {
    guard !entries.isEmpty else { return [] }
    var found: [(entry: Int, token: Int)] = []
    var at = 0
    func add(_ e: Int) { found.append((e, at)) }
    var i = 0
    let n = tokens.count
    while i < n {
      let t = tokens[i]
      at = i
      // Direct ticker mentions: "LYC.AX", "600111.SS", "(NYSE: MP)".
      if t.kind == .word || t.kind == .number, i + 2 < n, tokens[i + 1].scalar == ".",
        !tokens[i + 1].spaceBefore,
        tokens[i + 2].kind == .word, tokens[i + 2].allCaps, !tokens[i + 2].spaceBefore,
        t.allCaps || t.kind == .number
      {
        let sym = String(decoding: bytes[t.byteStart..<tokens[i + 2].byteEnd], as: UTF8.self).uppercased()
        if let e = tickerIndex[sym] {
          add(e)
          i += 3
          continue
        }
      }
      if t.kind == .word,
        ["nyse", "nasdaq", "asx", "sse", "szse", "hkex", "tsx", "lse", "amex"].contains(words[i]),
        i + 2 < n, tokens[i + 1].scalar == ":"
      {
        let s = tokens[i + 2]
        let sym = String(decoding: bytes[s.byteStart..<s.byteEnd], as: UTF8.self).uppercased()
        if let e = tickerIndex[sym] {
          add(e)
          i += 3
          continue
        }
      }
      // Names: longest alias starting here.
      if t.kind == .number || ((t.capitalized || t.allCaps) && firstWords.contains(words[i])) {
        var key = ""
        var j = i
        var count = 0
        var bestEnd = -1
        var bestEntry = -1
        var bestCount = 0
        while j < n, count < maxTokens {
          let tk = tokens[j]
          if tk.kind == .punct {
            if tk.scalar == "&" {
              key += key.isEmpty ? "and" : " and"
              count += 1
            } else if tk.scalar == "'" || tk.scalar == "\u{2019}" || tk.scalar == "." || tk.scalar == "-"
              || tk.scalar == "(" || tk.scalar == ")"
            {
              // glue
            } else {
              break
            }
            j += 1
            continue
          }
          if count > 0, tk.newlineBefore { break }
          let w =
            tk.kind == .number ? String(decoding: bytes[tk.byteStart..<tk.byteEnd], as: UTF8.self) : words[j]
          key += key.isEmpty ? w : " " + w
          count += 1
          j += 1
          if let e = index[key] {
            bestEnd = j
            bestEntry = e
            bestCount = count
          }
        }
        if bestEntry >= 0 {
          let entry = entries[bestEntry]
          var ok = !entry.requiresCue || bestCount > 1
          if !ok {
            let lo = max(0, i - 3)
            let hi = min(n, bestEnd + 2)
            ok = (lo..<hi).contains { TickerAliasTable.cueWords.contains(words[$0]) }
          }
          // A lone common word must be written as a name.
          if ok, bestCount == 1, !tokens[i].capitalized, !tokens[i].allCaps, tokens[i].kind != .number {
            ok = false
          }
          if ok { add(bestEntry) }
          i = bestEnd
          continue
        }
      }
      i += 1
    }
    return found
  }
}
