import CSQLite
import Foundation
import MarketData
import Testing

@testable import PriceStore

/// The month blocks' JSON text: exact round trips, SQLite reading the same values, merges and
/// corrupt text.
@Suite struct BarBlockTests {
  func text(_ e: BarBlockEncoder) -> String { String(decoding: e.text, as: UTF8.self) }

  func block(_ dates: [String], _ rows: [[Double]]) -> BarBlock {
    var b = BarBlock()
    b.month = BarBlock.month(of: day(dates[0]))
    b.dates = dates.map(day)
    b.values = rows.flatMap { $0 }
    return b
  }

  func decode(_ s: String, month: Int = 202403) throws(BarBlockDecoder.Failure) -> BarBlock {
    var b = BarBlock()
    let bytes = Array(s.utf8)
    try bytes.withUnsafeBufferPointer { p throws(BarBlockDecoder.Failure) in
      try BarBlockDecoder.decode(p, month: month, into: &b)
    }
    return b
  }

  @Test func textIsTheDocumentedJSON() throws {
    let nan = Double.nan
    let b = block(
      ["2024-02-28", "2024-02-29"],
      [
        [15.44, 15.7, 15.2025, 15.23, nan, 1_894_623, nan],
        [-0.5, 12, 0.005, 1e-12, 123_456_789.125, 2.5, -0.0],
      ])
    let e = BarBlockEncoder()
    e.encode(b)
    // The day of the month, then close, open, high, low, volume, adjusted close and return,
    // without trailing unknowns. Integral prices get ".0"
    // (SQLite reads them as REAL), an integral volume does not; a fractional volume keeps its
    // fraction; values beyond nine decimals use Swift's shortest form.
    #expect(
      text(e)
        == "[[28,15.23,15.44,15.7,15.2025,1894623],[29,1e-12,-0.5,12.0,0.005,2.5,123456789.125,-0.0]]")
    let back = try decode(text(e), month: 202402)
    #expect(back.dates == b.dates)
    #expect(zip(back.values, b.values).allSatisfy { $0.bitPattern == $1.bitPattern })
    #expect(back.values.last?.sign == .minus)
  }

  /// Numbers on either side of every power of ten up to 10^15, as integers and with one to
  /// four decimals, are written with all their digits (the digit count comes from the bit
  /// length plus one compare); the expected text is Swift's integer text with the point put in.
  @Test func digitCountsAtPowersOfTen() {
    let e = BarBlockEncoder()
    var power: Int64 = 1
    for k in 0...15 {
      for m in [power - 1, power, power + 1] where m > 0 {
        for decimals in 0...4 where k + decimals <= 15 {
          var scale = 1.0
          for _ in 0..<decimals { scale *= 10 }
          let value = Double(m) / scale
          e.encode(block(["2024-03-04"], [[.nan, .nan, .nan, value, .nan, .nan, .nan]]))
          // Integer digits, then the decimals without trailing zeros (".0" when none).
          var digits = String(m)
          if digits.count <= decimals {
            digits = String(repeating: "0", count: decimals - digits.count + 1) + digits
          }
          var whole = String(digits.dropLast(decimals))
          var fraction = String(digits.suffix(decimals))
          while fraction.hasSuffix("0") { fraction.removeLast() }
          if whole.isEmpty { whole = "0" }
          let number = whole + "." + (fraction.isEmpty ? "0" : fraction)
          #expect(text(e) == "[[4,\(number)]]", "\(m) / 10^\(decimals)")
        }
      }
      power *= 10
    }
  }

  /// Random doubles of every kind read back bit for bit: prices with 0…9 decimals, random bit
  /// patterns (huge, tiny, subnormal), integers beyond 2^53, infinities.
  @Test func everyDoubleReadsBackExactly() throws {
    var draw = 0
    var values: [Double] = [
      .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 9_007_199_254_740_993,
      0.1 + 0.2, 1e22, 123_456_789_012_345_678, 4.35, 0.000_000_001, 0.000_000_000_1,
    ]
    for _ in 0..<20000 {
      draw += 3
      let decimals = Int(bits(draw) % 10)
      let digits = Double(bits(draw + 1) % 100_000_000)
      values.append(digits / pow(10, Double(decimals)))
      values.append(Double(bitPattern: bits(draw + 2)))
    }
    values = values.filter { !$0.isNaN }
    let dates = (0..<values.count).map { CivilDate(dayNumber: Int32($0)) }
    let e = BarBlockEncoder()
    var b = BarBlock()
    for chunk in stride(from: 0, to: values.count, by: 7 * 20) {
      let vs = Array(values[chunk..<min(values.count, chunk + 7 * 20)])
      let n = vs.count / 7
      guard n > 0 else { continue }
      b.month = 1
      b.dates = Array(dates[0..<n])
      b.values = Array(vs[0..<(7 * n)])
      e.encode(b)
      let back = try decode(text(e))
      for (x, y) in zip(back.values, b.values) { #expect(x.bitPattern == y.bitPattern, "\(y)") }
    }
  }

  /// SQLite's own JSON reader (the `bars` view) finds the same values for prices as they are
  /// written, and the text is valid JSON to it.
  @Test func sqliteReadsTheSameValues() throws {
    let store = try PriceStore(path: ":memory:")
    var draw = 1_000_000
    let e = BarBlockEncoder()
    for _ in 0..<200 {
      var row: [Double] = []
      for _ in 0..<7 {
        draw += 1
        row.append(Double(bits(draw) % 10_000_000) / 10_000)
      }
      e.encode(block(["2024-03-01"], [row]))
      let sql =
        "SELECT json_valid('\(text(e))'), "
        + (0..<7).map { "'\(text(e))'->>'$[0][\($0 + 1)]'" }.joined(
          separator: ", ")
      let got = try store.query(sql)
      #expect(got.first?.first == "1")
      for k in 0..<7 {
        // JSON position k + 1 holds value jsonOrder[k] (close first).
        #expect(Double(got[0][k + 1]) == row[BarBlock.jsonOrder[k]], "\(row[BarBlock.jsonOrder[k]])")
      }
    }
  }

  /// A month encoded from a series' columns in place is the text of the same bars as a block,
  /// for prices with gaps, volumes, and a return series.
  @Test func seriesRangeEncodesLikeItsBlock() {
    let dates = (0..<40).map { day("2024-01-15").adding(days: $0) }
    let prices = PriceSeries(
      ticker: "P", exchange: .xnys, dates: dates,
      open: dates.indices.map { $0 % 4 == 0 ? .nan : 10 + Double($0) / 8 },
      close: dates.indices.map { 10 + Double($0) / 3 }, volume: dates.indices.map { Double($0 * 1000) })
    let returns = PriceSeries(
      ticker: "R", exchange: .xnys, dates: dates, returns: dates.indices.map { Double($0) / 1000 - 0.02 })
    let e = BarBlockEncoder()
    for s in [prices, returns] {
      for range in [0..<17, 17..<40, 3..<4] {
        var b = BarBlock()
        b.month = BarBlock.month(of: s.dates[range.lowerBound])
        for i in range { b.append(s, i, hasReturns: s.isReturnSeries) }
        e.encode(b)
        let fromBlock = text(e)
        e.encode(s, range)
        #expect(text(e) == fromBlock)
      }
    }
  }

  @Test func mergeCountsInsertsReplacesAndChanges() {
    let stored = block(
      ["2024-03-01", "2024-03-04", "2024-03-05"],
      [[1, 1, 1, 1, .nan, 10, .nan], [2, 2, 2, 2, .nan, 20, .nan], [3, 3, 3, 3, .nan, 30, .nan]])
    let newer = block(
      ["2024-02-29", "2024-03-04", "2024-03-05", "2024-03-06"],
      [
        [0, 0, 0, 0, .nan, 0, .nan], [2, 2, 2, 2, .nan, 20, .nan], [3, 3, 3, 3.5, .nan, 30, .nan],
        [4, 4, 4, 4, .nan, 40, .nan],
      ])
    var out = BarBlock()
    let counts = BarBlock.merge(stored: stored, newer: newer, into: &out)
    // 02-29 and 03-06 are new; 03-04 is replaced unchanged (NaN equals NaN); 03-05 changed.
    #expect(counts == BarBlock.MergeCounts(inserted: 2, replaced: 2, changed: 1))
    #expect(out.dates.map(\.iso) == ["2024-02-29", "2024-03-01", "2024-03-04", "2024-03-05", "2024-03-06"])
    #expect(out.values[3 * 7 + 3] == 3.5)
    #expect(out.values[1 * 7 + 0] == 1)
  }

  @Test func corruptTextSaysWhereAndWhat() throws {
    let cases: [(String, Int, String)] = [
      ("", 0, "'[' opening the list of bars"),
      ("[[1,1,2,3,4,5,6,7,8]]", 17, "']' after 7 values"),
      ("[[32,1]]", 2, "a day of the month from 1 to 31"),
      (#"[["2024-03-01",1]]"#, 2, "the day of the month"),
      ("[[1,1,2,x]]", 8, "a number or null"),
      ("[[2,1],[1,1]]", 8, "a day after 2 (bars ascending, one per date)"),
      ("[[1,1]] x", 8, "the end of the text after the bars"),
      ("[[1,1 2]]", 6, "',' and a value, or ']' closing the bar"),
    ]
    for (s, offset, expected) in cases {
      #expect(throws: BarBlockDecoder.Failure(offset: offset, expected: expected), "\(s)") { try decode(s) }
    }
    #expect(
      throws: BarBlockDecoder.Failure(offset: 0, expected: "a block of a valid month (YYYYMM), not 202413")
    ) {
      try decode("[]", month: 202413)
    }
    // Whitespace and exponents, as SQLite's json functions or a hand edit may leave them, are read.
    let spaced = try decode(" [ [ 1 , 1e2 , -2.5E-1 , null , 4 ] ] ")
    // JSON order close, open, high, low: the block holds open, high, low, close, …
    #expect(spaced.values[3] == 100 && spaced.values[0] == -0.25 && spaced.values[2] == 4)
    #expect(spaced.values[1].isNaN && spaced.values[4...6].allSatisfy(\.isNaN))
  }

  /// Hand-edited or damaged text never crashes the reader: 20,000 mutations (a byte replaced,
  /// removed or inserted, the text cut) of valid blocks either fail with an offset inside the
  /// text or decode to bars that encode and decode again to the same values.
  @Test func mutatedTextFailsCleanlyOrReadsConsistently() {
    let valid = [
      "[[2,15.23,15.44,15.7,15.2025,1894623],[29,1e-12,-0.5,12.0,0.005,2.5,123456789.125,-0.0]]",
      "[[1,21.3687],[3,null,null,null,null,null,null,0.0125],[31,9e999]]", "[]",
    ]
    let alphabet = Array("[],.-+eE0123456789 nul\"x".utf8)
    let e = BarBlockEncoder()
    var accepted = 0
    for k in 0..<20000 {
      var bytes = Array(valid[k % valid.count].utf8)
      let r = bits(k)
      let at = bytes.isEmpty ? 0 : Int(r % UInt64(bytes.count))
      let c = alphabet[Int((r >> 20) % UInt64(alphabet.count))]
      switch (r >> 40) % 4 {
      case 0: if !bytes.isEmpty { bytes[at] = c }
      case 1: if !bytes.isEmpty { bytes.remove(at: at) }
      case 2: bytes.insert(c, at: at)
      default: bytes.removeLast(bytes.count - at)
      }
      var b = BarBlock()
      do {
        try bytes.withUnsafeBufferPointer { p throws(BarBlockDecoder.Failure) in
          try BarBlockDecoder.decode(p, month: 202403, into: &b)
        }
      } catch {
        #expect(error.offset >= 0 && error.offset <= bytes.count)
        continue
      }
      accepted += 1
      e.encode(b)
      var again = BarBlock()
      #expect((try? decode(text(e))).map { again = $0 } != nil)
      #expect(again.dates == b.dates)
      #expect(
        zip(again.values, b.values).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) })
    }
    #expect(accepted > 0)
  }

  @Test func aCorruptStoredBlockIsReportedWithItsKey() throws {
    let path = tempDB()
    let store = try PriceStore(path: path)
    _ = try store.store(file([mp], sha: "c"))
    try store.exec("UPDATE bar_blocks SET bars = '[[1,1,2,3,4,5,6,7,8]]' WHERE month = 202403")
    #expect(
      throws: PriceStoreError.corruptBlock(
        path: path, securityID: 1, month: 202403, offset: 17, expected: "']' after 7 values")
    ) { try store.series(for: "MP") }
  }
}

/// Fragments of one security, in and out of date order, across month ends and files.
@Suite struct MonthBlockWriterTests {
  func series(_ dates: [CivilDate], _ closes: [Double]) -> PriceSeries {
    PriceSeries(ticker: "F", exchange: .xnys, dates: dates, close: closes)
  }

  /// 70 consecutive days from 2024-01-20 (three months) cut into fragments of 1…9 bars, shuffled
  /// fragment order in a second file: the stored series is the same, one block per month.
  @Test func fragmentsMakeOneBlockPerMonth() throws {
    let dates = (0..<70).map { day("2024-01-20").adding(days: $0) }
    let closes = dates.indices.map { Double($0) + 0.25 }
    var fragments: [PriceSeries] = []
    var i = 0
    var size = 1
    while i < dates.count {
      let e = min(dates.count, i + size)
      fragments.append(series(Array(dates[i..<e]), Array(closes[i..<e])))
      i = e
      size = size % 9 + 1
    }
    let store = try PriceStore(path: tempDB())
    let out = try store.storeStreaming { append in
      for f in fragments { try append(f) }
      return file([], sha: "frag", rowsRead: 70)
    }
    #expect(out.rowsInserted == 70 && out.rowsReplaced == 0 && out.rowsStored == 70)
    #expect(
      try store.query("SELECT month, n, first_date, last_date FROM bar_blocks ORDER BY month") == [
        ["202401", "12", "2024-01-20", "2024-01-31"], ["202402", "29", "2024-02-01", "2024-02-29"],
        ["202403", "29", "2024-03-01", "2024-03-29"],
      ])
    #expect(try store.series(for: "F")?.close == closes)
    // The same bars again in reverse fragment order, one close changed: all replaced, one changed.
    var changed = closes
    changed[40] = 99
    let again = try store.storeStreaming { append in
      for f in fragments.reversed() {
        var g = f
        for (k, d) in g.dates.enumerated() { g.close[k] = changed[dates.firstIndex(of: d) ?? 0] }
        try append(g)
      }
      return file([], sha: "frag2", rowsRead: 70)
    }
    #expect(again.rowsInserted == 0 && again.rowsReplaced == 70 && again.rowsChanged == 1)
    #expect(try store.series(for: "F")?.close == changed)
    #expect(try store.query("SELECT count(*), sum(n) FROM bar_blocks") == [["3", "70"]])
  }

  /// A series given out of date order, with a date repeated: later bars replace earlier ones.
  @Test func unsortedSeriesWithRepeatedDate() throws {
    let store = try PriceStore(path: tempDB())
    let s = series(
      [day("2024-03-05"), day("2024-02-27"), day("2024-03-01"), day("2024-03-05")], [5, 1, 3, 6])
    let out = try store.store(file([s], sha: "u"))
    #expect(out.rowsStored == 4 && out.rowsInserted == 3 && out.rowsReplaced == 1 && out.rowsChanged == 1)
    let back = try #require(try store.series(for: "F"))
    #expect(back.dates == [day("2024-02-27"), day("2024-03-01"), day("2024-03-05")])
    #expect(back.close == [1, 3, 6])
  }
}

/// A store written with one row per bar (schema version 1) is converted when opened.
@Suite struct RowLayoutConversionTests {
  @Test func versionOneStoreIsConvertedOnOpen() throws {
    let path = tempDB()
    // Build the version 1 schema and rows by hand, as the earlier store wrote them.
    let v1 = """
      CREATE TABLE securities(id INTEGER PRIMARY KEY, ticker TEXT NOT NULL UNIQUE, exchange TEXT NOT NULL,
        currency TEXT, name TEXT);
      CREATE TABLE bars(security_id INTEGER NOT NULL REFERENCES securities(id), date TEXT NOT NULL,
        open REAL, high REAL, low REAL, close REAL, adj_close REAL, volume NUMERIC, ret REAL,
        PRIMARY KEY(security_id, date)) WITHOUT ROWID;
      CREATE TABLE ingest_log(id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL,
        bytes INTEGER NOT NULL, ingested_at TEXT NOT NULL, dialect TEXT NOT NULL, rows_read INTEGER NOT NULL,
        rows_stored INTEGER NOT NULL, rows_rejected INTEGER NOT NULL, rows_inserted INTEGER NOT NULL,
        rows_replaced INTEGER NOT NULL, rows_changed INTEGER NOT NULL);
      CREATE VIEW prices AS SELECT s.ticker, s.exchange, b.date, b.open, b.high, b.low, b.close, b.adj_close,
        b.volume, b.ret FROM bars b JOIN securities s ON s.id = b.security_id;
      INSERT INTO securities VALUES(1, 'MP', 'XNYS', 'USD', NULL), (2, '10001', 'XNYS', 'USD', NULL);
      INSERT INTO bars VALUES(1, '2024-02-28', 15.44, 15.7, 15.2025, 15.23, NULL, 1894623, NULL),
        (1, '2024-02-29', 15.55, 15.75, 15.16, 15.21, NULL, 2130228, NULL),
        (1, '2024-03-01', 15.35, 15.615, 14.91, 15.47, NULL, 2187767, NULL),
        (2, '2024-01-02', NULL, NULL, NULL, NULL, NULL, NULL, 0.01),
        (2, '2024-01-03', NULL, NULL, NULL, NULL, NULL, NULL, -0.02);
      PRAGMA user_version = 1;
      """
    try makeRawDatabase(path: path, sql: v1)
    // Opened read-only first: converted through a writable connection.
    let ro = try PriceStore(path: path, readOnly: true)
    #expect(try ro.series(for: "MP") == mp)
    let store = try PriceStore(path: path)
    #expect(try store.series(for: "10001")?.returns == [0.01, -0.02])
    #expect(try store.query("PRAGMA user_version") == [["2"]])
    #expect(try store.query("SELECT type FROM sqlite_master WHERE name = 'bars'") == [["view"]])
    #expect(
      try store.query("SELECT ticker, date, close, volume FROM prices ORDER BY ticker DESC, date LIMIT 2")
        == [
          ["MP", "2024-02-28", "15.23", "1894623"], ["MP", "2024-02-29", "15.21", "2130228"],
        ])
    #expect(
      try store.query("SELECT month, n FROM bar_blocks ORDER BY security_id, month") == [
        ["202402", "2"], ["202403", "1"], ["202401", "2"],
      ])
  }
}

/// Creates the database at `path` with raw SQL, executed by SQLite itself (no store schema).
func makeRawDatabase(path: String, sql: String) throws {
  var db: OpaquePointer? = nil
  guard sqlite3_open(path, &db) == SQLITE_OK, let db else {
    throw RawSQLError(message: "cannot open \(path)")
  }
  defer { sqlite3_close(db) }
  guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
    throw RawSQLError(message: String(cString: sqlite3_errmsg(db)))
  }
}

struct RawSQLError: Error { var message: String }

/// Scrambled bits of `i` (a Weyl step and one xor-multiply): deterministic test inputs.
func bits(_ i: Int) -> UInt64 {
  let z = UInt64(i) &* 0x9E37_79B9_7F4A_7C15
  return (z ^ (z >> 29)) &* 0xBF58_476D_1CE4_E5B9 ^ (z >> 32)
}
