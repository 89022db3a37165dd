import EventStudy
import Foundation
import MarketData
import Testing

@testable import Reports

/// The byte-level writer against the `String` one it replaces: the same bytes for every number,
/// every kind of text cell and every per-pair table; the digests and row counts the manifest takes
/// from it against the files on disk.
@Suite struct CSVBytesTests {
  /// A deterministic generator (SplitMix64), so a failure names a reproducible value.
  struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  func bytes(of x: Double) -> [UInt8] {
    var w = CSVBytes()
    w.number(x)
    return w.bytes
  }

  /// One million doubles: random bit patterns (every exponent, subnormals, NaN payloads), values
  /// shaped like returns and prices, integers and near-integers. Each is written exactly as
  /// `CSVTable.number` writes it and reads back as the same double.
  @Test func numbersMatchTheStringFormatterAndRoundTripOnAMillionDoubles() {
    var rng = SplitMix(state: 20_250_626)
    var mismatches: [Double] = []
    var notRoundTripped: [Double] = []
    for i in 0..<1_000_000 {
      let x: Double
      switch i % 5 {
      case 0: x = Double(bitPattern: rng.next())
      case 1: x = Double.random(in: -0.2...0.2, using: &rng)
      case 2:
        x = Double.random(in: -1...1, using: &rng) * pow(10, Double(Int.random(in: -30...30, using: &rng)))
      case 3: x = Double(Int64.random(in: -2_000_000_000_000_000...2_000_000_000_000_000, using: &rng))
      default: x = (Double.random(in: 1...5000, using: &rng) * 100).rounded() / 100
      }
      let b = bytes(of: x)
      if b != Array(CSVTable.number(x).utf8) { mismatches.append(x) }
      let text = String(decoding: b, as: UTF8.self)
      if x.isNaN {
        if !text.isEmpty { notRoundTripped.append(x) }
      } else if Double(text) != x && !(x == 0 && Double(text) == 0) {
        notRoundTripped.append(x)
      }
    }
    #expect(mismatches.isEmpty, "first: \(mismatches.prefix(5).map(\.bitPattern))")
    #expect(notRoundTripped.isEmpty, "first: \(notRoundTripped.prefix(5).map(\.bitPattern))")
  }

  @Test func specialNumbers() {
    let cases: [Double] = [
      0, -0.0, 1, -1, 0.1, -0.1, 1e15, -1e15, 1e15 - 1, 999_999_999_999_999.9, 1e16, 1e-5, 5e-324,
      .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude, .infinity, -.infinity, .nan,
      0.1 + 0.2, 1.0 / 3.0, Double(Int64.max), Double(Int64.min),
    ]
    for x in cases { #expect(bytes(of: x) == Array(CSVTable.number(x).utf8), "\(x)") }
  }

  @Test func textCellsAreNeutralisedAndQuotedAsBefore() {
    var cells = [
      "", "AAPL", "E001", "x,y", "say \"hi\"", "line\nbreak", "cr\rlf", "crlf\r\nx", "=SUM(A1)", "+cmd",
      "-cmd",
      "@x", "\tx", "\rx", "-0.0123", "+5", "-1e-05", "-inf", "=1,2", "\"", ",", "Zürich", "東京", "e\u{301}",
      "\"\u{301}", ",\u{301}", "-\u{301}", "=\"a\"", "naïve,\"quoted\"",
    ]
    var rng = SplitMix(state: 7)
    let alphabet: [String] = [
      "a", "1", ",", "\"", "\n", "\r", "=", "+", "-", "@", "\t", " ", "é", "\u{301}", ".", "e",
    ]
    for _ in 0..<20_000 {
      cells.append(
        (0..<Int.random(in: 0...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? "" }
          .joined())
    }
    for c in cells {
      var w = CSVBytes()
      w.text(c)
      #expect(w.bytes == Array(CSVTable.escape(CSVTable.neutralise(c)).utf8), "\(c.debugDescription)")
      #expect(CSVBytes.encoded(c) == w.bytes)
    }
  }

  @Test func tableBytesEqualTheRenderedText() {
    var t = CSVTable(header: ["a", "b", "c"])
    t.append(["x,y", "=1+1", "-0.5"])
    t.append(["", "", ""])
    t.append(["line\nbreak", "ok", "\"q\""])
    #expect(t.renderBytes() == Array(t.render().utf8))
    #expect(CSVTable(header: []).renderBytes() == Array(CSVTable(header: []).render().utf8))
  }

  /// A study with text that needs quoting and neutralising, missing values, two windows, an
  /// incomplete window, and event columns.
  static var awkward: StudyResult {
    var result = Fixture.sample
    var odd = Fixture.pair("=E4,\"x\"", "-BRK.B", ars: [0.01, .nan, -0.02], type: "a,b")
    odd.windows.append(
      WindowResult(
        window: EventWindow(-5, 5), complete: false, car: .nan, bhar: .nan, sdCAR: .nan, scar: .nan,
        csar: .nan,
        t: .nan, p: .nan))
    odd.eventMinute = 16 * 60 + 5
    odd.overlapsWith = ["E1", "E2"]
    odd.day0 = CivilDate(iso: "2025-04-03")
    odd.day0Rule = .afterClose
    odd.marketTicker = "SPY"
    result.pairs.append(odd)
    result.pairs.append(
      Fixture.pair("E5", "@X", ars: [], type: "t", outcome: .insufficientEstimation))
    result.events.append(
      StudyEvent(
        id: "=E4", date: CivilDate(iso: "2025-04-02"), tickers: ["-BRK.B"], attributes: [("note", "+1;=2")]))
    result.pairs[result.pairs.count - 2].eventIndex = 1
    return result
  }

  @Test func perPairTablesEqualTheRenderedTables() {
    for result in [Fixture.sample, CSVBytesTests.awkward] {
      let all = 0..<result.pairs.count
      let halves = [0..<result.pairs.count / 2, result.pairs.count / 2..<result.pairs.count]
      func joined(_ header: [String], _ make: (Range<Int>) -> CSVBytes) -> [UInt8] {
        StudyTables.headerBytes(header) + halves.flatMap { make($0).bytes }
      }
      let ar = StudyTables.abnormalReturns(result)
      #expect(
        joined(StudyTables.abnormalReturnsHeader) { StudyTables.abnormalReturnsBytes(result, pairs: $0) }
          == Array(ar.render().utf8))
      #expect(StudyTables.abnormalReturnsBytes(result, pairs: all).rows == ar.rows.count)
      let car = StudyTables.cumulative(result)
      #expect(
        joined(StudyTables.carHeader) { StudyTables.cumulativeBytes(result, pairs: $0) }
          == Array(car.render().utf8))
      #expect(StudyTables.cumulativeBytes(result, pairs: all).rows == car.rows.count)
      let ex = StudyTables.excluded(result)
      #expect(
        joined(StudyTables.excludedHeader) { StudyTables.excludedBytes(result, pairs: $0) }
          == Array(ex.render().utf8))
      let names = StudyTables.eventAttributeNames(result)
      let ev = StudyTables.eventsUsed(result)
      #expect(
        joined(StudyTables.eventsUsedHeader + names) {
          StudyTables.eventsUsedBytes(result, names: names, pairs: $0)
        }
          == Array(ev.render().utf8))
    }
  }

  @Test func libcryptoDigestEqualsThePortableOne() {
    var rng = SplitMix(state: 3)
    for length in [0, 1, 55, 56, 63, 64, 65, 1000, 100_003] {
      let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
      let parts = [Array(data.prefix(length / 3)), Array(data.dropFirst(length / 3))]
      #expect(FileDigest.hex(parts) == SHA256Digest.hex(data), "length \(length)")
    }
    #expect(
      FileDigest.hex([Array("abc".utf8)])
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  /// Every file `writeFiles` reports: its bytes, SHA-256 and rows are those of the file on disk,
  /// and the CSV files hold exactly what the `String` tables render.
  @Test func writtenFilesCarryTheirOwnFingerprints() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = CSVBytesTests.awkward
    let aggregates = StudyAggregates.compute(result, groupBy: ["type"], regress: [], bootstrapDraws: 99)
    var options = ReportOptions()
    options.groupBy = ["type"]
    let files = try ReportWriter.writeFiles(result, aggregates: aggregates, to: dir.path, options: options)
    #expect(files.map(\.name) == ReportWriter.fileNames.filter { $0 != "regression.csv" })
    for f in files {
      let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: f.path)))
      #expect(f.bytes == data.count, "\(f.name)")
      #expect(f.sha256 == SHA256Digest.hex(data), "\(f.name)")
      if f.name.hasSuffix(".csv") {
        let records = try CSVText.parse(String(decoding: data, as: UTF8.self))
        #expect(f.rows == records.count - 1, "\(f.name)")
      } else {
        #expect(f.rows == nil)
      }
    }
    func file(_ name: String) throws -> String {
      try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }
    #expect(try file("abnormal_returns.csv") == StudyTables.abnormalReturns(result).render())
    #expect(try file("car.csv") == StudyTables.cumulative(result).render())
    #expect(try file("excluded.csv") == StudyTables.excluded(result).render())
    #expect(try file("events.csv") == StudyTables.eventsUsed(result).render())
    #expect(try file("summary.csv") == SummaryTables.summary(aggregates.summary).render())
    #expect(try file("aar.csv") == SummaryTables.aar(aggregates.summary).render())
    #expect(
      try file("caar.svg") == StudyCharts.caar(result, groups: PairGroups(result, groupBy: ["type"])).render()
    )
    #expect(try file("car_paths.svg") == StudyCharts.carPaths(result).render())
  }

  /// Enough pairs for several chunks per table: the chunks join in pair order.
  @Test func manyPairsAreWrittenInOrder() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var pairs: [PairResult] = []
    for i in 0..<5000 {
      let ar = Double(i) * 1e-5
      pairs.append(
        Fixture.pair(
          "E\(i / 100)", "T\(i % 100)", ars: [ar, -ar / 3, ar / 7], type: i % 2 == 0 ? "a" : "b",
          outcome: i % 97 == 0 ? .missingEventData : .ok))
    }
    let result = Fixture.result(pairs)
    let files = try ReportWriter.writeFiles(
      result, aggregates: StudyAggregates.compute(result, groupBy: [], regress: [], bootstrapDraws: 0),
      to: dir.path)
    let ar = try String(contentsOf: dir.appendingPathComponent("abnormal_returns.csv"), encoding: .utf8)
    #expect(ar == StudyTables.abnormalReturns(result).render())
    let car = try String(contentsOf: dir.appendingPathComponent("car.csv"), encoding: .utf8)
    #expect(car == StudyTables.cumulative(result).render())
    #expect(files.first { $0.name == "car.csv" }?.rows == StudyTables.cumulative(result).rows.count)
    #expect(files.first { $0.name == "car.csv" }?.rows == 5000 - 52)
  }

  /// The one-pass selection of the largest |CAR| against a full sort, ties included.
  @Test func topPairsEqualAFullSort() {
    var rng = SplitMix(state: 11)
    var pairs: [PairResult] = []
    for i in 0..<3000 {
      // Few distinct values: many ties, broken by study order.
      let a = Double(Int.random(in: -40...40, using: &rng)) * 1e-3
      pairs.append(
        Fixture.pair("E\(i)", "T", ars: [a, 0, 0], type: "x", outcome: i % 13 == 0 ? .noPrices : .ok))
    }
    let result = Fixture.result(pairs)
    let ranked = result.pairs.enumerated().filter { $0.element.outcome == .ok }
      .map { (index: $0.offset, car: $0.element.windows[0].car) }
      .sorted { abs($0.car) != abs($1.car) ? abs($0.car) > abs($1.car) : $0.index < $1.index }
    for top in [0, 1, 8, 10, 50, 5000] {
      let got = StudyCharts.topPairs(result, top: top)
      #expect(
        got.map(\.pair.eventID) == ranked.prefix(top).map { result.pairs[$0.index].eventID }, "top \(top)")
    }
  }

  @Test func parallelMapKeepsOrder() {
    #expect(Parallel.map(1000) { $0 * 2 } == (0..<1000).map { $0 * 2 })
    #expect(Parallel.map(0) { $0 }.isEmpty)
  }
}
