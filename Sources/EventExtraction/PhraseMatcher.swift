/// Longest-match lookup of multi-word phrases over tokens: keys are lower-case words joined by
/// single spaces; tight `.`, `-`, `'` and `’` tokens between words are skipped ("U.S." → "u s",
/// "anti-dumping" → "anti dumping").
struct PhraseMatcher<Value: Sendable>: Sendable {
  let table: [String: Value]
  let firstWords: Set<String>
  let maxTokens: Int

  init(_ table: [String: Value]) {
    self.table = table
    var first = Set<String>()
    var maxT = 1
    for k in table.keys {
      let parts = k.split(separator: " ")
      if let f = parts.first { first.insert(String(f)) }
      maxT = max(maxT, parts.count)
    }
    firstWords = first
    maxTokens = maxT
  }

  static func skippable(_ t: Token) -> Bool {
    guard t.kind == .punct else { return false }
    let s = t.scalar
    return s == "." || s == "-" || s == "'" || s == "\u{2019}" || s == "\u{2010}" || s == "\u{2011}"
      || s == "&"
  }

  /// The longest phrase starting at word token `i`: (value, token index after the match, word count).
  func match(_ tokens: [Token], _ words: [String], at i: Int, limit: Int) -> (Value, Int, Int)? {
    guard tokens[i].kind == .word, firstWords.contains(words[i]) else { return nil }
    var key = words[i]
    var best: (Value, Int, Int)? = table[key].map { ($0, i + 1, 1) }
    var j = i + 1
    var count = 1
    while count < maxTokens, j < limit {
      // Skip punctuation glued between words.
      var k = j
      while k < limit, PhraseMatcher.skippable(tokens[k]) { k += 1 }
      guard k < limit, tokens[k].kind == .word || tokens[k].kind == .number else { break }
      if k > j, tokens[k].spaceBefore, tokens[k - 1].scalar != "&" {
        // "U.S. Steel": a '.' followed by space ends the phrase unless it is an initial.
        if !(tokens[k - 1].scalar == "." && tokens[k - 2].kind == .word && words[k - 2].count == 1) { break }
      }
      if tokens[k].kind == .number {
        key += " " + String(tokens[k].value)
      } else {
        key += " " + words[k]
      }
      count += 1
      j = k + 1
      if let v = table[key] { best = (v, j, count) }
    }
    return best
  }
}
