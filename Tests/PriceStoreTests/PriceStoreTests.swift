import Foundation
import MarketData
import Testing

@testable import PriceStore

func tempDB() -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pricestore-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir.appendingPathComponent("prices.sqlite").path
}

func day(_ s: String) -> CivilDate { CivilDate(iso: s) ?? CivilDate(dayNumber: 0) }

func file(_ series: [PriceSeries], sha: String, rejects: [RejectedRow] = [], rowsRead: Int? = nil)
  -> IngestedFile
{
  IngestedFile(
    path: "in.csv", sha256: sha, byteCount: 100, dialect: "test",
    rowsRead: rowsRead ?? series.reduce(0) { $0 + $1.count },
    series: series, rejects: rejects, findings: [QualityFinding(kind: "unsorted", ticker: "MP", detail: "x")])
}

let mp = PriceSeries(
  ticker: "MP", exchange: .xnys, dates: [day("2024-02-28"), day("2024-02-29"), day("2024-03-01")],
  open: [15.44, 15.55, 15.35], high: [15.70, 15.75, 15.615], low: [15.2025, 15.16, 14.91],
  close: [15.23, 15.21, 15.47],
  volume: [1_894_623, 2_130_228, 2_187_767])

@Suite struct PriceStoreTests {
  @Test func roundTripAndExport() throws {
    let store = try PriceStore(path: tempDB())
    let out = try store.store(file([mp], sha: "a"))
    #expect(out.rowsInserted == 3)
    #expect(out.rowsReplaced == 0)
    #expect(!out.unchanged)
    #expect(out.findingsStored == 1)
    let back = try #require(try store.series(for: "MP"))
    #expect(back == mp)
    #expect(try store.tickers() == ["MP"])
    #expect(try store.series(for: "NOPE") == nil)
    let csv = try store.exportCSV(ticker: "MP")
    #expect(
      csv == """
        date,open,high,low,close,adj_close,volume
        2024-02-28,15.44,15.7,15.2025,15.23,,1894623
        2024-02-29,15.55,15.75,15.16,15.21,,2130228
        2024-03-01,15.35,15.615,14.91,15.47,,2187767

        """)
  }

  @Test func identicalFileChangesNothing() throws {
    let store = try PriceStore(path: tempDB())
    _ = try store.store(file([mp], sha: "same"))
    let again = try store.store(file([mp], sha: "same"))
    #expect(again.unchanged)
    #expect(again.rowsInserted == 0)
  }

  @Test func changedFileReplacesOverlapAndCountsChanges() throws {
    let store = try PriceStore(path: tempDB())
    _ = try store.store(file([mp], sha: "v1"))
    var v2 = PriceSeries(
      ticker: "MP", exchange: .xnys, dates: [day("2024-02-29"), day("2024-03-01"), day("2024-03-04")],
      close: [15.21, 15.50, 15.9])
    v2.open = [15.55, 15.35, 15.6]
    v2.high = [15.75, 15.615, 16]
    v2.low = [15.16, 14.91, 15.5]
    v2.volume = [2_130_228, 2_187_767, 1_000_000]
    let out = try store.store(file([v2], sha: "v2"))
    #expect(out.rowsInserted == 1)
    #expect(out.rowsReplaced == 2)
    #expect(out.rowsChanged == 1)  // 2024-03-01 close 15.47 → 15.50
    let s = try #require(try store.series(for: "MP"))
    #expect(s.count == 4)
    #expect(s.close == [15.23, 15.21, 15.50, 15.9])
  }

  @Test func logRejectsAndSchemaAreQueryable() throws {
    let path = tempDB()
    let store = try PriceStore(path: path)
    let rej = RejectedRow(file: "in.csv", line: 7, column: 2, raw: "2024-03-02,abc", reason: "cannot read")
    _ = try store.store(file([mp], sha: "r", rejects: [rej], rowsRead: 4))
    let counts = try store.query("SELECT rows_read, rows_stored, rows_rejected FROM ingest_log")
    #expect(counts == [["4", "3", "1"]])
    #expect(
      try store.query("SELECT line, col, raw, reason FROM rejects") == [
        ["7", "2", "2024-03-02,abc", "cannot read"]
      ])
    #expect(
      try store.query("SELECT ticker, date, close FROM prices ORDER BY date LIMIT 1") == [
        ["MP", "2024-02-28", "15.23"]
      ])
    #expect(try store.query("PRAGMA journal_mode") == [["wal"]])
  }

  @Test func returnSeriesRoundTrip() throws {
    let store = try PriceStore(path: tempDB())
    let r = PriceSeries(
      ticker: "10001", exchange: .xnys, dates: [day("2024-01-02"), day("2024-01-03")], returns: [0.01, -0.02])
    _ = try store.store(file([r], sha: "ret"))
    let back = try #require(try store.series(for: "10001"))
    #expect(back.isReturnSeries)
    #expect(back.returns == [0.01, -0.02])
    #expect(
      try store.exportCSV(ticker: "10001").hasPrefix("date,open,high,low,close,adj_close,volume,return\n"))
  }

  @Test func studySeriesReadsSeveralTickersAtOnce() throws {
    let store = try PriceStore(path: tempDB())
    let r = PriceSeries(
      ticker: "10001", exchange: .xnys, dates: [day("2024-01-02"), day("2024-01-03")], returns: [0.01, -0.02])
    _ = try store.store(file([mp, r], sha: "both"))
    let got = try store.studySeries(for: ["MP", "NOPE", "10001"])
    #expect(got.count == 3)
    let m = try #require(got[0])
    #expect(m.ticker == "MP" && m.exchange == .xnys)
    #expect(m.dates == mp.dates)
    #expect(m.close == [15.23, 15.21, 15.47])
    #expect(m.adjustedClose.allSatisfy(\.isNaN) && m.open.allSatisfy(\.isNaN) && m.volume.allSatisfy(\.isNaN))
    #expect(m.simpleReturns().dropFirst().map { ($0 * 1e6).rounded() } == [-1313, 17094])
    #expect(got[1] == nil)
    let ret = try #require(got[2])
    #expect(ret.isReturnSeries && ret.returns == [0.01, -0.02])
    // The read transaction is closed again: a write goes through.
    #expect(try store.store(file([mp], sha: "again")).unchanged == false)
  }

  @Test func studySeriesOfManyTickersReadsOnTwoConnections() throws {
    let path = tempDB()
    let store = try PriceStore(path: path)
    // Ticker k: closes k+1, k+2 on two days (k = 0…99), stored in one file.
    let dates = [day("2024-03-01"), day("2024-03-04")]
    let series = (0..<100).map { k in
      PriceSeries(ticker: "T\(k)", exchange: .xnys, dates: dates, close: [Double(k) + 1, Double(k) + 2])
    }
    _ = try store.store(file(series, sha: "many"))
    let wanted = (0..<100).map { "T\($0)" } + ["NOPE"] + ["T7"]
    let got = try store.studySeries(for: wanted)
    #expect(store.studyReadConnections == 2)
    #expect(got.count == 102)
    for k in 0..<100 {
      let s = try #require(got[k])
      #expect(s.ticker == "T\(k)" && s.dates == dates && s.close == [Double(k) + 1, Double(k) + 2])
    }
    #expect(got[100] == nil)
    #expect(got[101]?.close == [8, 9])
    // Few tickers, or an in-memory store: one connection, same series.
    #expect(try store.studySeries(for: ["T3", "T4"]).map { $0?.close } == [[4, 5], [5, 6]])
    #expect(store.studyReadConnections == 1)
    let memory = try PriceStore(path: ":memory:")
    _ = try memory.store(file(series, sha: "many"))
    #expect(try memory.studySeries(for: wanted).map { $0?.close } == got.map { $0?.close })
    #expect(memory.studyReadConnections == 1)
    // A second connection that sees another committed state is refused (the caller reads alone).
    try store.exec("BEGIN")
    let mark = try store.ingestMark()
    try store.exec("COMMIT")
    #expect(mark == [1, 1])
    #expect(try store.secondReader(matching: [0, 0]) == nil)
    let second = try #require(try store.secondReader(matching: mark))
    second.endRead()
    // Every read transaction is closed again: a write goes through.
    #expect(try store.store(file([mp], sha: "after")).unchanged == false)
  }

  @Test func securityNameIsStoredAndKept() throws {
    let store = try PriceStore(path: tempDB())
    var named = PriceSeries(
      ticker: "600111.SS", exchange: .xshg, dates: [day("2024-03-01")], close: [20.40])
    named.name = "北方稀土"
    _ = try store.store(file([named], sha: "n1"))
    #expect(try store.query("SELECT name FROM securities WHERE ticker = '600111.SS'") == [["北方稀土"]])
    // A later file without names keeps the stored one.
    named.name = nil
    named.dates = [day("2024-03-04")]
    _ = try store.store(file([named], sha: "n2"))
    #expect(try store.query("SELECT name FROM securities WHERE ticker = '600111.SS'") == [["北方稀土"]])
    #expect(try store.securities().first?.name == "北方稀土")
  }

  @Test func securitiesListCountsCalendarGaps() throws {
    let store = try PriceStore(path: tempDB())
    // 2024-01-02 .. 2024-01-08 on XNYS: sessions 2, 3, 4, 5, 8; 4 is missing.
    let s = PriceSeries(
      ticker: "SPY", exchange: .arcx,
      dates: [day("2024-01-02"), day("2024-01-03"), day("2024-01-05"), day("2024-01-08")],
      close: [472.65, 468.79, 467.92, 474.6])
    _ = try store.store(file([s, mp], sha: "g"))
    let list = try store.securities()
    #expect(list.map(\.ticker) == ["MP", "SPY"])
    let spy = list[1]
    #expect(spy.exchange == .arcx)
    #expect(spy.currency == "USD")
    #expect(spy.rows == 4)
    #expect(spy.first == day("2024-01-02"))
    #expect(spy.last == day("2024-01-08"))
    #expect(spy.gaps == 1)
    #expect(list[0].gaps == 0)
  }

  @Test func readOnlyStoreRefusesWrites() throws {
    let path = tempDB()
    _ = try PriceStore(path: path).store(file([mp], sha: "x"))
    let ro = try PriceStore(path: path, readOnly: true)
    #expect(try ro.series(for: "MP")?.count == 3)
    #expect(throws: PriceStoreError.readOnly(path: path)) { try ro.store(file([mp], sha: "y")) }
  }

  @Test func openFailureNamesThePath() {
    #expect(throws: PriceStoreError.self) { try PriceStore(path: "/nonexistent-dir/x/prices.sqlite") }
  }
}

@Suite struct StreamingStoreTests {
  @Test func fragmentsOfOneFileGoInOneTransaction() throws {
    let store = try PriceStore(path: tempDB())
    let a = PriceSeries(
      ticker: "A", exchange: .xnys, dates: [day("2024-01-02"), day("2024-01-03")], close: [1, 2])
    let b = PriceSeries(ticker: "A", exchange: .xnys, dates: [day("2024-01-04")], close: [3])
    let out = try store.storeStreaming { append in
      try append(a)
      try append(b)
      return file([], sha: "stream", rowsRead: 3)
    }
    #expect(out.rowsStored == 3)
    #expect(out.rowsInserted == 3)
    #expect(try store.series(for: "A")?.close == [1, 2, 3])
    #expect(try store.query("SELECT rows_read, rows_stored FROM ingest_log") == [["3", "3"]])
    // The same bytes again: everything is rolled back.
    let again = try store.storeStreaming { append in
      try append(a)
      return file([], sha: "stream")
    }
    #expect(again.unchanged)
    #expect(try store.query("SELECT count(*) FROM ingest_log") == [["1"]])
  }

  struct Boom: Error {}

  @Test func aFailingSourceLeavesNothingBehind() throws {
    let store = try PriceStore(path: tempDB())
    let a = PriceSeries(ticker: "A", exchange: .xnys, dates: [day("2024-01-02")], close: [1])
    #expect(throws: PriceStoreError.self) {
      try store.storeStreaming { append in
        try append(a)
        throw Boom()
      }
    }
    #expect(try store.series(for: "A") == nil)
    #expect(try store.query("SELECT count(*) FROM bars") == [["0"]])
  }
}

@Suite struct BatchTests {
  /// 100 days: three full batches of 32 and a remainder of 4.
  func series(_ closes: [Double]) -> PriceSeries {
    let dates = (0..<closes.count).map { CivilDate(dayNumber: 19000 + Int32($0)) }
    return PriceSeries(
      ticker: "B", exchange: .xnys, dates: dates, close: closes, volume: closes.map { $0 * 10 })
  }

  @Test func batchesAndRemainderCountInsertsReplacesAndChanges() throws {
    let store = try PriceStore(path: tempDB())
    let v1 = (0..<100).map { Double($0) + 0.5 }
    let first = try store.store(file([series(v1)], sha: "b1"))
    #expect(first.rowsInserted == 100)
    #expect(first.rowsStored == 100)
    // Same dates; rows 10 and 99 change.
    var v2 = v1
    v2[10] = 999
    v2[99] = 111
    let second = try store.store(file([series(v2)], sha: "b2"))
    #expect(second.rowsInserted == 0)
    #expect(second.rowsReplaced == 100)
    #expect(second.rowsChanged == 2)
    let back = try #require(try store.series(for: "B"))
    #expect(back.close == v2)
    #expect(back.volume == v2.map { $0 * 10 })
  }

  /// Dates written with the day-digit shortcut (same month up to the 28th) and in full, across
  /// month ends, a leap day, year ends and a second series starting earlier; value columns a
  /// series lacks entirely stay NULL, a column with some values keeps its NULLs.
  @Test func datesAndColumnsAcrossMonthsAndSeries() throws {
    let store = try PriceStore(path: tempDB())
    let start = day("1999-12-20")
    let a = (0..<800).map { start.adding(days: $0 + ($0 > 400 ? 3 : 0)) }
    let b = (0..<70).map { day("1999-11-25").adding(days: $0 * 2) }
    let sa = PriceSeries(
      ticker: "A", exchange: .xnys, dates: a, close: a.indices.map { Double($0) + 0.25 },
      adjustedClose: a.indices.map { $0 % 3 == 0 ? .nan : Double($0) })
    let sb = PriceSeries(
      ticker: "B", exchange: .xnys, dates: b, open: b.indices.map { Double($0) },
      close: b.indices.map { Double($0) + 1 },
      volume: b.indices.map { Double($0 * 100) })
    _ = try store.store(file([sa, sb], sha: "dates"))
    let rows = try store.query(
      "SELECT s.ticker, b.date, quote(b.open), quote(b.close), quote(b.adj_close), quote(b.volume), quote(b.ret) FROM bars b JOIN securities s ON s.id = b.security_id ORDER BY s.ticker, b.date"
    )
    var want: [[String]] = []
    for (i, d) in a.enumerated() {
      want.append([
        "A", d.iso, "NULL", "\(Double(i) + 0.25)", i % 3 == 0 ? "NULL" : "\(Double(i))", "NULL", "NULL",
      ])
    }
    for (i, d) in b.enumerated() {
      want.append(["B", d.iso, "\(Double(i))", "\(Double(i) + 1)", "NULL", "\(i * 100)", "NULL"])
    }
    #expect(rows == want)
    #expect(try #require(try store.series(for: "A")) == sa)
    #expect(try #require(try store.series(for: "B")) == sb)
  }
}
