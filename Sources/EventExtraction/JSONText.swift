/// A small JSON reader for JSON-LD blocks and `.json`/`.jsonl` articles: bytes in, a tree out,
/// depth-limited so deeply nested input cannot exhaust the stack.
indirect enum JSONValue: Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  /// The member named `key` (first match, case-sensitive).
  subscript(key: String) -> JSONValue? {
    if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
    return nil
  }

  /// The member matching any of `keys`, case-insensitively, in the order of `keys`.
  func member(_ keys: [String]) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    for k in keys {
      if let m = members.first(where: { $0.0.lowercased() == k }) { return m.1 }
    }
    return nil
  }

  /// The string value, the first string of an array, or a number printed.
  var text: String? {
    switch self {
    case .string(let s): return s
    case .number(let d):
      if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
      return String(d)
    case .array(let a): return a.lazy.compactMap { $0.text }.first
    case .object: return self["@value"]?.text ?? self["name"]?.text
    default: return nil
    }
  }
}

enum JSONText {
  static let maxDepth = 200

  /// Parses one JSON value from `bytes[range]`; `nil` (with the failing offset) when malformed
  /// or nested deeper than `maxDepth`.
  static func parse(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) -> (JSONValue?, Int) {
    var p = JSONParser(bytes: bytes, pos: start, end: end ?? bytes.count)
    p.skipSpace()
    guard let v = p.value(depth: 0) else { return (nil, p.pos) }
    p.skipSpace()
    return (v, p.pos)
  }

  /// Parses a string holding JSON.
  static func parse(_ text: String) -> JSONValue? {
    parse(Array(text.utf8)).0
  }

  /// `s` as a JSON string literal.
  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 {
          let h = String(u.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}

struct JSONParser {
  let bytes: [UInt8]
  var pos: Int
  let end: Int

  mutating func skipSpace() {
    while pos < end, bytes[pos] == 32 || bytes[pos] == 9 || bytes[pos] == 10 || bytes[pos] == 13 { pos += 1 }
  }

  mutating func literal(_ word: StaticString, _ v: JSONValue) -> JSONValue? {
    let n = word.utf8CodeUnitCount
    guard pos + n <= end else { return nil }
    let w = word.utf8Start
    for i in 0..<n where bytes[pos + i] != w[i] { return nil }
    pos += n
    return v
  }

  mutating func value(depth: Int) -> JSONValue? {
    guard pos < end, depth < JSONText.maxDepth else { return nil }
    switch bytes[pos] {
    case UInt8(ascii: "{"):
      pos += 1
      var members: [(String, JSONValue)] = []
      skipSpace()
      if pos < end, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
      while true {
        skipSpace()
        guard pos < end, bytes[pos] == UInt8(ascii: "\""), let k = string() else { return nil }
        skipSpace()
        guard pos < end, bytes[pos] == UInt8(ascii: ":") else { return nil }
        pos += 1
        skipSpace()
        guard let v = value(depth: depth + 1) else { return nil }
        members.append((k, v))
        skipSpace()
        guard pos < end else { return nil }
        if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
        if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
        return nil
      }
    case UInt8(ascii: "["):
      pos += 1
      var items: [JSONValue] = []
      skipSpace()
      if pos < end, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
      while true {
        skipSpace()
        guard let v = value(depth: depth + 1) else { return nil }
        items.append(v)
        skipSpace()
        guard pos < end else { return nil }
        if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
        if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        return nil
      }
    case UInt8(ascii: "\""):
      return string().map { .string($0) }
    case UInt8(ascii: "t"): return literal("true", .bool(true))
    case UInt8(ascii: "f"): return literal("false", .bool(false))
    case UInt8(ascii: "n"): return literal("null", .null)
    default:
      let s = pos
      while pos < end {
        let c = bytes[pos]
        if (c >= 48 && c <= 57) || c == 45 || c == 43 || c == 46 || c == 101 || c == 69 {
          pos += 1
        } else {
          break
        }
      }
      guard pos > s, let d = Double(String(decoding: bytes[s..<pos], as: UTF8.self)) else { return nil }
      return .number(d)
    }
  }

  static func hex(_ c: UInt8) -> UInt32? {
    switch c {
    case 48...57: return UInt32(c - 48)
    case 65...70: return UInt32(c - 55)
    case 97...102: return UInt32(c - 87)
    default: return nil
    }
  }

  mutating func string() -> String? {
    pos += 1
    var out: [UInt8] = []
    var pendingHigh: UInt32? = nil
    func appendScalar(_ v: UInt32, to out: inout [UInt8]) {
      let u = Unicode.Scalar(v) ?? "\u{FFFD}"
      out.append(contentsOf: Array(String(Character(u)).utf8))
    }
    while pos < end {
      let c = bytes[pos]
      if c == UInt8(ascii: "\"") {
        pos += 1
        return String(decoding: out, as: UTF8.self)
      }
      if c == UInt8(ascii: "\\") {
        guard pos + 1 < end else { return nil }
        let e = bytes[pos + 1]
        pos += 2
        switch e {
        case UInt8(ascii: "n"): out.append(10)
        case UInt8(ascii: "t"): out.append(9)
        case UInt8(ascii: "r"): out.append(13)
        case UInt8(ascii: "b"): out.append(8)
        case UInt8(ascii: "f"): out.append(12)
        case UInt8(ascii: "u"):
          guard pos + 4 <= end else { return nil }
          var v: UInt32 = 0
          for i in 0..<4 {
            guard let h = JSONParser.hex(bytes[pos + i]) else { return nil }
            v = v * 16 + h
          }
          pos += 4
          if v >= 0xD800, v < 0xDC00 {
            pendingHigh = v
            continue
          }
          if v >= 0xDC00, v < 0xE000, let hi = pendingHigh {
            appendScalar(0x10000 + ((hi - 0xD800) << 10) + (v - 0xDC00), to: &out)
          } else {
            appendScalar(v, to: &out)
          }
          pendingHigh = nil
          continue
        default: out.append(e)
        }
        pendingHigh = nil
        continue
      }
      out.append(c)
      pos += 1
    }
    return nil
  }
}
