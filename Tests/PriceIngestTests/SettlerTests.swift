import Foundation
import MarketData
import Testing

@testable import PriceIngest

/// The settling stage: session counts against the calendar asked day by day, and a streaming
/// ingest (fragments settled on their own thread) against a whole-file load.
@Suite struct SettlerTests {
  /// Sessions strictly between two days, asked of the calendar day by day.
  static func bruteSessions(_ cal: TradingCalendar, _ p: Int, _ d: Int) -> Int {
    var n = 0
    var day = p + 1
    while day < d {
      if cal.isSession(CivilDate(dayNumber: Int32(day))) { n += 1 }
      day += 1
    }
    return n
  }

  @Test(arguments: ["XNYS", "XSHG", "XASX", "XLON"])
  func sessionCountsAgreeWithTheCalendar(mic: String) throws {
    let ex = try #require(Exchange.named(mic))
    let cal = TradingCalendar(exchange: ex)
    let counts = SessionCounts(cal)
    var rng = SystemRandomNumberGenerator()
    let y2000 = Int(try #require(CivilDate(year: 2000, month: 1, day: 1)).dayNumber)
    // Days asked in a random order: the span grows to the left and to the right, and some days
    // lie far outside it (asked of the calendar directly).
    for round in 0..<400 {
      let far = round % 50 == 49
      let p = y2000 + Int.random(in: -4000...14000, using: &rng) + (far ? 200_000 : 0)
      let d = p + Int.random(in: 1...40, using: &rng)
      if round % 3 == 0 { counts.include(p, d) }
      #expect(counts.sessions(after: p, before: d) == Self.bruteSessions(cal, p, d), "\(mic) \(p) \(d)")
      let date = CivilDate(dayNumber: Int32(d))
      #expect(counts.isCoveredNonSession(d) == (cal.covers(date) && !cal.isSession(date)), "\(mic) \(d)")
    }
  }

  @Test func newYearAndAWeekendAreNoSessionsInNewYork() throws {
    let counts = SessionCounts(TradingCalendar(exchange: .xnys))
    let dec29 = Int(try #require(CivilDate(year: 2023, month: 12, day: 29)).dayNumber)
    counts.include(dec29, dec29 + 10)
    // Fri 29 Dec 2023 → Fri 5 Jan 2024: Sat, Sun, Mon 1 Jan (holiday) are none; Tue 2, Wed 3
    // and Thu 4 Jan are three.
    #expect(counts.sessions(after: dec29, before: dec29 + 7) == 3)
    #expect(counts.isCoveredNonSession(dec29 + 3))
    #expect(!counts.isCoveredNonSession(dec29 + 4))
  }

  /// A long file with duplicates that fall into different fragments, rows out of order across
  /// fragments, a gap spanning a flush and a jump: streamed in small fragments (settled on the
  /// settling thread), it rejects the lines a whole-file load rejects, its fragments put together
  /// are the whole file's series, and the securities whose rows come in order get the whole
  /// file's findings (a duplicate of a row in an earlier fragment is worded apart, and findings
  /// come fragment by fragment).
  @Test func streamingSettlesLikeAWholeFileLoad() throws {
    var lines = ["Date,Ticker,Close"]
    var day = try #require(CivilDate(year: 2021, month: 1, day: 4))
    var price = 10.0
    for i in 0..<600 {
      if i == 300 { day = day.adding(days: 9) }
      if i == 450 { price *= 12 }
      for t in ["AAA", "BBB", "CCC"] where !(t == "CCC" && i % 7 == 3) {
        lines.append("\(day.iso),\(t),\(price + Double(i % 5))")
      }
      if i % 97 == 5 { lines.append("\(day.iso),BBB,\(price + 0.5)") }
      if i % 131 == 7 { lines.append("\(day.adding(days: -20).iso),AAA,\(price)") }
      day = day.adding(days: day.weekday == 5 ? 3 : 1)
    }
    let path = NSTemporaryDirectory() + "settler-\(UUID().uuidString).csv"
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let whole = try PriceIngestor().load(path: path)
    final class Fragments: @unchecked Sendable { var all: [PriceSeries] = [] }
    for flush in [64, 500] {
      let box = Fragments()
      let streamed = try PriceIngestor().ingest(path: path, flushRows: flush) { box.all.append($0) }
      #expect(streamed.rejects.map(\.line) == whole.rejects.map(\.line))
      #expect(streamed.rowsRead == whole.rowsRead)
      func inOrder(_ f: [QualityFinding]) -> [String] {
        f.filter { $0.ticker != "AAA" }.map { "\($0.kind) \($0.ticker) \($0.date?.iso ?? "") \($0.detail)" }
          .sorted()
      }
      #expect(inOrder(streamed.findings) == inOrder(whole.findings))
      for s in whole.series {
        let parts = box.all.filter { $0.ticker == s.ticker }
        let pairs = parts.flatMap { p in zip(p.dates, p.close).map { ($0, $1) } }.sorted { $0.0 < $1.0 }
        #expect(pairs.map(\.0) == s.dates)
        #expect(pairs.map(\.1) == s.close)
      }
    }
    #expect(whole.rejects.count > 5)
    #expect(whole.findings.contains { $0.kind == "calendar_gap" })
    #expect(whole.findings.contains { $0.kind == "possible_split" })
  }

  /// Rows whose values are all plain decimals go to the row buffer directly; a row with any
  /// other value (a currency sign, thousands separators, an empty or `n/a` field, text) is read
  /// the general way, in the same file.
  @Test func plainAndOtherValuesInOneFile() throws {
    let f = try load(
      """
      Date,Ticker,Open,Close,Volume
      2024-01-02,AAA,10.5,11,1200
      2024-01-03,AAA,"$1,234.50",-2.25,300
      2024-01-04,AAA,,12.125,
      2024-01-05,AAA,n/a,13,7
      2024-01-08,AAA,abc,14,1
      2024-01-09,AAA,0.001,15.5,1e3
      """, name: "P.csv")
    let s = try #require(f.series.first)
    #expect(s.dates.map(\.iso) == ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-09"])
    #expect(s.close == [11, -2.25, 12.125, 13, 15.5])
    #expect(
      s.open[0] == 10.5 && s.open[1] == 1234.5 && s.open[2].isNaN && s.open[3].isNaN && s.open[4] == 0.001)
    #expect(
      s.volume[0] == 1200 && s.volume[1] == 300 && s.volume[2].isNaN && s.volume[3] == 7
        && s.volume[4] == 1000)
    #expect(f.rejects.map(\.line) == [6])
    #expect(f.rejects.first?.reason.contains("\"abc\"") == true)
  }

  @Test func aSinkFailureStopsTheFileAndNamesIt() throws {
    struct Full: Error {}
    var lines = ["Date,Close"]
    var day = try #require(CivilDate(year: 2020, month: 1, day: 2))
    for i in 0..<5000 {
      lines.append("\(day.iso),\(100 + i % 9)")
      day = day.adding(days: 1)
    }
    let path = NSTemporaryDirectory() + "sinkfail-\(UUID().uuidString).csv"
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    final class Calls: @unchecked Sendable { var n = 0 }
    let calls = Calls()
    #expect {
      _ = try PriceIngestor().ingest(path: path, flushRows: 100) { _ in
        calls.n += 1
        if calls.n == 3 { throw Full() }
      }
    } throws: { error in
      "\(error)".contains("storing failed")
    }
    // Nothing is handed over after the failing fragment.
    #expect(calls.n == 3)
  }
}
