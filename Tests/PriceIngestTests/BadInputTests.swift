import Foundation
import MarketData
import Testing

@testable import PriceIngest

func tempFile(_ bytes: [UInt8], name: String = "in.csv") -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  let path = dir.appendingPathComponent(name).path
  FileManager.default.createFile(atPath: path, contents: Data(bytes))
  return path
}

func loadBytes(_ bytes: [UInt8], name: String = "bad.csv") throws(PriceIngestError) -> IngestedFile {
  try PriceIngestor().load(bytes: bytes, name: name)
}

@Suite struct BadInputTests {
  @Test func emptyAndBlankFiles() {
    #expect(throws: PriceIngestError.empty(file: "bad.csv")) { try loadBytes([]) }
    #expect(throws: PriceIngestError.empty(file: "bad.csv")) { try loadBytes(Array(" \n\r\n\n".utf8)) }
    #expect(PriceIngestError.empty(file: "x.csv").description.hasPrefix("x.csv:1:1:"))
  }

  @Test func headerOnlyHasNothingUsable() {
    #expect(throws: PriceIngestError.self) { try loadBytes(Array("Date,Close\n".utf8)) }
  }

  @Test func binaryFileNamesLineAndColumn() {
    var bytes = Array("Date,Close\n2024-01-02,1\n12".utf8)
    bytes += [0, 1, 2, 3, 0xFF, 0xD8]
    #expect(throws: PriceIngestError.binary(file: "bad.csv", line: 3, column: 3)) { try loadBytes(bytes) }
    let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
    #expect(throws: PriceIngestError.binary(file: "bad.csv", line: 3, column: 1)) { try loadBytes(png) }
  }

  @Test func hugeSingleLineIsRefusedWithBoundedReads() throws {
    // A 20 MB line with no newline (stands in for the 1 GB case): refused from the sample.
    let path = tempFile([UInt8](repeating: 0x37, count: 20 << 20))
    #expect(throws: PriceIngestError.lineTooLong(file: path, line: 1, bytes: 256 * 1024)) {
      try PriceIngestor().load(path: path)
    }
    // Same with many short fields on the line.
    let fields = Array(String(repeating: "1.5,", count: 5 << 20).utf8)
    let path2 = tempFile(fields)
    #expect(throws: PriceIngestError.self) { try PriceIngestor().load(path: path2) }
  }

  @Test func hugeLineInTheMiddleIsOneRejectedRow() throws {
    var bytes = Array("Date,Close\n2024-01-02,1\n".utf8)
    // Over the 1 MiB line limit (6 MB: SHA-256 in debug builds is slow).
    bytes += [UInt8](repeating: 0x41, count: 6 << 20)
    bytes += Array("\n2024-01-03,2\n".utf8)
    let f = try PriceIngestor().load(path: tempFile(bytes))
    #expect(f.series[0].close == [1, 2])
    #expect(f.rejects.count == 1)
    #expect(f.rejects[0].line == 3)
    #expect(f.rejects[0].reason.contains("longer than 1 MiB"))
    #expect(f.rejects[0].raw.utf8.count < 300)
    #expect(f.byteCount == bytes.count)
  }

  @Test func invalidUTF8TickerIsRejectedAndLatin1HeaderIsRead() throws {
    var bytes = Array("Ticker,Date,Close\nAAA,2024-01-02,1\n".utf8)
    bytes += [0x42, 0xFF, 0xFE] + Array(",2024-01-02,2\n".utf8)
    let f = try loadBytes(bytes)
    #expect(f.series.map(\.ticker) == ["AAA"])
    #expect(f.rejects.map(\.line) == [3])
    #expect(f.rejects[0].reason.contains("UTF-8"))
    #expect(f.findings.contains { $0.kind == "invalid_utf8" })
    // "Eröffnung" saved as Latin-1 (ö = 0xF6).
    var latin = Array("Datum;Er".utf8) + [0xF6] + Array("ffnung;Schluss\n01.02.2024;1,5;1,6\n".utf8)
    latin += Array("02.02.2024;1,6;1,7\n".utf8)
    let g = try loadBytes(latin)
    #expect(g.series[0].open == [1.5, 1.6])
    #expect(g.series[0].close == [1.6, 1.7])
  }

  @Test func raggedRowsAreRejectedWithFieldCounts() throws {
    let f = try loadBytes(
      Array(
        "Date,Open,Close\n2024-01-02,1,1.5\n2024-01-03,2\n2024-01-04,3,3.5,extra\n2024-01-05,4,4.5,\n".utf8))
    #expect(f.series[0].close == [1.5, 4.5])
    #expect(f.rejects.map(\.line) == [3, 4])
    #expect(f.rejects[0].reason.contains("expected 3 fields, found 2"))
    #expect(f.rejects[1].reason.contains("expected 3 fields, found 4"))
    #expect(f.rejects[0].message.hasPrefix("bad.csv:3:3:"))
  }

  @Test func unterminatedQuoteAfterGoodRowsIsOneReject() throws {
    let f = try loadBytes(Array("Date,Close\n2024-01-02,1\n2024-01-03,\"2\n2024-01-04,3\n".utf8))
    #expect(f.series[0].close == [1])
    #expect(f.rejects.count == 1)
    #expect(f.rejects[0].line == 3)
    #expect(f.rejects[0].column == 2)
    #expect(f.rejects[0].reason.contains("never closed"))
  }

  @Test func unterminatedQuoteWithNothingUsableIsAnError() {
    let bytes = Array("Date,Close\n\"2024-01-02,1\n2024-01-03,3\n".utf8)
    #expect(throws: PriceIngestError.unterminatedQuote(file: "bad.csv", line: 2, column: 1)) {
      try loadBytes(bytes)
    }
  }

  @Test func everyRowBadIsAnErrorNamingTheFirstProblem() {
    do {
      _ = try loadBytes(Array("Date,Close\n2024-01-02,abc\n2024-01-03,def\n".utf8))
      Issue.record("expected an error")
    } catch {
      guard case .noUsableRows(_, let n, let first) = error else {
        Issue.record("wrong error \(error)")
        return
      }
      #expect(n == 2)
      #expect(first.contains("bad.csv:2:2"))
      #expect(first.contains("expected a number"))
    }
  }

  @Test func missingFileIsAnError() {
    #expect(throws: PriceIngestError.self) { try PriceIngestor().load(path: "/nonexistent/prices.csv") }
  }

  @Test func pathAndBytesGiveTheSameResult() throws {
    var text = "Date,Close\n"
    for i in 0..<30000 {
      let d = CivilDate(dayNumber: Int32(10000 + i))
      text += "\(d.iso),\(Double(i % 1000) / 8 + 1)\n"
    }
    let bytes = Array(text.utf8)
    let a = try loadBytes(bytes, name: "S.csv")
    let path = tempFile(bytes, name: "S.csv")
    let b = try PriceIngestor().load(path: path)
    #expect(a.series[0].close == b.series[0].close)
    #expect(a.series[0].dates == b.series[0].dates)
    #expect(a.sha256 == b.sha256)
    #expect(b.series[0].count == 30000)
  }

  @Test func streamingIngestHandsOverBoundedFragments() throws {
    var text = "Date,Ticker,Close\n"
    for i in 0..<5000 {
      let d = CivilDate(dayNumber: Int32(18000 + i / 3))
      text += "\(d.iso),T\(i % 3),\(i)\n"
    }
    var fragments: [PriceSeries] = []
    let f = try PriceIngestor().ingest(path: tempFile(Array(text.utf8)), flushRows: 1000) {
      fragments.append($0)
    }
    #expect(f.series.map(\.ticker) == ["T0", "T1", "T2"])
    #expect(f.series.allSatisfy { $0.count == 0 })
    #expect(f.rowsRead == 5000)
    #expect(fragments.allSatisfy { $0.count <= 1000 })
    #expect(fragments.reduce(0) { $0 + $1.count } == 5000)
    let t1 = fragments.filter { $0.ticker == "T1" }.flatMap(\.close)
    #expect(t1 == (0..<5000).filter { $0 % 3 == 1 }.map(Double.init))
  }
}

@Suite struct DigestTests {
  @Test func fileDigestIsTheFileSHA256() throws {
    let text = "Date,Close\n2024-01-02,10\n2024-01-03,11\n"
    let f = try PriceIngestor().load(bytes: Array(text.utf8), name: "X.csv")
    #expect(f.sha256 == SHA256Digest.hex(Array(text.utf8)))
  }

  @Test func unevenPiecesAndCopies() {
    // FIPS 180-2: one million 'a'.
    let million = [UInt8](repeating: 97, count: 1_000_000)
    var d = SHA256Digest()
    var i = 0
    var piece = 1
    while i < million.count {
      let j = min(million.count, i + piece)
      d.update(Array(million[i..<j]))
      i = j
      piece = piece * 3 + 1
    }
    #expect(d.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    // A copy goes on independently (value semantics over the libcrypto context).
    var a = SHA256Digest()
    a.update(Array("ab".utf8))
    var b = a
    b.update(Array("c".utf8))
    a.update(Array("x".utf8))
    #expect(b.finalizeHex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(a.finalizeHex() == SHA256Digest.hex(Array("abx".utf8)))
  }
}

/// A header whose width differs from the rows': read by position, and said so.
@Suite struct HeaderWidthTests {
  @Test func headerLongerThanTheRowsIsNoted() throws {
    let f = try loadBytes(Array("Date|Open|Close\n2024-01-02|1\n2024-01-03|2\n".utf8), name: "X.csv")
    #expect(f.rowsStored == 2 && f.rejects.isEmpty)
    #expect(
      f.notes == [
        "the header (line 1) names 3 columns but the rows hold 2: values are matched to the first 2 names by position, \"Close\" has none"
      ])
    #expect(f.dialect.hasSuffix("; note: " + f.notes[0]))
  }

  @Test func headerShorterThanTheRowsIsNoted() throws {
    let f = try loadBytes(Array("Date,Close\n2024-01-02,1.5,7\n2024-01-03,1.25,8\n".utf8), name: "X.csv")
    #expect(f.rowsStored > 0)
    #expect(f.notes == ["the header (line 1) names 2 columns but the rows hold 3: the last is named column3"])
  }

  @Test func matchingHeaderHasNoNote() throws {
    #expect(try loadBytes(Array("Date,Close\n2024-01-02,1.5\n".utf8), name: "X.csv").notes.isEmpty)
  }
}
