/// Byte-level text decoding: encoding detection (UTF-8, UTF-16 with BOM, Latin-1 and
/// Windows-1252), binary detection and HTML entity decoding. Everything downstream works on
/// valid UTF-8 bytes.
enum TextDecoding {
  /// Windows-1252's characters for bytes 0x80–0x9F (Latin-1 maps them to C1 controls, which
  /// real pages never mean).
  static let cp1252High: [UInt32] = [
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
    0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
    0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
  ]

  /// `true` when the bytes look like a binary file (NUL bytes or many control bytes early on).
  static func looksBinary(_ b: [UInt8]) -> Bool {
    if b.count >= 2, (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) { return false }
    let n = min(b.count, 8192)
    var controls = 0
    let binary = b.withUnsafeBytes { raw -> Bool in
      var i = 0
      while i < n {
        // Eight bytes at a time: skip words without a byte below 32, check the others byte by byte.
        if i + 8 <= n {
          let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
          if (x &- 0x2020_2020_2020_2020) & ~x & 0x8080_8080_8080_8080 == 0 {
            i += 8
            continue
          }
          for k in i..<(i + 8) {
            let c = raw[k]
            if c == 0 { return true }
            if c < 32, c != 9, c != 10, c != 13, c != 12 { controls += 1 }
          }
          i += 8
          continue
        }
        let c = raw[i]
        if c == 0 { return true }
        if c < 32, c != 9, c != 10, c != 13, c != 12 { controls += 1 }
        i += 1
      }
      return false
    }
    return binary || (n > 0 && controls * 20 > n)
  }

  /// Counts invalid UTF-8 sequences (0 = valid).
  static func invalidUTF8Count(_ bytes: [UInt8], limit: Int = .max) -> Int {
    bytes.withUnsafeBytes { invalidUTF8Count($0, limit: limit) }
  }

  static func invalidUTF8Count(_ b: UnsafeRawBufferPointer, limit: Int) -> Int {
    var i = 0
    var bad = 0
    let n = b.count
    while i < n {
      let c = b[i]
      if c < 0x80 {
        // Sixteen ASCII bytes at a time.
        if i + 16 <= n,
          (b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            | b.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)) & 0x8080_8080_8080_8080 == 0
        {
          i += 16
        } else {
          i += 1
        }
        continue
      }
      var need = 0
      var minV: UInt32 = 0
      var v: UInt32 = 0
      if c & 0xE0 == 0xC0 {
        need = 1
        v = UInt32(c & 0x1F)
        minV = 0x80
      } else if c & 0xF0 == 0xE0 {
        need = 2
        v = UInt32(c & 0x0F)
        minV = 0x800
      } else if c & 0xF8 == 0xF0 {
        need = 3
        v = UInt32(c & 0x07)
        minV = 0x10000
      } else {
        bad += 1
        i += 1
        if bad >= limit { return bad }
        continue
      }
      var ok = i + need < n
      if ok {
        for k in 1...need {
          if i + k >= n || b[i + k] & 0xC0 != 0x80 {
            ok = false
            break
          }
          v = (v << 6) | UInt32(b[i + k] & 0x3F)
        }
      }
      if ok, v >= minV, v <= 0x10FFFF, !(v >= 0xD800 && v < 0xE000) {
        i += need + 1
      } else {
        bad += 1
        i += 1
        if bad >= limit { return bad }
      }
    }
    return bad
  }

  /// The charset named in a `<meta charset>` / `http-equiv` / XML declaration within the first
  /// 2 KB, lower-cased.
  static func declaredCharset(_ b: [UInt8]) -> String? {
    let n = min(b.count, 2048)
    let key: [UInt8] = Array("charset".utf8)
    let key2: [UInt8] = Array("encoding".utf8)
    var i = 0
    while i < n {
      var matched: Int? = nil
      for k in [key, key2] where i + k.count < n {
        var ok = true
        for j in 0..<k.count where b[i + j] | 0x20 != k[j] {
          ok = false
          break
        }
        if ok { matched = k.count }
      }
      if let m = matched {
        var j = i + m
        while j < n, b[j] == 32 || b[j] == UInt8(ascii: "=") || b[j] == 34 || b[j] == 39 { j += 1 }
        var name: [UInt8] = []
        while j < n, name.count < 40 {
          let c = b[j]
          if (c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 122) || c == 45 || c == 95 {
            name.append(c | (c >= 65 && c <= 90 ? 0x20 : 0))
            j += 1
          } else {
            break
          }
        }
        if !name.isEmpty { return String(decoding: name, as: UTF8.self) }
        i = j
      }
      i += 1
    }
    return nil
  }

  /// Decodes bytes to valid UTF-8 bytes, reporting the encoding used and whether bytes had to be
  /// replaced.
  static func toUTF8(_ b: [UInt8]) -> (bytes: [UInt8], encoding: String, replaced: Int) {
    if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF {
      let rest = Array(b[3...])
      let bad = invalidUTF8Count(rest)
      return bad == 0 ? (rest, "utf-8", 0) : (Array(String(decoding: rest, as: UTF8.self).utf8), "utf-8", bad)
    }
    if b.count >= 2, (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) {
      let le = b[0] == 0xFF
      var units: [UInt16] = []
      units.reserveCapacity(b.count / 2)
      var i = 2
      while i + 1 < b.count {
        units.append(le ? UInt16(b[i]) | UInt16(b[i + 1]) << 8 : UInt16(b[i]) << 8 | UInt16(b[i + 1]))
        i += 2
      }
      return (Array(String(decoding: units, as: UTF16.self).utf8), le ? "utf-16le" : "utf-16be", 0)
    }
    let bad = invalidUTF8Count(b, limit: 64)
    if bad == 0 { return (b, "utf-8", 0) }
    let declared = declaredCharset(b)
    let nonASCII = b.reduce(0) { $0 + ($1 >= 0x80 ? 1 : 0) }
    // Declared UTF-8 with a handful of bad bytes among many good sequences: keep UTF-8, replace.
    if declared == "utf-8" || declared == "utf8", bad * 4 <= (nonASCII - bad) / 2 {
      return (Array(String(decoding: b, as: UTF8.self).utf8), "utf-8", invalidUTF8Count(b))
    }
    return (
      windows1252ToUTF8(b), declared == "iso-8859-1" || declared == "latin1" ? "iso-8859-1" : "windows-1252",
      0
    )
  }

  /// Transcodes Windows-1252 (a superset of Latin-1's printable range) to UTF-8.
  static func windows1252ToUTF8(_ b: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(b.count + b.count / 8)
    for c in b {
      if c < 0x80 {
        out.append(c)
      } else {
        let v = c < 0xA0 ? cp1252High[Int(c - 0x80)] : UInt32(c)
        appendUTF8(v, to: &out)
      }
    }
    return out
  }

  @inline(__always)
  static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
    if v < 0x80 {
      out.append(UInt8(v))
    } else if v < 0x800 {
      out.append(UInt8(0xC0 | (v >> 6)))
      out.append(UInt8(0x80 | (v & 0x3F)))
    } else if v < 0x10000 {
      out.append(UInt8(0xE0 | (v >> 12)))
      out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
      out.append(UInt8(0x80 | (v & 0x3F)))
    } else {
      out.append(UInt8(0xF0 | (v >> 18)))
      out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
      out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
      out.append(UInt8(0x80 | (v & 0x3F)))
    }
  }

  /// Named HTML entities real news pages use.
  static let entities: [String: UInt32] = [
    "amp": 38, "lt": 60, "gt": 62, "quot": 34, "apos": 39, "nbsp": 32, "ensp": 32, "emsp": 32, "thinsp": 32,
    "ndash": 0x2013, "mdash": 0x2014, "hellip": 0x2026, "lsquo": 0x2018, "rsquo": 0x2019, "sbquo": 0x201A,
    "ldquo": 0x201C, "rdquo": 0x201D, "bdquo": 0x201E, "laquo": 0xAB, "raquo": 0xBB, "bull": 0x2022,
    "middot": 0xB7, "copy": 0xA9, "reg": 0xAE, "trade": 0x2122, "deg": 0xB0, "euro": 0x20AC, "pound": 0xA3,
    "yen": 0xA5, "cent": 0xA2, "sect": 0xA7, "para": 0xB6, "times": 0xD7, "divide": 0xF7, "shy": 0xAD,
    "zwj": 0x200D, "zwnj": 0x200C, "lrm": 0x200E, "rlm": 0x200F, "iexcl": 0xA1, "iquest": 0xBF,
    "agrave": 0xE0, "aacute": 0xE1, "acirc": 0xE2, "atilde": 0xE3, "auml": 0xE4, "aring": 0xE5, "aelig": 0xE6,
    "ccedil": 0xE7, "egrave": 0xE8, "eacute": 0xE9, "ecirc": 0xEA, "euml": 0xEB, "igrave": 0xEC,
    "iacute": 0xED,
    "icirc": 0xEE, "iuml": 0xEF, "ntilde": 0xF1, "ograve": 0xF2, "oacute": 0xF3, "ocirc": 0xF4,
    "otilde": 0xF5,
    "ouml": 0xF6, "oslash": 0xF8, "ugrave": 0xF9, "uacute": 0xFA, "ucirc": 0xFB, "uuml": 0xFC, "yacute": 0xFD,
    "yuml": 0xFF, "szlig": 0xDF, "Agrave": 0xC0, "Aacute": 0xC1, "Acirc": 0xC2, "Atilde": 0xC3, "Auml": 0xC4,
    "Aring": 0xC5, "AElig": 0xC6, "Ccedil": 0xC7, "Egrave": 0xC8, "Eacute": 0xC9, "Ecirc": 0xCA, "Euml": 0xCB,
    "Igrave": 0xCC, "Iacute": 0xCD, "Icirc": 0xCE, "Iuml": 0xCF, "Ntilde": 0xD1, "Ograve": 0xD2,
    "Oacute": 0xD3,
    "Ocirc": 0xD4, "Otilde": 0xD5, "Ouml": 0xD6, "Oslash": 0xD8, "Ugrave": 0xD9, "Uacute": 0xDA,
    "Ucirc": 0xDB,
    "Uuml": 0xDC, "Yacute": 0xDD, "oelig": 0x153, "OElig": 0x152, "scaron": 0x161, "Scaron": 0x160,
    "prime": 0x2032, "Prime": 0x2033, "minus": 0x2212, "frac12": 0xBD, "frac14": 0xBC, "frac34": 0xBE,
  ]

  /// Appends `b[range]` to `out` with HTML entities decoded (`&amp;`, `&#8217;`, `&#x2019;`, a
  /// name table); unknown entities are kept verbatim. When `collapse` is set, runs of white space
  /// become one space.
  static func appendDecoded(_ b: [UInt8], _ range: Range<Int>, to out: inout [UInt8], collapse: Bool) {
    var i = range.lowerBound
    let end = range.upperBound
    while i < end {
      let c = b[i]
      if c == UInt8(ascii: "&") {
        var j = i + 1
        var v: UInt32? = nil
        if j < end, b[j] == UInt8(ascii: "#") {
          j += 1
          var hex = false
          if j < end, b[j] | 0x20 == UInt8(ascii: "x") {
            hex = true
            j += 1
          }
          var acc: UInt32 = 0
          var digits = 0
          while j < end, digits < 8 {
            if let d = hex ? JSONParser.hex(b[j]) : (b[j] >= 48 && b[j] <= 57 ? UInt32(b[j] - 48) : nil) {
              acc = acc &* (hex ? 16 : 10) &+ d
              digits += 1
              j += 1
            } else {
              break
            }
          }
          if digits > 0 {
            v = acc == 0 || acc > 0x10FFFF || (acc >= 0xD800 && acc < 0xE000) ? 0xFFFD : acc
            if acc >= 0x80, acc < 0xA0 { v = cp1252High[Int(acc - 0x80)] }
          }
        } else {
          var k = j
          while k < end, k - j < 10, (b[k] | 0x20 >= 97 && b[k] | 0x20 <= 122) || (b[k] >= 48 && b[k] <= 57) {
            k += 1
          }
          if k > j, let e = entities[String(decoding: b[j..<k], as: UTF8.self)] {
            v = e
            j = k
          }
        }
        if let v {
          if j < end, b[j] == UInt8(ascii: ";") { j += 1 }
          if collapse, v == 32 || v == 0xA0 {
            if let l = out.last, l != 32, l != 10 { out.append(32) }
          } else {
            appendUTF8(v, to: &out)
          }
          i = j
          continue
        }
        out.append(c)
        i += 1
        continue
      }
      if collapse, c == 32 || c == 9 || c == 10 || c == 13 || c == 12 {
        if let l = out.last, l != 32, l != 10 { out.append(32) }
        i += 1
        continue
      }
      if collapse, c == 0xC2, i + 1 < end, b[i + 1] == 0xA0 {
        if let l = out.last, l != 32, l != 10 { out.append(32) }
        i += 2
        continue
      }
      out.append(c)
      i += 1
    }
  }

  /// A string with HTML entities decoded and white space collapsed.
  static func decodeEntities(_ s: String) -> String {
    let b = Array(s.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(b.count)
    appendDecoded(b, 0..<b.count, to: &out, collapse: true)
    while out.last == 32 { out.removeLast() }
    return String(decoding: out, as: UTF8.self)
  }
}
