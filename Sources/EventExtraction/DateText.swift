import MarketData

/// Parses the date strings found in metadata, feeds and headers: ISO 8601 / RFC 3339
/// (`2025-06-26T14:03:00+08:00`), RFC 822 (`Thu, 26 Jun 2025 14:03:00 GMT`), `June 26, 2025`,
/// `26 June 2025`, `2025/06/26`, `26.06.2025`, `06/26/2025` and Unix epochs; by hand, no
/// Foundation formatters.
enum DateText {
  /// Zone abbreviations → UTC offset in minutes (RFC 822's plus common news zones).
  static let zoneOffsets: [String: Int] = [
    "z": 0, "gmt": 0, "ut": 0, "utc": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420,
    "mdt": -360, "pst": -480, "pdt": -420, "bst": 60, "cet": 60, "cest": 120, "eet": 120, "eest": 180,
    "jst": 540, "kst": 540, "hkt": 480, "sgt": 480, "ist": 330, "aest": 600, "aedt": 660, "msk": 180,
    "wib": 420,
  ]

  struct Tok {
    var kind: UInt8  // 0 number, 1 word, 2 punct
    var text: String
    var value: Int
    var digits: Int
  }

  static func tokens(_ s: String) -> [Tok] {
    var out: [Tok] = []
    var cur = ""
    var kind: UInt8 = 2
    var value = 0
    func flush() {
      if !cur.isEmpty {
        // A number holds only ASCII digits, so its UTF-8 length (O(1)) is its length.
        out.append(Tok(kind: kind, text: cur, value: value, digits: kind == 0 ? cur.utf8.count : cur.count))
      }
      cur = ""
      value = 0
    }
    for u in s.unicodeScalars {
      if u.value >= 48, u.value <= 57 {
        if kind != 0 { flush() }
        kind = 0
        cur.unicodeScalars.append(u)
        if cur.count < 15 { value = value * 10 + Int(u.value - 48) }
      } else if u.value < 128 ? (u.value | 0x20 >= 97 && u.value | 0x20 <= 122) : u.properties.isAlphabetic {
        if kind != 1 { flush() }
        kind = 1
        if u.value < 128 {
          // ASCII letters: the lower-case mapping without a property lookup.
          cur.unicodeScalars.append(Unicode.Scalar(UInt8(u.value | 0x20)))
        } else {
          cur.unicodeScalars.append(contentsOf: u.properties.lowercaseMapping.unicodeScalars)
        }
      } else {
        flush()
        kind = 2
        if u != " " && u != "\t" && u != "\n" && u != "\u{A0}" {
          out.append(Tok(kind: 2, text: String(u), value: 0, digits: 0))
        }
      }
      if out.count > 64 { break }
    }
    flush()
    return out
  }

  /// `YYYY-MM-DD`, optionally followed by `THH:MM` or ` HH:MM`, `:SS`, `.fff` and `Z` or
  /// `±HH:MM` / `±HHMM` and nothing else: the ISO 8601 / RFC 3339 form of nearly every metadata
  /// date, read straight from the bytes. `nil` for anything else (and for impossible dates),
  /// which `parse` then reads the general way; for the strings accepted here both ways agree.
  static func parseISO(_ raw: String) -> PublicationStamp? {
    var raw = raw
    return raw.withUTF8 { u -> PublicationStamp? in
      let n = u.count
      guard n >= 10, n <= 40 else { return nil }
      func digits(_ at: Int, _ count: Int) -> Int? {
        guard at + count <= n else { return nil }
        var v = 0
        for k in at..<(at + count) {
          let c = u[k]
          guard c >= 48, c <= 57 else { return nil }
          v = v * 10 + Int(c - 48)
        }
        return v
      }
      guard let y = digits(0, 4), u[4] == UInt8(ascii: "-"), let m = digits(5, 2), u[7] == UInt8(ascii: "-"),
        let d = digits(8, 2), let date = CivilDate(year: y, month: m, day: d)
      else { return nil }
      if n == 10 { return (date, nil, nil) }
      guard u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: "t") || u[10] == 32, let hh = digits(11, 2),
        n > 13, u[13] == UInt8(ascii: ":"), let mm = digits(14, 2), hh < 24, mm < 60
      else { return nil }
      var i = 16
      if i < n, u[i] == UInt8(ascii: ":") {
        guard digits(i + 1, 2) != nil else { return nil }
        i += 3
      }
      if i < n, u[i] == UInt8(ascii: ".") {
        var j = i + 1
        while j < n, u[j] >= 48, u[j] <= 57 { j += 1 }
        guard j > i + 1 else { return nil }
        i = j
      }
      if i == n { return (date, hh * 60 + mm, nil) }
      if u[i] | 0x20 == UInt8(ascii: "z"), i + 1 == n { return (date, hh * 60 + mm, 0) }
      guard u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-"), let oh = digits(i + 1, 2) else {
        return nil
      }
      var om = 0
      if i + 3 == n {
        om = 0
      } else if i + 5 == n, let v = digits(i + 3, 2) {
        om = v
      } else if i + 6 == n, u[i + 3] == UInt8(ascii: ":"), let v = digits(i + 4, 2) {
        om = v
      } else {
        return nil
      }
      let o = oh * 60 + om
      guard o <= 14 * 60 else { return nil }
      return (date, hh * 60 + mm, u[i] == UInt8(ascii: "+") ? o : -o)
    }
  }

  /// Reads a date (with time and offset when present); `nil` when no full date is found.
  static func parse(_ raw: String) -> PublicationStamp? {
    parseISO(raw) ?? parseGeneral(raw)
  }

  /// `parse` without the ISO fast path.
  static func parseGeneral(_ raw: String) -> PublicationStamp? {
    let s = raw.trimmingSpaces()
    if s.isEmpty || s.utf8.count > 200 { return nil }
    let t = tokens(s)
    if t.isEmpty { return nil }
    // Unix epoch seconds or milliseconds.
    if t.count == 1, t[0].kind == 0, t[0].digits == 10 || t[0].digits == 13 {
      let secs = t[0].digits == 13 ? t[0].value / 1000 : t[0].value
      let d = CivilDate(dayNumber: Int32(secs / 86400))
      guard (1990...2100).contains(d.year) else { return nil }
      return (d, (secs % 86400) / 60, 0)
    }
    if t.count == 1, t[0].kind == 0, t[0].digits == 8 {
      let v = t[0].value
      guard let d = CivilDate(year: v / 10000, month: (v / 100) % 100, day: v % 100) else { return nil }
      return (d, nil, nil)
    }
    var year: Int? = nil
    var month: Int? = nil
    var day: Int? = nil
    var minute: Int? = nil
    var offset: Int? = nil
    var i = 0
    // Numeric leading date: Y-M-D, Y/M/D, D.M.Y, M/D/Y, D/M/Y.
    if t.count >= 5, t[0].kind == 0, t[1].kind == 2, t[2].kind == 0, t[3].kind == 2, t[4].kind == 0,
      ["-", "/", "."].contains(t[1].text), t[1].text == t[3].text
    {
      let a = t[0], b = t[2], c = t[4]
      if a.digits == 4 {
        (year, month, day) = (a.value, b.value, c.value)
      } else if c.digits == 4 || c.digits == 2 {
        let y = c.digits == 2 ? 2000 + c.value : c.value
        if t[1].text == "." || a.value > 12 {
          (year, month, day) = (y, b.value, a.value)
        } else {
          (year, month, day) = (y, a.value, b.value)
        }
      }
      i = 5
    }
    var numbersSeen: [Tok] = []
    while i < t.count {
      let k = t[i]
      if k.kind == 0 {
        // Time of day HH:MM[:SS].
        if i + 2 < t.count, t[i + 1].text == ":", t[i + 2].kind == 0, k.value < 24, t[i + 2].value < 60,
          minute == nil
        {
          var m = k.value * 60 + t[i + 2].value
          var j = i + 3
          if j + 1 < t.count, t[j].text == ":", t[j + 1].kind == 0 { j += 2 }
          if j + 1 < t.count, t[j].text == ".", t[j + 1].kind == 0 { j += 2 }
          if j < t.count, t[j].kind == 1 {
            let w = t[j].text
            if w == "pm" || w == "p" {
              if m < 720 { m += 720 }; j += 1
            } else if w == "am" || w == "a" {
              if m >= 720 { m -= 720 }
              j += 1
            }
          }
          minute = m
          // Offset: Z, ±HH:MM, ±HHMM, zone word.
          if j < t.count {
            if t[j].kind == 1, let o = zoneOffsets[t[j].text] {
              offset = o
              j += 1
            } else if t[j].kind == 1, t[j].text.hasPrefix("z") {
              offset = 0
              j += 1
            } else if (t[j].text == "+" || t[j].text == "-" || t[j].text == "\u{2212}"), j + 1 < t.count,
              t[j + 1].kind == 0
            {
              let sign = t[j].text == "+" ? 1 : -1
              var o = 0
              if t[j + 1].digits == 4 {
                o = (t[j + 1].value / 100) * 60 + t[j + 1].value % 100
                j += 2
              } else if t[j + 1].digits <= 2 {
                o = t[j + 1].value * 60
                j += 2
                if j + 1 < t.count, t[j].text == ":", t[j + 1].kind == 0 {
                  o += t[j + 1].value
                  j += 2
                }
              }
              if o <= 14 * 60 { offset = sign * o }
            }
          }
          i = j
          continue
        }
        if k.digits == 4, year == nil, (1900...2100).contains(k.value) {
          year = k.value
        } else if k.digits <= 2, k.value >= 1, k.value <= 31, day == nil {
          numbersSeen.append(k)
        }
      } else if k.kind == 1 {
        if month == nil, let m = Lexicon.month(k.text), m.strong || k.text.count >= 3 {
          month = m.month
        } else if k.text == "t", minute == nil {
          // ISO 'T' separator, handled by the time branch.
        } else if minute != nil, offset == nil, let o = zoneOffsets[k.text] {
          offset = o
        }
      }
      i += 1
    }
    if day == nil, let first = numbersSeen.first { day = first.value }
    guard let y = year, let m = month, let d = day, let date = CivilDate(year: y, month: m, day: d) else {
      return nil
    }
    return (date, minute, offset)
  }
}
