/// A word, number or punctuation mark of a text, with its span in Unicode scalars and in UTF-8
/// bytes. Produced by one hand-written pass over the UTF-8 bytes.
struct Token {
  enum Kind: UInt8 {
    case word, number, punct
  }
  /// Scalar offsets (end exclusive).
  var start: Int
  var end: Int
  /// UTF-8 byte offsets (end exclusive).
  var byteStart: Int
  var byteEnd: Int
  var kind: Kind
  /// White space precedes the token.
  var spaceBefore: Bool
  /// A line break precedes the token (paragraph or line boundary).
  var newlineBefore: Bool
  /// First letter is upper case.
  var capitalized: Bool
  /// Every letter is upper case (and there are at least two).
  var allCaps: Bool
  /// Numeric value of a number token (saturating), else -1.
  var value: Int
  /// Digits in a number token.
  var digits: Int
  /// The punctuation scalar for punct tokens.
  var scalar: Unicode.Scalar
  /// What the temporal tagger may start a rule with this word: 0 nothing, 1 a time word,
  /// 2 "the", 3 "a"/"an", 4 "in", 5 "at" (set by the tokenizer from the interned word).
  var keyword: UInt8 = 0
  /// Which event lexicons have a phrase starting with this word: 1 parties, 2 measures,
  /// 4 commodities (set by the tokenizer from the interned word).
  var lex: UInt8 = 0
}

/// Interns the words of one text: a word's lower-cased bytes are hashed and looked up in an
/// open-addressing table, so a repeated word costs a hash and a byte compare, not a new `String`,
/// and its tagger keyword class is computed once.
struct WordInterner {
  var slots: [Int32]
  var mask: Int
  var keyStart: [Int] = []
  var keyLen: [Int] = []
  var keyBytes: [UInt8] = []
  var strings: [String] = []
  var classes: [UInt8] = []
  var lexes: [UInt8] = []

  init(capacity: Int) {
    var size = 1024
    while size < capacity * 2 { size <<= 1 }
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
  }

  /// The interned word for `bytes` (already lower-cased when `ascii`), and its keyword class.
  mutating func intern(_ bytes: [UInt8], hash: UInt64, ascii: Bool) -> (String, UInt8, UInt8) {
    var h = Int(truncatingIfNeeded: hash) & mask
    while true {
      let s = slots[h]
      if s < 0 { break }
      let k = Int(s)
      if keyLen[k] == bytes.count {
        var same = true
        let base = keyStart[k]
        var q = 0
        while q < bytes.count {
          if keyBytes[base + q] != bytes[q] {
            same = false
            break
          }
          q += 1
        }
        if same { return (strings[k], classes[k], lexes[k]) }
      }
      h = (h + 1) & mask
    }
    var w = String(decoding: bytes, as: UTF8.self)
    if !ascii { w = w.lowercased() }
    let cls = WordInterner.keywordClass(w)
    let k = strings.count
    keyStart.append(keyBytes.count)
    keyLen.append(bytes.count)
    keyBytes.append(contentsOf: bytes)
    strings.append(w)
    classes.append(cls)
    let lex = WordInterner.lexFlags(w)
    lexes.append(lex)
    slots[h] = Int32(k)
    if strings.count * 2 > slots.count { grow() }
    return (w, cls, lex)
  }

  static func lexFlags(_ w: String) -> UInt8 {
    var f: UInt8 = 0
    if EventExtractor.parties.firstWords.contains(w) { f |= 1 }
    if EventExtractor.measures.firstWords.contains(w) { f |= 2 }
    if EventExtractor.commodities.firstWords.contains(w) { f |= 4 }
    return f
  }

  mutating func grow() {
    let size = slots.count * 2
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
    for k in strings.indices {
      var h =
        Int(truncatingIfNeeded: WordInterner.hash(keyBytes[keyStart[k]..<(keyStart[k] + keyLen[k])])) & mask
      while slots[h] >= 0 { h = (h + 1) & mask }
      slots[h] = Int32(k)
    }
  }

  static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for c in bytes { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
    return h ^ (h >> 29)
  }

  /// Words that can start a temporal-tagger rule (class 1), and the frequent function words
  /// that start only a few rules (classes 2–5).
  static let timeWords: Set<String> = {
    var s = Set<String>()
    s.formUnion(Lexicon.months.keys)
    s.formUnion(Lexicon.weekdays.keys)
    s.formUnion(Lexicon.weekdayAbbreviations.keys)
    s.formUnion(Lexicon.numbers.keys)
    s.formUnion(Lexicon.ordinals.keys)
    s.formUnion(TaggerRun.relative.keys)
    s.formUnion(TaggerRun.presentRefs)
    s.formUnion(TaggerRun.pastRefs)
    s.formUnion(TaggerRun.seasons.keys)
    s.formUnion([
      "heute", "hoy", "oggi", "hoje", "gestern", "ayer", "ieri", "ontem", "this", "last", "next", "past",
      "coming", "previous", "current", "following", "that", "earlier", "later", "early", "late", "mid", "end",
      "beginning", "start", "middle", "noon", "midnight", "midday", "q", "h", "fiscal", "fy", "several",
      "many", "few", "p",
    ])
    return s
  }()

  static func keywordClass(_ w: String) -> UInt8 {
    switch w {
    case "the": return 2
    case "a", "an": return 3
    case "in": return 4
    case "at": return 5
    default: return timeWords.contains(w) ? 1 : 0
    }
  }
}

/// Splits UTF-8 bytes into tokens; words are returned lower-cased alongside.
enum Tokenizer {
  static func isCJK(_ v: UInt32) -> Bool {
    (v >= 0x3040 && v <= 0x30FF) || (v >= 0x3400 && v <= 0x9FFF) || (v >= 0xF900 && v <= 0xFAFF)
      || (v >= 0xAC00 && v <= 0xD7AF)
  }

  static func tokenize(_ b: [UInt8]) -> (tokens: [Token], words: [String]) {
    var tokens: [Token] = []
    var words: [String] = []
    tokens.reserveCapacity(b.count / 5)
    words.reserveCapacity(b.count / 5)
    var i = 0
    var scalarIx = 0
    let n = b.count
    var space = true
    var newline = true
    var wordBytes: [UInt8] = []
    var interner = WordInterner(capacity: max(256, b.count / 40))
    while i < n {
      let c = b[i]
      // Decode one scalar.
      var v = UInt32(c)
      var len = 1
      if c >= 0x80 {
        if c & 0xE0 == 0xC0, i + 1 < n {
          v = (UInt32(c & 0x1F) << 6) | UInt32(b[i + 1] & 0x3F)
          len = 2
        } else if c & 0xF0 == 0xE0, i + 2 < n {
          v = (UInt32(c & 0x0F) << 12) | (UInt32(b[i + 1] & 0x3F) << 6) | UInt32(b[i + 2] & 0x3F)
          len = 3
        } else if c & 0xF8 == 0xF0, i + 3 < n {
          v =
            (UInt32(c & 0x07) << 18) | (UInt32(b[i + 1] & 0x3F) << 12) | (UInt32(b[i + 2] & 0x3F) << 6)
            | UInt32(b[i + 3] & 0x3F)
          len = 4
        } else {
          v = 0xFFFD
        }
      }
      // White space.
      if v == 32 || v == 9 || v == 0xA0 || v == 0x2009 || v == 0x202F || v == 0x3000 || v == 13 || v == 12 {
        space = true
        i += len
        scalarIx += 1
        continue
      }
      if v == 10 || v == 0x2028 || v == 0x2029 {
        space = true
        newline = true
        i += len
        scalarIx += 1
        continue
      }
      let isDigit = v >= 48 && v <= 57
      let isASCIILetter = (v | 0x20) >= 97 && (v | 0x20) <= 122
      if isDigit {
        let s = scalarIx
        let bs = i
        var val = 0
        var d = 0
        while i < n, b[i] >= 48, b[i] <= 57 {
          if d < 15 { val = val * 10 + Int(b[i] - 48) }
          d += 1
          i += 1
          scalarIx += 1
        }
        tokens.append(
          Token(
            start: s, end: scalarIx, byteStart: bs, byteEnd: i, kind: .number, spaceBefore: space,
            newlineBefore: newline, capitalized: false, allCaps: false, value: val, digits: d, scalar: " "))
        words.append("")
        space = false
        newline = false
        continue
      }
      let isOtherLetter: Bool = {
        guard v >= 0x80, !isCJK(v), let u = Unicode.Scalar(v) else { return false }
        return u.properties.isAlphabetic
      }()
      if isASCIILetter || isOtherLetter {
        let s = scalarIx
        let bs = i
        var cap = false
        var upper = 0
        var lower = 0
        wordBytes.removeAll(keepingCapacity: true)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var ascii = true
        var first = true
        while i < n {
          let c2 = b[i]
          if c2 < 0x80 {
            let l = c2 | 0x20
            if l >= 97, l <= 122 {
              if c2 < 97 {
                upper += 1
                if first { cap = true }
              } else {
                lower += 1
              }
              wordBytes.append(l)
              hash = (hash ^ UInt64(l)) &* 0x100_0000_01b3
              i += 1
              scalarIx += 1
              first = false
              continue
            }
            break
          }
          // Non-ASCII: decode and check alphabetic.
          var v2: UInt32 = 0xFFFD
          var l2 = 1
          if c2 & 0xE0 == 0xC0, i + 1 < n {
            v2 = (UInt32(c2 & 0x1F) << 6) | UInt32(b[i + 1] & 0x3F)
            l2 = 2
          } else if c2 & 0xF0 == 0xE0, i + 2 < n {
            v2 = (UInt32(c2 & 0x0F) << 12) | (UInt32(b[i + 1] & 0x3F) << 6) | UInt32(b[i + 2] & 0x3F)
            l2 = 3
          } else if c2 & 0xF8 == 0xF0, i + 3 < n {
            v2 =
              (UInt32(c2 & 0x07) << 18) | (UInt32(b[i + 1] & 0x3F) << 12) | (UInt32(b[i + 2] & 0x3F) << 6)
              | UInt32(b[i + 3] & 0x3F)
            l2 = 4
          }
          guard !isCJK(v2), let u = Unicode.Scalar(v2), u.properties.isAlphabetic else { break }
          ascii = false
          if u.properties.isUppercase {
            upper += 1
            if first { cap = true }
          } else {
            lower += 1
          }
          for k in 0..<l2 {
            wordBytes.append(b[i + k])
            hash = (hash ^ UInt64(b[i + k])) &* 0x100_0000_01b3
          }
          i += l2
          scalarIx += 1
          first = false
        }
        let (w, cls, lex) = interner.intern(wordBytes, hash: hash ^ (hash >> 29), ascii: ascii)
        tokens.append(
          Token(
            start: s, end: scalarIx, byteStart: bs, byteEnd: i, kind: .word, spaceBefore: space,
            newlineBefore: newline, capitalized: cap, allCaps: upper >= 2 && lower == 0, value: -1, digits: 0,
            scalar: " ", keyword: cls, lex: lex))
        words.append(w)
        space = false
        newline = false
        continue
      }
      // Punctuation, symbols and CJK ideographs: one token per scalar.
      let u = Unicode.Scalar(v) ?? "\u{FFFD}"
      if isCJK(v) {
        tokens.append(
          Token(
            start: scalarIx, end: scalarIx + 1, byteStart: i, byteEnd: i + len, kind: .word,
            spaceBefore: space,
            newlineBefore: newline, capitalized: false, allCaps: false, value: -1, digits: 0, scalar: u))
        words.append(String(u))
      } else {
        tokens.append(
          Token(
            start: scalarIx, end: scalarIx + 1, byteStart: i, byteEnd: i + len, kind: .punct,
            spaceBefore: space,
            newlineBefore: newline, capitalized: false, allCaps: false, value: -1, digits: 0, scalar: u))
        words.append("")
      }
      space = false
      newline = false
      i += len
      scalarIx += 1
    }
    return (tokens, words)
  }

  static let abbreviations: Set<String> = [
    "mr", "mrs", "ms", "dr", "st", "no", "inc", "corp", "co", "ltd", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug",
    "sep", "sept", "oct", "nov", "dec", "gov", "sen", "rep", "gen", "lt", "col", "prof", "vs", "etc", "jr",
    "sr",
    "mt", "ft", "approx", "dept", "est", "fig", "vol", "rev", "u", "s", "e", "k", "p", "m", "a",
  ]

  /// Sentence number of every token: a new sentence starts after `.`, `!`, `?` followed by a
  /// space and a capital, quote or digit (not after abbreviations or single letters), and at
  /// every line break.
  static func sentences(_ tokens: [Token], _ words: [String]) -> [Int32] {
    var out = [Int32](repeating: 0, count: tokens.count)
    var s: Int32 = 0
    var i = 0
    while i < tokens.count {
      let t = tokens[i]
      if i > 0, t.newlineBefore { s += 1 }
      out[i] = s
      if t.kind == .punct, t.scalar == "." || t.scalar == "!" || t.scalar == "?" || t.scalar == "。" {
        // Include closing quotes/brackets in this sentence.
        var j = i + 1
        while j < tokens.count, tokens[j].kind == .punct, !tokens[j].spaceBefore,
          ["\"", "\u{201D}", "'", "\u{2019}", ")"].contains(tokens[j].scalar)
        {
          out[j] = s
          j += 1
        }
        if j < tokens.count, tokens[j].spaceBefore || t.scalar == "。" {
          let prevWord = i > 0 && tokens[i - 1].kind == .word ? words[i - 1] : ""
          let isAbbrev =
            t.scalar == "." && !prevWord.isEmpty
            && (prevWord.count == 1 || abbreviations.contains(prevWord)) && !tokens[i - 1].allCaps
          let next = tokens[j]
          let nextStarts =
            next.capitalized || next.kind == .number || next.kind == .punct || next.newlineBefore
          if nextStarts && !(isAbbrev && !next.newlineBefore && t.scalar == ".") {
            s += 1
          }
        }
        i = j
        continue
      }
      i += 1
    }
    return out
  }
}
