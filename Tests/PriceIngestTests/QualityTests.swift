import MarketData
import Testing

@testable import PriceIngest

@Suite struct QualityTests {
  @Test func identicalAndConflictingDuplicatesKeepTheFirstRow() throws {
    let f = try load(
      """
      Date,Close
      2024-01-02,10
      2024-01-03,11
      2024-01-03,11
      2024-01-04,12
      2024-01-04,12.5
      """, name: "D.csv")
    #expect(f.series[0].close == [10, 11, 12])
    #expect(f.rejects.map(\.line) == [4, 6])
    #expect(f.rejects[0].reason.contains("identical duplicate of line 3"))
    #expect(f.rejects[1].reason.contains("conflicting duplicate of line 5"))
    #expect(f.findings.filter { $0.kind == "duplicate_date" }.map(\.line) == [4])
    #expect(f.findings.filter { $0.kind == "conflicting_duplicate" }.map(\.line) == [6])
    #expect(f.rowsRead == 5)
    #expect(f.rowsRead == f.rowsStored + f.rejects.count)
  }

  @Test func unsortedInputIsSortedAndReported() throws {
    let f = try load("Date,Close\n2024-01-03,11\n2024-01-02,10\n2024-01-04,12\n", name: "U.csv")
    #expect(f.series[0].dates == [day("2024-01-02"), day("2024-01-03"), day("2024-01-04")])
    #expect(f.series[0].close == [10, 11, 12])
    #expect(f.findings.contains { $0.kind == "unsorted" })
    #expect(!f.findings.contains { $0.kind == "newest_first" })
  }

  @Test func nonPositiveAndMissingPrices() throws {
    let f = try load(
      "Date,Open,Close\n2024-01-02,1,0\n2024-01-03,2,-1\n2024-01-04,3,\n2024-01-05,4,4\n", name: "N.csv")
    #expect(f.series[0].count == 4)
    #expect(
      f.findings.filter { $0.kind == "non_positive_price" }.compactMap(\.date) == [
        day("2024-01-02"), day("2024-01-03"),
      ])
    #expect(f.findings.filter { $0.kind == "missing_price" }.compactMap(\.date) == [day("2024-01-04")])
  }

  @Test func calendarGapsAndNonSessionRows() throws {
    // XNYS: 2024-01-01 is New Year's Day (no session); 2024-01-04 is missing.
    let f = try load("Date,Close\n2024-01-01,9\n2024-01-02,10\n2024-01-03,11\n2024-01-05,12\n", name: "G.csv")
    let gap = try #require(f.findings.first { $0.kind == "calendar_gap" })
    #expect(gap.date == day("2024-01-04"))
    #expect(gap.detail.hasPrefix("1 XNYS session missing"))
    #expect(f.findings.filter { $0.kind == "non_session_date" }.compactMap(\.date) == [day("2024-01-01")])
    // The same dates on the Shanghai calendar: 2024-01-01 is a holiday there too, and
    // nothing is flagged as missing on 2024-01-02/03/05 except 2024-01-04.
    var o = IngestOptions()
    o.exchange = .xshg
    let g = try load("Date,Close\n2024-01-02,10\n2024-01-03,11\n2024-01-05,12\n", name: "G.csv", options: o)
    #expect(g.findings.filter { $0.kind == "calendar_gap" }.count == 1)
  }

  @Test func splitLikeJumpsRespectTheThreshold() throws {
    let text = "Date,Close\n2024-01-02,10\n2024-01-03,100\n2024-01-04,50\n2024-01-05,20\n"
    let f = try load(text, name: "J.csv")
    // +900% (10:1 consolidation) is flagged; -50% and -60% are not (|r| <= 75%).
    let jumps = f.findings.filter { $0.kind == "possible_split" }
    #expect(jumps.compactMap(\.date) == [day("2024-01-03")])
    #expect(jumps[0].detail.contains("+900.0%"))
    #expect(jumps[0].detail.contains("≈10:1 consolidation"))
    var o = IngestOptions()
    o.jumpThreshold = 0.4
    let g = try load(text, name: "J.csv", options: o)
    #expect(g.findings.filter { $0.kind == "possible_split" }.count == 3)
  }

  @Test func duplicatesAcrossTickersAreNotDuplicates() throws {
    let f = try load("Ticker,Date,Close\nA,2024-01-02,1\nB,2024-01-02,2\nA,2024-01-03,1.1\n", name: "L.csv")
    #expect(f.rejects.isEmpty)
    #expect(f.series.map(\.count) == [2, 1])
  }
}
