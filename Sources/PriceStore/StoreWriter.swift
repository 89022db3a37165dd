import CSQLite
import Dispatch
import MarketData

/// What storing one file did.
public struct StoreOutcome: Sendable, Equatable {
  /// `true` when a file with the same SHA-256 was already ingested: nothing was written.
  public var unchanged: Bool
  /// Bars written (inserted or replacing stored ones); with streaming ingest this is the count
  /// to pair with `IngestedFile.rowsRead` and `rejects`.
  public var rowsStored: Int
  /// Bars for dates the store did not hold.
  public var rowsInserted: Int
  /// Bars for dates the store already held (overlap), now replaced by the file's values.
  public var rowsReplaced: Int
  /// Replaced bars whose values differ from what was stored.
  public var rowsChanged: Int
  /// Rejected rows recorded in `rejects`.
  public var rejectsStored: Int
  /// Findings recorded in `findings`.
  public var findingsStored: Int
  /// Securities the file touched.
  public var securities: Int
  /// The `ingest_log` id of this file (of the earlier identical file when unchanged).
  public var ingestID: Int

  /// Creates an outcome.
  public init(
    unchanged: Bool = false, rowsStored: Int = 0, rowsInserted: Int = 0, rowsReplaced: Int = 0,
    rowsChanged: Int = 0,
    rejectsStored: Int = 0, findingsStored: Int = 0, securities: Int = 0, ingestID: Int = 0
  ) {
    self.unchanged = unchanged
    self.rowsStored = rowsStored
    self.rowsInserted = rowsInserted
    self.rowsReplaced = rowsReplaced
    self.rowsChanged = rowsChanged
    self.rejectsStored = rejectsStored
    self.findingsStored = findingsStored
    self.securities = securities
    self.ingestID = ingestID
  }
}

/// Errors of the store, naming the database file and the operation.
public enum PriceStoreError: Error, Equatable, CustomStringConvertible {
  /// The database cannot be opened or created.
  case cannotOpen(path: String, reason: String)
  /// SQLite refused an operation.
  case sqlite(path: String, operation: String, message: String)
  /// A write was attempted on a store opened read-only.
  case readOnly(path: String)
  /// The file to store failed while it was being read (streaming ingest); `path` is empty when
  /// the message names the file itself.
  case source(path: String, message: String)

  /// A one-line message.
  public var description: String {
    switch self {
    case .cannotOpen(let p, let r): return "\(p): cannot open the price store: \(r)"
    case .sqlite(let p, let o, let m): return "\(p): SQLite error during \(o): \(m)"
    case .readOnly(let p): return "\(p): the price store is open read-only"
    case .source(let p, let m): return p.isEmpty ? m : "\(p): \(m)"
    }
  }
}

extension PriceStore {
  /// Stores one ingested file in one transaction: securities, bars, the ingest log entry, its
  /// rejects and findings. A file whose SHA-256 is already in the log changes nothing. Bars for
  /// dates already stored are replaced and counted (and counted as changed when values differ).
  public func store(_ file: IngestedFile) throws(PriceStoreError) -> StoreOutcome {
    lock.lock()
    defer { lock.unlock() }
    if let id = try ingestID(sha256: file.sha256) { return StoreOutcome(unchanged: true, ingestID: id) }
    return try transaction { w throws(PriceStoreError) in
      for s in file.series { try w.append(s) }
      return file
    }
  }

  /// Streams a file into the store in one transaction: `produce` is handed an `append` function
  /// for series fragments (as `PriceIngestor.ingest(path:flushRows:sink:)` emits them) and
  /// returns the ingested file (counts, rejects, findings). Fragments are written on a second
  /// thread while the producer goes on reading (at most two wait, so memory stays bounded).
  /// When the file's SHA-256 turns out to be known already, everything is rolled back and the
  /// outcome is `unchanged`; when `produce` throws, nothing is stored.
  public func storeStreaming(
    _ produce: (_ append: @escaping (PriceSeries) throws -> Void) throws -> IngestedFile
  ) throws(PriceStoreError) -> StoreOutcome {
    lock.lock()
    defer { lock.unlock() }
    return try transaction { w throws(PriceStoreError) in
      let pipe = WriterThread(writer: w)
      let file: IngestedFile
      do {
        file = try produce { s in try pipe.submit(s) }
      } catch let e as PriceStoreError {
        _ = pipe.drain()
        throw e
      } catch {
        _ = pipe.drain()
        throw .source(path: "", message: "\(error)")
      }
      if let e = pipe.drain() { throw e }
      return file
    }
  }

  func ingestID(sha256: String) throws(PriceStoreError) -> Int? {
    let s = try statement("SELECT id FROM ingest_log WHERE sha256 = ?1 LIMIT 1")
    bind(s, 1, sha256)
    defer { sqlite3_reset(s) }
    return try step(s, "look up ingest_log") ? Int(sqlite3_column_int64(s, 0)) : nil
  }

  func transaction(_ body: (BarWriter) throws(PriceStoreError) -> IngestedFile) throws(PriceStoreError)
    -> StoreOutcome
  {
    if readOnly { throw .readOnly(path: path) }
    try exec("BEGIN IMMEDIATE")
    do {
      let w = try BarWriter(store: self)
      let file = try body(w)
      w.finish()
      if let id = try ingestID(sha256: file.sha256) {
        try exec("ROLLBACK")
        return StoreOutcome(unchanged: true, ingestID: id)
      }
      var outcome = w.outcome
      outcome.rowsStored = w.rows
      let log = try statement(
        """
        INSERT INTO ingest_log(path, sha256, bytes, ingested_at, dialect, rows_read, rows_stored, rows_rejected,
          rows_inserted, rows_replaced, rows_changed)
        VALUES(?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?4, ?5, ?6, ?7, ?8, ?9, ?10)
        """)
      bind(log, 1, file.path)
      bind(log, 2, file.sha256)
      bind(log, 3, file.byteCount)
      bind(log, 4, file.dialect)
      bind(log, 5, file.rowsRead)
      bind(log, 6, w.rows)
      bind(log, 7, file.rejects.count)
      bind(log, 8, outcome.rowsInserted)
      bind(log, 9, outcome.rowsReplaced)
      bind(log, 10, outcome.rowsChanged)
      _ = try step(log, "insert ingest_log")
      let id = Int(sqlite3_last_insert_rowid(db))
      outcome.ingestID = id
      let rej = try statement(
        "INSERT INTO rejects(ingest_id, file, line, col, raw, reason) VALUES(?1,?2,?3,?4,?5,?6)")
      for r in file.rejects {
        sqlite3_reset(rej)
        bind(rej, 1, id)
        bind(rej, 2, r.file)
        bind(rej, 3, r.line)
        bind(rej, 4, r.column)
        bind(rej, 5, r.raw)
        bind(rej, 6, r.reason)
        _ = try step(rej, "insert rejects")
      }
      outcome.rejectsStored = file.rejects.count
      let fin = try statement(
        "INSERT INTO findings(ingest_id, kind, ticker, date, line, detail) VALUES(?1,?2,?3,?4,?5,?6)")
      for f in file.findings {
        sqlite3_reset(fin)
        bind(fin, 1, id)
        bind(fin, 2, f.kind)
        bind(fin, 3, f.ticker)
        bind(fin, 4, f.date?.iso)
        bind(fin, 5, f.line)
        bind(fin, 6, f.detail)
        _ = try step(fin, "insert findings")
      }
      outcome.findingsStored = file.findings.count
      try exec("COMMIT")
      return outcome
    } catch {
      try? exec("ROLLBACK")
      throw error
    }
  }
}

/// Writes bars inside a transaction: a multi-row insert-or-ignore per batch of rows (naming only
/// the value columns the series has; the others are left NULL, as binding NULL would leave them),
/// then, for dates already stored, an update that only fires when a value differs.
final class BarWriter {
  let store: PriceStore
  let update: OpaquePointer
  let security: OpaquePointer
  let securityLookup: OpaquePointer
  var ids: [String: Int64] = [:]
  var outcome = StoreOutcome()
  var rows = 0
  /// Insert statements by the set of value columns named (bit k: column k of `valueColumns`):
  /// `batch` rows, and one row.
  var inserts: [Int: (bulk: OpaquePointer, single: OpaquePointer)] = [:]
  /// Room for the ISO dates of one batch plus one for updates.
  let dateBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 10 * (BarWriter.batch + 1))

  /// The value columns of `bars`, in the order `PriceSeries` holds them.
  static let valueColumns = ["open", "high", "low", "close", "adj_close", "volume", "ret"]

  init(store: PriceStore) throws(PriceStoreError) {
    self.store = store
    update = try store.statement(
      """
      UPDATE bars SET open=?3, high=?4, low=?5, close=?6, adj_close=?7, volume=?8, ret=?9
      WHERE security_id=?1 AND date=?2 AND (open IS NOT ?3 OR high IS NOT ?4 OR low IS NOT ?5 OR close IS NOT ?6
        OR adj_close IS NOT ?7 OR volume IS NOT ?8 OR ret IS NOT ?9)
      """)
    // No RETURNING: SQLite buffers returned rows in an ephemeral table, which costs a page
    // allocation per security; the id is read back with an indexed lookup instead.
    security = try store.statement(
      """
      INSERT INTO securities(ticker, exchange, currency, name) VALUES(?1, ?2, ?3, ?4)
      ON CONFLICT(ticker) DO UPDATE SET exchange = excluded.exchange, name = coalesce(excluded.name, securities.name)
      """)
    securityLookup = try store.statement("SELECT id FROM securities WHERE ticker = ?1")
  }

  /// The last date written in full, its ISO text and its day of the month (0: none yet).
  var isoDay: Int32 = 0
  let isoText = UnsafeMutablePointer<UInt8>.allocate(capacity: 10)
  var isoDayOfMonth = 0

  deinit {
    dateBuffer.deallocate()
    isoText.deallocate()
  }

  /// Writes `d` as `YYYY-MM-DD`; a date up to the 28th of the month of the last date written in
  /// full only has its day digits changed.
  @inline(__always) func iso(_ d: CivilDate, _ out: UnsafeMutablePointer<UInt8>) {
    let delta = Int(d.dayNumber) - Int(isoDay)
    if isoDayOfMonth > 0 && delta >= 0 && isoDayOfMonth + delta <= 28 {
      let dom = isoDayOfMonth + delta
      out.update(from: isoText, count: 8)
      out[8] = UInt8(48 + dom / 10)
      out[9] = UInt8(48 + dom % 10)
      return
    }
    writeISO(d, out)
    isoDay = d.dayNumber
    isoText.update(from: out, count: 10)
    isoDayOfMonth = Int(out[8] - 48) * 10 + Int(out[9] - 48)
  }

  /// The insert statements naming the value columns in `mask`.
  func insertStatements(_ mask: Int) throws(PriceStoreError) -> (bulk: OpaquePointer, single: OpaquePointer) {
    if let s = inserts[mask] { return s }
    let names = BarWriter.valueColumns.indices.filter { mask & (1 << $0) != 0 }.map {
      BarWriter.valueColumns[$0]
    }
    let width = 2 + names.count
    let head =
      "INSERT OR IGNORE INTO bars(" + (["security_id", "date"] + names).joined(separator: ", ") + ") VALUES "
    func tuple(_ k: Int) -> String {
      "(" + (1...width).map { "?\(k * width + $0)" }.joined(separator: ",") + ")"
    }
    let bulk = try store.statement(head + (0..<BarWriter.batch).map(tuple).joined(separator: ","))
    let single = try store.statement(head + tuple(0))
    inserts[mask] = (bulk, single)
    return (bulk, single)
  }

  func securityID(_ s: PriceSeries) throws(PriceStoreError) -> Int64 {
    if let id = ids[s.ticker] { return id }
    sqlite3_reset(security)
    bind(security, 1, s.ticker)
    bind(security, 2, s.exchange.mic)
    bind(security, 3, s.exchange.currency)
    bind(security, 4, s.name)
    _ = try store.step(security, "upsert securities")
    sqlite3_reset(security)
    sqlite3_reset(securityLookup)
    bind(securityLookup, 1, s.ticker)
    guard try store.step(securityLookup, "look up securities") else {
      throw .sqlite(path: store.path, operation: "upsert securities", message: "no id stored")
    }
    let id = sqlite3_column_int64(securityLookup, 0)
    sqlite3_reset(securityLookup)
    ids[s.ticker] = id
    outcome.securities = ids.count
    return id
  }

  /// Rows per multi-row insert.
  static let batch = 64

  func append(_ s: PriceSeries) throws(PriceStoreError) {
    let id = try securityID(s)
    let hasReturns = s.isReturnSeries
    let n = s.count
    // The value columns with at least one value; the others stay NULL.
    let all = [s.open, s.high, s.low, s.close, s.adjustedClose, s.volume, hasReturns ? s.returns : []]
    var mask = 0
    var cols: [[Double]] = []
    for (k, c) in all.enumerated() where c.contains(where: { !$0.isNaN }) {
      mask |= 1 << k
      cols.append(c)
    }
    let width = Int32(2 + cols.count)
    let (bulk, single) = try insertStatements(mask)
    // The values row by row in one buffer, so binding reads plain memory.
    let w = cols.count
    let values = UnsafeMutablePointer<Double>.allocate(capacity: max(1, n * w))
    defer { values.deallocate() }
    for (j, c) in cols.enumerated() {
      c.withUnsafeBufferPointer { b in
        for r in 0..<n { values[r * w + j] = b[r] }
      }
    }
    var i = 0
    // Whole batches: one statement inserts `batch` rows; only when some existed already are the
    // rows of that batch compared one by one.
    while n - i >= BarWriter.batch {
      let st = bulk
      sqlite3_reset(st)
      for k in 0..<BarWriter.batch {
        let r = i + k
        let p = Int32(k) * width
        let date = dateBuffer + k * 10
        iso(s.dates[r], date)
        sqlite3_bind_int64(st, p + 1, id)
        sqlite3_bind_text(st, p + 2, UnsafeRawPointer(date).assumingMemoryBound(to: CChar.self), 10, nil)
        let row = values + r * w
        for j in 0..<w { bind(st, p + 3 + Int32(j), row[j]) }
      }
      _ = try store.step(st, "insert bars")
      let inserted = Int(sqlite3_changes(store.db))
      outcome.rowsInserted += inserted
      if inserted < BarWriter.batch {
        outcome.rowsReplaced += BarWriter.batch - inserted
        for k in 0..<BarWriter.batch { try replace(id, s, i + k, hasReturns) }
      }
      rows += BarWriter.batch
      i += BarWriter.batch
    }
    while i < n {
      iso(s.dates[i], dateBuffer)
      let st = single
      sqlite3_reset(st)
      sqlite3_bind_int64(st, 1, id)
      sqlite3_bind_text(st, 2, UnsafeRawPointer(dateBuffer).assumingMemoryBound(to: CChar.self), 10, nil)
      let row = values + i * w
      for j in 0..<w { bind(st, 3 + Int32(j), row[j]) }
      _ = try store.step(st, "insert bars")
      if sqlite3_changes(store.db) == 1 {
        outcome.rowsInserted += 1
      } else {
        outcome.rowsReplaced += 1
        try replace(id, s, i, hasReturns)
      }
      rows += 1
      i += 1
    }
  }

  /// Overwrites a stored bar with row `i` of `s`; counts it as changed when a value differed.
  func replace(_ id: Int64, _ s: PriceSeries, _ i: Int, _ hasReturns: Bool) throws(PriceStoreError) {
    let date = dateBuffer + 10 * BarWriter.batch
    writeISO(s.dates[i], date)
    sqlite3_reset(update)
    sqlite3_bind_int64(update, 1, id)
    sqlite3_bind_text(update, 2, UnsafeRawPointer(date).assumingMemoryBound(to: CChar.self), 10, nil)
    bind(update, 3, s.open[i])
    bind(update, 4, s.high[i])
    bind(update, 5, s.low[i])
    bind(update, 6, s.close[i])
    bind(update, 7, s.adjustedClose[i])
    bind(update, 8, s.volume[i])
    bind(update, 9, hasReturns ? s.returns[i] : .nan)
    _ = try store.step(update, "update bars")
    if sqlite3_changes(store.db) == 1 { outcome.rowsChanged += 1 }
  }

  /// Releases the bindings that point at the date buffer.
  func finish() {
    for st in [update, security, securityLookup] + inserts.values.flatMap({ [$0.bulk, $0.single] }) {
      sqlite3_reset(st)
      sqlite3_clear_bindings(st)
    }
  }
}

/// Runs a `BarWriter` on its own thread. Only that thread touches the connection until
/// `drain()` returns, so the connection is never used by two threads at once.
final class WriterThread: @unchecked Sendable {
  let writer: BarWriter
  let queue = DispatchQueue(label: "PriceStore.writer")
  let slots = DispatchSemaphore(value: 2)
  var failure: PriceStoreError? = nil

  init(writer: BarWriter) { self.writer = writer }

  /// Queues a fragment; throws the first write failure seen so far.
  func submit(_ s: PriceSeries) throws {
    if let f = queue.sync(execute: { failure }) { throw f }
    slots.wait()
    queue.async {
      defer { self.slots.signal() }
      guard self.failure == nil else { return }
      do { try self.writer.append(s) } catch {
        self.failure = (error as? PriceStoreError) ?? .source(path: "", message: "\(error)")
      }
    }
  }

  /// Waits for queued fragments; returns the first failure.
  func drain() -> PriceStoreError? { queue.sync { failure } }
}
