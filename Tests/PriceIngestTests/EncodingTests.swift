import Foundation
import MarketData
import Testing

@testable import PriceIngest

/// Files in encodings other than UTF-8 are converted before they are read: UTF-16 (Excel's
/// "Unicode text") and GB18030/GBK (Chinese vendors' and brokers' exports).
@Suite struct EncodingTests {
  /// GB18030 bytes of a string (GB2312 characters: two bytes each, lead and trail in A1–FE).
  static let gb: [Character: [UInt8]] = [
    "交": [0xBD, 0xBB], "易": [0xD2, 0xD7], "日": [0xC8, 0xD5], "期": [0xC6, 0xDA],
    "收": [0xCA, 0xD5], "盘": [0xC5, 0xCC], "价": [0xBC, 0xDB], "名": [0xC3, 0xFB], "称": [0xB3, 0xC6],
    "北": [0xB1, 0xB1], "方": [0xB7, 0xBD], "稀": [0xCF, 0xA1], "土": [0xCD, 0xC1],
  ]

  static func gbBytes(_ s: String) -> [UInt8] {
    s.flatMap { c in gb[c] ?? Array(String(c).utf8) }
  }

  static func utf16(_ s: String, bigEndian: Bool, mark: Bool) -> [UInt8] {
    var out: [UInt8] = mark ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
    for u in s.utf16 {
      out += bigEndian ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)]
    }
    return out
  }

  @Test func gb18030IsRecognisedAndConverted() throws {
    let text = "交易日期,名称,收盘价\n2024-01-02,北方稀土,20.5\n2024-01-03,北方稀土,20.75\n"
    let bytes = Self.gbBytes(text)
    // The code table above is GB18030: glibc's converter gives the same characters back.
    #expect(
      Transcoder(from: .gb18030)?.convert(bytes.withUnsafeBytes { $0 }, final: true) == Array(text.utf8))
    #expect(SourceEncoding.detect(bytes, complete: true) == .gb18030)
    let file = try PriceIngestor().load(bytes: bytes, name: "600111.SS.csv")
    let s = try #require(file.series.first)
    #expect(s.ticker == "600111.SS" && s.exchange == .xshg)
    #expect(s.name == "北方稀土")
    #expect(s.dates.map(\.iso) == ["2024-01-02", "2024-01-03"])
    #expect(s.close == [20.5, 20.75])
    #expect(file.dialect.contains("encoding GB18030"))
    // The digest and size are the file's own bytes, not the converted text's.
    var sha = SHA256Digest()
    sha.update(bytes)
    #expect(file.sha256 == sha.finalizeHex())
    #expect(file.byteCount == bytes.count)
  }

  @Test func latinOneAndUTF8AreNotTakenForGB18030() {
    // "Datum;Eröffnung;Schluß" in Latin-1: accented letters between ASCII letters.
    let latin: [UInt8] =
      Array("Datum;Er".utf8) + [0xF6] + Array("ffnung;Schlu".utf8) + [0xDF] + Array("\n".utf8)
    #expect(SourceEncoding.detect(latin, complete: true) == .utf8)
    #expect(SourceEncoding.detect(Array("日期,收盘\n".utf8), complete: true) == .utf8)
    // A UTF-8 sample cut inside a character is still UTF-8.
    let cut = Array(Array("日期,收盘".utf8).dropLast(1))
    #expect(SourceEncoding.detect(cut, complete: false) == .utf8)
    // A UTF-8 Chinese file with one corrupt byte stays UTF-8 (its row is refused, not the file
    // misread).
    let corrupt =
      Array("日期,名称,收盘价\n2024-01-02,北方稀土,20.5\n2024-01-03,北方".utf8) + [0xFF]
      + Array("稀土,20.75\n".utf8)
    #expect(SourceEncoding.detect(corrupt, complete: true) == .utf8)
    // One stray pair among ASCII is not enough evidence.
    #expect(SourceEncoding.detect(Array("Date,Close\n".utf8) + [0xB1, 0xB1], complete: true) == .utf8)
  }

  @Test func conversionAcrossPiecesEqualsConversionAtOnce() throws {
    let text = "交易日期,收盘价\n" + String(repeating: "2024-01-02,北方稀土\n", count: 50)
    let bytes = Self.gbBytes(text)
    for size in [1, 2, 3, 7, 64] {
      let t = try #require(Transcoder(from: .gb18030))
      var out: [UInt8] = []
      var i = 0
      while i < bytes.count {
        let end = min(bytes.count, i + size)
        out += bytes[i..<end].withUnsafeBytes { t.convert($0, final: end == bytes.count) }
        i = end
      }
      #expect(out == Array(text.utf8), "pieces of \(size) bytes")
    }
  }

  @Test func aByteThatIsNoCharacterBecomesAReplacementAndOnlyItsRowIsRefused() throws {
    // Row 3's value holds 0xFF, which no GB18030 character starts with.
    var bytes = Self.gbBytes("交易日期,收盘价\n2024-01-02,20.5\n2024-01-03,2")
    bytes += [0xFF] + Self.gbBytes("0.7\n2024-01-04,21\n北方稀土\n")
    let t = try #require(Transcoder(from: .gb18030))
    let text = String(decoding: bytes.withUnsafeBytes { t.convert($0, final: true) }, as: UTF8.self)
    #expect(text.contains("2024-01-03,2\u{FFFD}0.7\n"))
    let file = try PriceIngestor().load(bytes: bytes, name: "X.SS.csv")
    #expect(file.series.first?.close == [20.5, 21])
    #expect(file.rejects.map(\.line) == [3, 5])
  }

  @Test func shiftJISIsRecognisedAndConverted() throws {
    // "日付,始値,高値,安値,終値,出来高" in Shift_JIS (CP932), then two rows.
    let header: [UInt8] = [
      0x93, 0xFA, 0x95, 0x74, 0x2C, 0x8E, 0x6E, 0x92, 0x6C, 0x2C, 0x8D, 0x82, 0x92, 0x6C, 0x2C, 0x88, 0xC0,
      0x92,
      0x6C, 0x2C, 0x8F, 0x49, 0x92, 0x6C, 0x2C, 0x8F, 0x6F, 0x97, 0x88, 0x8D, 0x82, 0x0A,
    ]
    let bytes =
      header
      + Array(
        "2025/01/06,3000,3050,2990,3020,1200000\n2025/01/07,3020,3040,3000,3010,900000\n".utf8)
    #expect(SourceEncoding.detect(bytes, complete: true) == .shiftJIS)
    #expect(
      Transcoder(from: .shiftJIS)?.convert(header.withUnsafeBytes { $0 }, final: true)
        == Array("日付,始値,高値,安値,終値,出来高\n".utf8))
    let file = try PriceIngestor().load(bytes: bytes, name: "7203.T.csv")
    let s = try #require(file.series.first)
    #expect(s.exchange == .xtks && s.close == [3020, 3010] && s.volume == [1_200_000, 900_000])
    #expect(file.dialect.contains("encoding CP932"))
    // GB18030 text is not taken for Shift_JIS.
    #expect(SourceEncoding.detect(Self.gbBytes("交易日期,收盘价\n2024-01-02,20.5\n"), complete: true) == .gb18030)
  }

  @Test func utf16WithAndWithoutMarkIsRead() throws {
    let text = "Date\tClose\n2024-01-02\t1.5\n2024-01-03\t1.25\n"
    for (bigEndian, mark) in [(false, true), (true, true), (false, false), (true, false)] {
      let bytes = Self.utf16(text, bigEndian: bigEndian, mark: mark)
      let expected: SourceEncoding = bigEndian ? .utf16BE : .utf16LE
      #expect(SourceEncoding.detect(bytes, complete: true) == expected)
      let file = try PriceIngestor().load(bytes: bytes, name: "MP.csv")
      let s = try #require(file.series.first)
      #expect(s.ticker == "MP" && s.close == [1.5, 1.25], "\(expected) mark \(mark)")
      #expect(file.dialect.contains("encoding \(expected.rawValue)"))
      #expect(file.byteCount == bytes.count)
    }
  }

  @Test func aConvertedFileStreamsFromDiskInPieces() throws {
    // Larger than the sniffer's sample and the read chunk: characters are cut between pieces.
    var text = "交易日期,名称,收盘价\n"
    var day = try #require(CivilDate(year: 2000, month: 1, day: 3))
    var rows = 0
    while text.utf8.count < 3 << 20 {
      text += "\(day.iso),北方稀土,\(rows % 97 + 1).5\n"
      day = day.adding(days: 1)
      rows += 1
    }
    let path = tempFile(Self.gbBytes(text), name: "600111.SS.csv")
    let file = try PriceIngestor().load(path: path)
    #expect(file.rejects.isEmpty)
    let s = try #require(file.series.first)
    #expect(s.count == rows && s.name == "北方稀土")
    #expect(s.close.prefix(3) == [1.5, 2.5, 3.5])
  }
}
