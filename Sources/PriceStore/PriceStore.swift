import CSQLite
import Foundation
import MarketData

/// The SQLite price store: one file, WAL journal, one transaction per ingested file.
///
/// Schema (see `PriceStore.schema`): `securities` (ticker, exchange MIC, currency, name),
/// `bar_blocks` (one row per security and calendar month: its first and last date, its number of
/// bars and the bars as JSON text, see `BarBlock`), the `bars` view (one row per security and day:
/// open, high, low, close, adj_close, volume, ret; NULL where unknown), `ingest_log` (path,
/// SHA-256, size, time, dialect, counts), `rejects` (file, line, column, raw text, reason),
/// `findings` (data-quality observations) and a `prices` view joining bars to tickers.
///
/// Bars are kept in month blocks because SQLite's cost is per row: one B-tree entry per month
/// instead of one per day makes storing a file several times cheaper, and the views keep the
/// one-row-per-day reading for the `sqlite3` shell. Stores written with one row per bar (schema
/// version 1) are converted when first opened.
///
/// Reads are serialized by a lock, so one store can serve a study's concurrent `series(for:)`
/// calls; they share one prepared statement.
public final class PriceStore: PriceSource, @unchecked Sendable {
  /// The connection (reopened once when a new store's staging file is published).
  var db: OpaquePointer
  let path: String
  /// While a new store is being filled: its staging file (see `Staging`).
  var stagingPath: String? = nil
  /// `false` once `db` is closed (between a staging file's close and the store's reopening).
  var connectionOpen = true
  let readOnly: Bool
  let lock = NSLock()
  var statements: [String: OpaquePointer] = [:]
  /// Connections the last `studySeries(for:)` read on (1 or 2).
  var studyReadConnections = 0

  /// The table of month blocks (also created on its own when a version 1 store is converted).
  static let blockTable = """
    CREATE TABLE IF NOT EXISTS bar_blocks(
      security_id INTEGER NOT NULL REFERENCES securities(id),
      month INTEGER NOT NULL,
      first_date TEXT NOT NULL,
      last_date TEXT NOT NULL,
      n INTEGER NOT NULL,
      bars TEXT NOT NULL,
      PRIMARY KEY(security_id, month)
    ) WITHOUT ROWID;
    """

  /// The schema, as `sqlite3 DB .schema` shows it.
  public static let schema = """
    CREATE TABLE IF NOT EXISTS securities(
      id INTEGER PRIMARY KEY,
      ticker TEXT NOT NULL UNIQUE,
      exchange TEXT NOT NULL,
      currency TEXT,
      name TEXT
    );
    \(blockTable)
    CREATE TABLE IF NOT EXISTS ingest_log(
      id INTEGER PRIMARY KEY,
      path TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      ingested_at TEXT NOT NULL,
      dialect TEXT NOT NULL,
      rows_read INTEGER NOT NULL,
      rows_stored INTEGER NOT NULL,
      rows_rejected INTEGER NOT NULL,
      rows_inserted INTEGER NOT NULL,
      rows_replaced INTEGER NOT NULL,
      rows_changed INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ingest_log_sha ON ingest_log(sha256);
    CREATE TABLE IF NOT EXISTS rejects(
      ingest_id INTEGER NOT NULL REFERENCES ingest_log(id),
      file TEXT NOT NULL,
      line INTEGER NOT NULL,
      col INTEGER,
      raw TEXT NOT NULL,
      reason TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS findings(
      ingest_id INTEGER NOT NULL REFERENCES ingest_log(id),
      kind TEXT NOT NULL,
      ticker TEXT NOT NULL,
      date TEXT,
      line INTEGER,
      detail TEXT NOT NULL
    );
    CREATE VIEW IF NOT EXISTS bars AS
      SELECT k.security_id AS security_id, printf('%04d-%02d-%02d', k.month / 100, k.month % 100, j.value->>0) AS date,
        j.value->>2 AS open, j.value->>3 AS high, j.value->>4 AS low, j.value->>1 AS close,
        j.value->>6 AS adj_close, j.value->>5 AS volume, j.value->>7 AS ret
      FROM bar_blocks k, json_each(k.bars) j;
    CREATE VIEW IF NOT EXISTS prices AS
      SELECT s.ticker, s.exchange, b.date, b.open, b.high, b.low, b.close, b.adj_close, b.volume, b.ret
      FROM bars b JOIN securities s ON s.id = b.security_id;
    PRAGMA user_version = 2;
    """

  /// Opens (and, unless `readOnly`, creates and migrates) the store at `path`.
  ///
  /// A store that does not exist yet is built in a staging file next to it (see `Staging`) and
  /// appears at `path`, complete, when the first file is committed (or when the store is
  /// released without one).
  public init(path: String, readOnly: Bool = false) throws(PriceStoreError) {
    self.path = path
    self.readOnly = readOnly
    let staging = readOnly ? nil : Staging.pathIfNew(path)
    db = try PriceStore.open(staging ?? path, readOnly: readOnly, reportedAs: path)
    stagingPath = staging
    if let staging {
      do {
        try exec(Staging.pragmas)
        try exec(PriceStore.schema)
      } catch {
        // Nothing to publish: the staging file goes (deinit runs for this failed init).
        stagingPath = nil
        closeConnection()
        unlink(staging)
        throw error
      }
    } else if !readOnly {
      try exec(PriceStore.walPragmas)
      try convertRowLayout()
      try exec(PriceStore.schema)
    } else if try hasRowLayout() {
      // Converted through a writable connection; a store that cannot be written stays unreadable.
      do { _ = try PriceStore(path: path) } catch {
        throw .sqlite(
          path: path, operation: "open",
          message:
            "the store keeps one row per bar (written by an earlier MarketImpact) and could not be converted to month blocks: \(error)"
        )
      }
    }
    try exec(PriceStore.cachePragmas)
  }

  /// The journal of a store in use: WAL, synced at checkpoints.
  static let walPragmas = "PRAGMA page_size=32768; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
  /// The connection's page cache and temporary storage.
  static let cachePragmas = "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"

  /// Opens a connection to `file` (errors name `reportedAs`).
  static func open(_ file: String, readOnly: Bool, reportedAs: String) throws(PriceStoreError)
    -> OpaquePointer
  {
    var handle: OpaquePointer? = nil
    let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
    let rc = sqlite3_open_v2(file, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
    guard rc == SQLITE_OK, let handle else {
      let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      if let handle { sqlite3_close_v2(handle) }
      throw .cannotOpen(path: reportedAs, reason: message)
    }
    sqlite3_busy_timeout(handle, 10_000)
    return handle
  }

  deinit {
    if stagingPath != nil { try? publishStaging() }
    closeConnection()
  }

  /// Finalizes the cached statements and closes the connection (once).
  func closeConnection() {
    guard connectionOpen else { return }
    connectionOpen = false
    for (_, s) in statements { sqlite3_finalize(s) }
    statements.removeAll()
    sqlite3_close_v2(db)
  }

  var lastError: String { String(cString: sqlite3_errmsg(db)) }

  /// `true` when `bars` is a table: a version 1 store, one row per bar.
  func hasRowLayout() throws(PriceStoreError) -> Bool {
    let s = try statement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bars'")
    defer { sqlite3_reset(s) }
    return try step(s, "read the schema")
  }

  /// Moves a version 1 store's `bars` table into month blocks, in one transaction.
  func convertRowLayout() throws(PriceStoreError) {
    guard try hasRowLayout() else { return }
    try exec("BEGIN IMMEDIATE")
    do throws(PriceStoreError) {
      try exec(PriceStore.blockTable)
      let w = try BarWriter(store: self)
      var q: OpaquePointer? = nil
      guard
        sqlite3_prepare_v2(
          db,
          "SELECT security_id, date, open, high, low, close, adj_close, volume, ret FROM bars ORDER BY 1, 2",
          -1, &q, nil) == SQLITE_OK, let q
      else { throw PriceStoreError.sqlite(path: path, operation: "read bars", message: lastError) }
      defer { sqlite3_finalize(q) }
      var id: Int64 = -1
      var s = PriceSeries(ticker: "", exchange: .xnys)
      var returns: [Double] = []
      func flush() throws(PriceStoreError) {
        if returns.contains(where: { !$0.isNaN }) { s.returns = returns }
        if id >= 0 && s.count > 0 { try w.append(s, knownID: id) }
        s = PriceSeries(ticker: "", exchange: .xnys)
        returns = []
      }
      while try step(q, "read bars") {
        let sid = sqlite3_column_int64(q, 0)
        if sid != id {
          try flush()
          id = sid
        }
        guard let d = readISO(q, 1) else {
          throw PriceStoreError.sqlite(
            path: path, operation: "convert bars",
            message: "a stored date of security \(sid) is not YYYY-MM-DD")
        }
        s.dates.append(d)
        s.open.append(columnDouble(q, 2))
        s.high.append(columnDouble(q, 3))
        s.low.append(columnDouble(q, 4))
        s.close.append(columnDouble(q, 5))
        s.adjustedClose.append(columnDouble(q, 6))
        s.volume.append(columnDouble(q, 7))
        returns.append(columnDouble(q, 8))
      }
      try flush()
      try w.finish()
      try exec("DROP VIEW IF EXISTS prices; DROP TABLE bars;")
      try exec(PriceStore.schema)
      try exec("COMMIT")
    } catch {
      try? exec("ROLLBACK")
      throw error
    }
    // The old table's pages are free now: give them back, and leave no large WAL behind.
    try exec("VACUUM")
    try exec("PRAGMA wal_checkpoint(TRUNCATE)")
  }

  /// Reads the JSON text in column `column` of `s` (a `bar_blocks.bars`) into `block`.
  func decodeBlock(
    _ s: OpaquePointer, _ column: Int32, securityID: Int64, month: Int, into block: inout BarBlock
  ) throws(PriceStoreError) {
    let p = sqlite3_column_text(s, column)
    let n = Int(sqlite3_column_bytes(s, column))
    do {
      try BarBlockDecoder.decode(UnsafeBufferPointer(start: p, count: n), month: month, into: &block)
    } catch {
      throw .corruptBlock(
        path: path, securityID: securityID, month: month, offset: error.offset, expected: error.expected)
    }
  }

  func exec(_ sql: String) throws(PriceStoreError) {
    var err: UnsafeMutablePointer<CChar>? = nil
    if sqlite3_exec(db, sql, nil, nil, &err) != SQLITE_OK {
      let message = err.map { String(cString: $0) } ?? lastError
      sqlite3_free(err)
      throw .sqlite(path: path, operation: String(sql.prefix(60)), message: message)
    }
  }

  /// A cached prepared statement.
  func statement(_ sql: String) throws(PriceStoreError) -> OpaquePointer {
    if let s = statements[sql] {
      sqlite3_reset(s)
      sqlite3_clear_bindings(s)
      return s
    }
    var s: OpaquePointer? = nil
    guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &s, nil) == SQLITE_OK, let s
    else {
      throw .sqlite(path: path, operation: String(sql.prefix(60)), message: lastError)
    }
    statements[sql] = s
    return s
  }

  func step(_ s: OpaquePointer, _ what: String) throws(PriceStoreError) -> Bool {
    let rc = sqlite3_step(s)
    if rc == SQLITE_ROW { return true }
    if rc == SQLITE_DONE { return false }
    throw .sqlite(path: path, operation: what, message: lastError)
  }
}

// MARK: - Binding helpers

let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

@inline(__always) func bind(_ s: OpaquePointer, _ i: Int32, _ v: Double) {
  if v.isNaN { sqlite3_bind_null(s, i) } else { sqlite3_bind_double(s, i, v) }
}

@inline(__always) func bind(_ s: OpaquePointer, _ i: Int32, _ v: String?) {
  if let v { sqlite3_bind_text(s, i, v, -1, transient) } else { sqlite3_bind_null(s, i) }
}

@inline(__always) func bind(_ s: OpaquePointer, _ i: Int32, _ v: Int?) {
  if let v { sqlite3_bind_int64(s, i, Int64(v)) } else { sqlite3_bind_null(s, i) }
}

@inline(__always) func columnDouble(_ s: OpaquePointer, _ i: Int32) -> Double {
  sqlite3_column_type(s, i) == SQLITE_NULL ? .nan : sqlite3_column_double(s, i)
}

func columnText(_ s: OpaquePointer, _ i: Int32) -> String? {
  guard let p = sqlite3_column_text(s, i) else { return nil }
  return String(cString: p)
}

/// Writes an ISO date into 10 bytes.
@inline(__always) func writeISO(_ d: CivilDate, _ out: UnsafeMutablePointer<UInt8>) { d.writeISO(to: out) }

/// Reads an ISO date from a column.
@inline(__always) func readISO(_ s: OpaquePointer, _ i: Int32) -> CivilDate? {
  guard let p = sqlite3_column_text(s, i), sqlite3_column_bytes(s, i) == 10 else { return nil }
  @inline(__always) func d(_ k: Int) -> Int { Int(p[k]) - 48 }
  return CivilDate(
    year: d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3), month: d(5) * 10 + d(6), day: d(8) * 10 + d(9))
}
