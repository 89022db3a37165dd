import CSQLite
import Dispatch
import MarketData

/// One stored security with its coverage.
public struct SecuritySummary: Sendable, Equatable {
  /// Ticker as stored.
  public var ticker: String
  /// The exchange (from its MIC).
  public var exchange: Exchange
  /// ISO 4217 currency (empty when unknown).
  public var currency: String
  /// Security name, when known.
  public var name: String?
  /// First stored date.
  public var first: CivilDate?
  /// Last stored date.
  public var last: CivilDate?
  /// Stored bars.
  public var rows: Int
  /// Sessions of the exchange calendar between `first` and `last` without a bar.
  public var gaps: Int
}

extension PriceStore {
  /// The stored series of a ticker, oldest first (NaN where unknown); `nil` when the store holds
  /// no such ticker. Return-only securities come back as return series.
  public func series(for ticker: String) throws -> PriceSeries? {
    lock.lock()
    defer { lock.unlock() }
    let s = try statement(PriceStore.blocksOfTicker)
    return try readSeries(s, ticker: ticker, full: true)
  }

  /// The study's view of several tickers (see `PriceSource.studySeries(for:)`), read in one
  /// read transaction: dates, close, adjusted close and returns; open, high, low and volume are
  /// not read (NaN).
  ///
  /// Many tickers are read on two connections at once, each in its own read transaction, when
  /// both see the same committed state: the same number of `ingest_log` rows and the same last id
  /// (every write to the store is an ingest, which adds its log row in the transaction that
  /// writes its bars). Otherwise, or for an in-memory store, one connection reads them all.
  public func studySeries(for tickers: [String]) throws -> [PriceSeries?] {
    lock.lock()
    defer { lock.unlock() }
    try exec("BEGIN")
    do {
      var out: [PriceSeries?]
      studyReadConnections = 1
      if tickers.count >= 64, let second = try secondReader(matching: try ingestMark()) {
        studyReadConnections = 2
        defer { second.endRead() }
        let half = tickers.count / 2
        let first = Array(tickers[..<half])
        let rest = Array(tickers[half...])
        let parts = [ReadPart(first), ReadPart(rest)]
        DispatchQueue.concurrentPerform(iterations: 2) { k in
          parts[k].result = Result { try (k == 0 ? self : second).readStudySeries(parts[k].tickers) }
        }
        out = try parts[0].result.get() + parts[1].result.get()
      } else {
        out = try readStudySeries(tickers)
      }
      try exec("COMMIT")
      return out
    } catch {
      try? exec("ROLLBACK")
      throw error
    }
  }

  /// `count(*)` and `max(id)` of `ingest_log`, read in the current transaction.
  func ingestMark() throws -> [Int64] {
    let s = try statement("SELECT count(*), coalesce(max(id), 0) FROM ingest_log")
    defer { sqlite3_reset(s) }
    guard try step(s, "read ingest_log") else { return [] }
    return [sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1)]
  }

  /// A second read-only connection to this file inside a read transaction that sees `mark`, or
  /// `nil` (in-memory store, cannot open, or the store changed in between).
  func secondReader(matching mark: [Int64]) throws -> PriceStore? {
    guard !mark.isEmpty, !path.isEmpty, path != ":memory:", !path.hasPrefix("file:"),
      let other = try? PriceStore(path: path, readOnly: true)
    else { return nil }
    other.lock.lock()
    defer { other.lock.unlock() }
    guard (try? other.exec("BEGIN")) != nil else { return nil }
    guard let m = try? other.ingestMark(), m == mark else {
      try? other.exec("ROLLBACK")
      return nil
    }
    return other
  }

  /// Ends the read transaction `secondReader` began.
  func endRead() {
    lock.lock()
    defer { lock.unlock() }
    try? exec("COMMIT")
  }

  /// Reads `tickers` with the study's columns (the caller holds the transaction).
  private func readStudySeries(_ tickers: [String]) throws -> [PriceSeries?] {
    let s = try statement(PriceStore.blocksOfTicker)
    var out: [PriceSeries?] = []
    out.reserveCapacity(tickers.count)
    for ticker in tickers { out.append(try readSeries(s, ticker: ticker, full: false)) }
    return out
  }

  /// A ticker's exchange and month blocks, oldest first (none when it has no bars).
  static let blocksOfTicker = """
    SELECT s.exchange, b.security_id, b.month, b.bars
    FROM securities s JOIN bar_blocks b ON b.security_id = s.id WHERE s.ticker = ?1 ORDER BY b.month
    """

  /// Runs `blocksOfTicker` for `ticker` into a series, oldest first; `nil` when the store has no
  /// such ticker. Without `full`, open, high, low and volume come back unknown (NaN).
  /// Return-only securities come back as return series. The caller holds the lock.
  private func readSeries(_ s: OpaquePointer, ticker: String, full: Bool) throws -> PriceSeries? {
    bind(s, 1, ticker)
    defer { sqlite3_reset(s) }
    var exchangeName: String? = nil
    var dates: [CivilDate] = []
    var close: [Double] = []
    var adjusted: [Double] = []
    var returns: [Double] = []
    var open: [Double] = []
    var high: [Double] = []
    var low: [Double] = []
    var volume: [Double] = []
    var anyReturn = false
    var anyPrice = false
    var block = BarBlock()
    while try step(s, "read bar_blocks") {
      if exchangeName == nil { exchangeName = columnText(s, 0) ?? "" }
      let id = sqlite3_column_int64(s, 1)
      let month = Int(sqlite3_column_int64(s, 2))
      try decodeBlock(s, 3, securityID: id, month: month, into: &block)
      if let last = dates.last, let first = block.dates.first, first <= last {
        throw PriceStoreError.corruptBlock(
          path: path, securityID: id, month: month, offset: 0,
          expected: "dates after \(last.iso), the last date of the month before")
      }
      let n = block.count
      dates.append(contentsOf: block.dates)
      block.values.withUnsafeBufferPointer { v in
        for i in 0..<n {
          let row = i * BarBlock.width
          let c = v[row + 3]
          let a = v[row + 4]
          let r = v[row + 6]
          close.append(c)
          adjusted.append(a)
          returns.append(r)
          anyReturn = anyReturn || !r.isNaN
          anyPrice = anyPrice || !c.isNaN || !a.isNaN
          if full {
            open.append(v[row])
            high.append(v[row + 1])
            low.append(v[row + 2])
            volume.append(v[row + 5])
          }
        }
      }
    }
    guard let exchangeName else { return nil }
    return PriceSeries(
      ticker: ticker, exchange: Exchange.named(exchangeName) ?? .xnys, dates: dates, open: open, high: high,
      low: low, close: close, adjustedClose: adjusted, volume: volume,
      returns: anyReturn && !anyPrice ? returns : [])
  }

  /// Every stored ticker, sorted.
  public func tickers() throws -> [String] {
    lock.lock()
    defer { lock.unlock() }
    let s = try statement("SELECT ticker FROM securities ORDER BY ticker")
    defer { sqlite3_reset(s) }
    var out: [String] = []
    while try step(s, "list securities") { if let t = columnText(s, 0) { out.append(t) } }
    return out
  }

  /// Every security with its range, row count and calendar gaps, sorted by ticker.
  public func securities() throws -> [SecuritySummary] {
    lock.lock()
    defer { lock.unlock() }
    let s = try statement(
      """
      SELECT s.id, s.ticker, s.exchange, s.currency, s.name, min(b.first_date), max(b.last_date), sum(b.n)
      FROM securities s LEFT JOIN bar_blocks b ON b.security_id = s.id GROUP BY s.id ORDER BY s.ticker
      """)
    var rows: [(Int64, SecuritySummary)] = []
    while try step(s, "summarize securities") {
      let ex = columnText(s, 2).flatMap(Exchange.named) ?? .xnys
      rows.append(
        (
          sqlite3_column_int64(s, 0),
          SecuritySummary(
            ticker: columnText(s, 1) ?? "", exchange: ex, currency: columnText(s, 3) ?? "",
            name: columnText(s, 4),
            first: readISO(s, 5), last: readISO(s, 6), rows: Int(sqlite3_column_int64(s, 7)), gaps: 0)
        ))
    }
    sqlite3_reset(s)
    let dq = try statement("SELECT month, bars FROM bar_blocks WHERE security_id = ?1 ORDER BY month")
    var block = BarBlock()
    var out: [SecuritySummary] = []
    for (id, var summary) in rows {
      if let first = summary.first, let last = summary.last {
        let cal = TradingCalendar(exchange: summary.exchange)
        sqlite3_reset(dq)
        sqlite3_bind_int64(dq, 1, id)
        var stored = Set<Int32>()
        while try step(dq, "read bar_blocks") {
          try decodeBlock(dq, 1, securityID: id, month: Int(sqlite3_column_int64(dq, 0)), into: &block)
          for d in block.dates { stored.insert(d.dayNumber) }
        }
        var missing = 0
        var d = first
        while d <= last {
          if cal.isSession(d) && !stored.contains(d.dayNumber) { missing += 1 }
          d = d.adding(days: 1)
        }
        summary.gaps = missing
      }
      out.append(summary)
    }
    sqlite3_reset(dq)
    return out
  }

  /// The stored series as CSV, oldest first, with the header
  /// `date,open,high,low,close,adj_close,volume` (plus `return` for return-only securities);
  /// unknown values are empty. Empty string when the ticker is unknown.
  public func exportCSV(ticker: String) throws -> String {
    guard let s = try series(for: ticker) else { return "" }
    var out = "date,open,high,low,close,adj_close,volume" + (s.isReturnSeries ? ",return" : "") + "\n"
    out.reserveCapacity(64 * (s.count + 1))
    for i in 0..<s.count {
      out += s.dates[i].iso
      for v in [s.open[i], s.high[i], s.low[i], s.close[i], s.adjustedClose[i], s.volume[i]] {
        out += ","
        out += PriceStore.format(v)
      }
      if s.isReturnSeries { out += "," + PriceStore.format(s.returns[i]) }
      out += "\n"
    }
    return out
  }

  /// A number as CSV text: empty for NaN, integral values without a fraction, otherwise the
  /// shortest text that reads back to the same double.
  public static func format(_ v: Double) -> String {
    if v.isNaN { return "" }
    if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
    return "\(v)"
  }
}

extension PriceStore {
  /// Runs a read-only SQL query and returns every row as text (NULL as empty), for reports and
  /// tests; the same queries work in the `sqlite3` shell.
  public func query(_ sql: String) throws -> [[String]] {
    lock.lock()
    defer { lock.unlock() }
    var st: OpaquePointer? = nil
    guard sqlite3_prepare_v2(db, sql, -1, &st, nil) == SQLITE_OK, let st else {
      throw PriceStoreError.sqlite(path: path, operation: String(sql.prefix(60)), message: lastError)
    }
    defer { sqlite3_finalize(st) }
    guard sqlite3_stmt_readonly(st) != 0 || sql.uppercased().hasPrefix("PRAGMA") else {
      throw PriceStoreError.readOnly(path: path)
    }
    var rows: [[String]] = []
    let n = sqlite3_column_count(st)
    while try step(st, String(sql.prefix(60))) {
      rows.append((0..<n).map { columnText(st, $0) ?? "" })
    }
    return rows
  }
}

/// One half of a two-connection read: its tickers and, once read, its series (each half is
/// written by one thread only).
private final class ReadPart: @unchecked Sendable {
  let tickers: [String]
  var result: Result<[PriceSeries?], Error> = .success([])
  init(_ tickers: [String]) { self.tickers = tickers }
}
