import Glibc

/// A text encoding a price file may come in besides UTF-8 (and ASCII, its subset).
public enum SourceEncoding: String, Sendable, Equatable {
  /// UTF-8 or plain ASCII: read as is.
  case utf8 = "UTF-8"
  /// UTF-16 little-endian (Excel's "Unicode text" export), with or without a byte-order mark.
  case utf16LE = "UTF-16LE"
  /// UTF-16 big-endian, with or without a byte-order mark.
  case utf16BE = "UTF-16BE"
  /// GB18030, the superset of GBK and GB2312 that Chinese vendors' and brokers' exports use.
  case gb18030 = "GB18030"
  /// Shift_JIS as Windows writes it (CP932), which Japanese vendors' and brokers' exports use.
  case shiftJIS = "CP932"

  /// Detects the encoding of a file from its first bytes. UTF-16 is recognised by its byte-order
  /// mark or by NUL bytes in every other position; GB18030 when the sample is not valid UTF-8 and
  /// its non-ASCII bytes are mostly GB2312 double-byte characters (lead and trail byte both in
  /// A1–FE), which Latin-1 and Windows-1252 text (an accented letter between ASCII letters) is
  /// not. Anything else is `utf8` (a Latin-1 header still reads through the sniffer's fallback).
  /// `complete` tells that the sample is the whole file (its last character is then whole).
  public static func detect(_ sample: [UInt8], complete: Bool) -> SourceEncoding {
    if sample.count >= 2 {
      if sample[0] == 0xFF && sample[1] == 0xFE { return .utf16LE }
      if sample[0] == 0xFE && sample[1] == 0xFF { return .utf16BE }
    }
    if sample.count >= 4 {
      // Unmarked UTF-16: ASCII characters leave a NUL beside each byte.
      let n = min(sample.count & ~1, 4096)
      var evenNUL = 0
      var oddNUL = 0
      for i in stride(from: 0, to: n, by: 2) {
        if sample[i] == 0 { evenNUL += 1 }
        if sample[i + 1] == 0 { oddNUL += 1 }
      }
      let pairs = n / 2
      if oddNUL * 10 >= pairs * 9 && evenNUL * 10 < pairs { return .utf16LE }
      if evenNUL * 10 >= pairs * 9 && oddNUL * 10 < pairs { return .utf16BE }
    }
    // Valid UTF-8 (a sample cut inside a character still counts).
    var end = sample.count
    if !complete {
      // Drop an incomplete character at the cut: up to three continuation bytes and their lead.
      var k = end
      while k > 0 && end - k < 4 && sample[k - 1] & 0xC0 == 0x80 { k -= 1 }
      if k > 0 && sample[k - 1] >= 0xC0 { end = k - 1 }
    }
    if String(validating: sample[0..<end], as: UTF8.self) != nil { return .utf8 }
    // UTF-8 with a few bad bytes (a corrupt ticker) is still UTF-8: its valid multi-byte characters
    // outnumber the bytes that fit none, where in GB18030 text most pairs are not UTF-8.
    if utf8Evidence(sample[0..<end]) { return .utf8 }
    var hanzi = 0
    var other = 0
    var i = 0
    while i < sample.count {
      let b = sample[i]
      if b < 0x80 {
        i += 1
        continue
      }
      if i + 1 < sample.count, (0xA1...0xFE).contains(b), (0xA1...0xFE).contains(sample[i + 1]) {
        hanzi += 1
        i += 2
      } else if i + 1 < sample.count, (0x81...0xFE).contains(b),
        (0x40...0xFE).contains(sample[i + 1]) && sample[i + 1] != 0x7F
      {
        // GBK's extension area (or a four-byte GB18030 sequence's first half).
        other += 1
        i += 2
      } else {
        other += 1
        i += 1
      }
    }
    if hanzi >= 2 && hanzi * 10 >= (hanzi + other) * 8 { return .gb18030 }
    return shiftJISEvidence(sample) ? .shiftJIS : .utf8
  }

  /// `true` when the non-ASCII bytes read as Shift_JIS double-byte characters (lead 81–9F or
  /// E0–FC, trail 40–7E or 80–FC) or half-width katakana (A1–DF), with at least two characters
  /// led by 81–9F, a range GB2312 never leads with.
  static func shiftJISEvidence(_ sample: [UInt8]) -> Bool {
    var japanese = 0
    var lowLeads = 0
    var other = 0
    var i = 0
    while i < sample.count {
      let b = sample[i]
      if b < 0x80 || (0xA1...0xDF).contains(b) {
        i += 1
        continue
      }
      if i + 1 < sample.count, (0x81...0x9F).contains(b) || (0xE0...0xFC).contains(b),
        (0x40...0x7E).contains(sample[i + 1]) || (0x80...0xFC).contains(sample[i + 1])
      {
        japanese += 1
        if b <= 0x9F { lowLeads += 1 }
        i += 2
      } else {
        other += 1
        i += 1
      }
    }
    return lowLeads >= 2 && other * 20 <= japanese
  }
}

extension SourceEncoding {
  /// `true` when well-formed UTF-8 multi-byte characters outnumber the non-ASCII bytes that are
  /// part of none.
  static func utf8Evidence(_ bytes: ArraySlice<UInt8>) -> Bool {
    var good = 0
    var bad = 0
    var i = bytes.startIndex
    while i < bytes.endIndex {
      let b = bytes[i]
      let length: Int
      switch b {
      case 0..<0x80:
        i += 1
        continue
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: length = 0
      }
      var ok = length > 0 && i + length <= bytes.endIndex
      if ok {
        for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { ok = false }
      }
      if ok {
        good += 1
        i += length
      } else {
        bad += 1
        i += 1
      }
    }
    return good > bad
  }
}

/// Converts a byte stream from `SourceEncoding` to UTF-8 piece by piece with the C library's
/// `iconv` (glibc ships GB18030 and UTF-16). A character cut between two pieces is completed by
/// the next piece; a byte sequence that is not a character becomes U+FFFD, so its row is refused
/// by the parser (with its line number: line ends are kept) instead of stopping the file.
final class Transcoder {
  let encoding: SourceEncoding
  private let converter: iconv_t
  /// Bytes of an incomplete character held back from the previous piece.
  private var carry: [UInt8] = []
  /// `true` once the first piece (whose byte-order mark is dropped) went through.
  private var started = false

  /// A transcoder from `encoding` to UTF-8; `nil` when the C library cannot convert from it.
  init?(from encoding: SourceEncoding) {
    guard encoding != .utf8 else { return nil }
    let handle = iconv_open("UTF-8", encoding.rawValue)
    guard let handle, Int(bitPattern: handle) != -1 else { return nil }
    self.encoding = encoding
    self.converter = handle
  }

  deinit { iconv_close(converter) }

  /// The UTF-8 bytes of `piece` (after what earlier pieces left incomplete). With `final`, an
  /// incomplete character at the end becomes U+FFFD.
  func convert(_ piece: UnsafeRawBufferPointer, final: Bool = false) -> [UInt8] {
    var input = carry
    input.append(contentsOf: piece)
    carry = []
    if !started {
      started = true
      input.removeFirst(byteOrderMarkLength(input))
    }
    var out = [UInt8](repeating: 0, count: input.count * 2 + 16)
    var produced = 0
    input.withUnsafeMutableBytes { inRaw in
      guard var inPtr = inRaw.baseAddress?.assumingMemoryBound(to: CChar.self) else { return }
      var inLeft = inRaw.count
      while inLeft > 0 {
        if out.count - produced < 16 { out.append(contentsOf: repeatElement(0, count: out.count)) }
        let (rc, err) = out.withUnsafeMutableBytes { outRaw -> (Int, Int32) in
          guard let base = outRaw.baseAddress?.assumingMemoryBound(to: CChar.self) else { return (0, 0) }
          var outPtr: UnsafeMutablePointer<CChar>? = base + produced
          var outLeft = outRaw.count - produced
          var inOpt: UnsafeMutablePointer<CChar>? = inPtr
          let r = iconv(converter, &inOpt, &inLeft, &outPtr, &outLeft)
          let e = errno
          if let inOpt { inPtr = inOpt }
          produced = outRaw.count - outLeft
          return (r, e)
        }
        if rc != -1 { break }
        switch err {
        case E2BIG:
          out.append(contentsOf: repeatElement(0, count: out.count))
        case EINVAL where !final:
          // An incomplete character at the end of the piece: keep it for the next one.
          carry = Array(UnsafeRawBufferPointer(start: inPtr, count: inLeft))
          inLeft = 0
        default:
          // Not a character (or incomplete at the very end): U+FFFD, and go on after the byte.
          let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
          if out.count - produced < 3 { out.append(contentsOf: repeatElement(0, count: out.count + 3)) }
          for (k, b) in replacement.enumerated() { out[produced + k] = b }
          produced += 3
          inPtr += 1
          inLeft -= 1
          // Unit-aligned encodings skip a whole code unit.
          if encoding != .gb18030 && inLeft > 0 {
            inPtr += 1
            inLeft -= 1
          }
        }
      }
    }
    out.removeLast(out.count - produced)
    return out
  }

  /// The length of a byte-order mark at the start of `bytes` in this encoding.
  private func byteOrderMarkLength(_ bytes: [UInt8]) -> Int {
    switch encoding {
    case .utf16LE: return bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE ? 2 : 0
    case .utf16BE: return bytes.count >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF ? 2 : 0
    case .gb18030: return bytes.count >= 4 && bytes[0...3] == [0x84, 0x31, 0x95, 0x33] ? 4 : 0
    case .utf8, .shiftJIS: return 0
    }
  }
}
