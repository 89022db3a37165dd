import CSQLite
import Foundation
import MarketData

/// The SQLite price store: one file, WAL journal, one transaction per ingested file.
///
/// Schema (see `PriceStore.schema`): `securities` (ticker, exchange MIC, currency, name),
/// `bars` (one row per security and day: open, high, low, close, adj_close, volume, ret; NULL
/// where unknown; WITHOUT ROWID, keyed by security and ISO date), `ingest_log` (path, SHA-256,
/// size, time, dialect, counts), `rejects` (file, line, column, raw text, reason), `findings`
/// (data-quality observations) and a `prices` view joining bars to tickers.
///
/// Reads are serialized by a lock, so one store can serve a study's concurrent `series(for:)`
/// calls; they share one prepared statement.
public final class PriceStore: PriceSource, @unchecked Sendable {
  let db: OpaquePointer
  let path: String
  let readOnly: Bool
  let lock = NSLock()
  var statements: [String: OpaquePointer] = [:]
  /// Connections the last `studySeries(for:)` read on (1 or 2).
  var studyReadConnections = 0

  /// The schema, as `sqlite3 DB .schema` shows it.
  public static let schema = """
    CREATE TABLE IF NOT EXISTS securities(
      id INTEGER PRIMARY KEY,
      ticker TEXT NOT NULL UNIQUE,
      exchange TEXT NOT NULL,
      currency TEXT,
      name TEXT
    );
    CREATE TABLE IF NOT EXISTS bars(
      security_id INTEGER NOT NULL REFERENCES securities(id),
      date TEXT NOT NULL,
      open REAL, high REAL, low REAL, close REAL, adj_close REAL, volume NUMERIC, ret REAL,
      PRIMARY KEY(security_id, date)
    ) WITHOUT ROWID;
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
    CREATE VIEW IF NOT EXISTS prices AS
      SELECT s.ticker, s.exchange, b.date, b.open, b.high, b.low, b.close, b.adj_close, b.volume, b.ret
      FROM bars b JOIN securities s ON s.id = b.security_id;
    PRAGMA user_version = 1;
    """

  /// Opens (and, unless `readOnly`, creates and migrates) the store at `path`.
  public init(path: String, readOnly: Bool = false) throws(PriceStoreError) {
    self.path = path
    self.readOnly = readOnly
    var handle: OpaquePointer? = nil
    let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
    let rc = sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
    guard rc == SQLITE_OK, let handle else {
      let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      if let handle { sqlite3_close_v2(handle) }
      throw .cannotOpen(path: path, reason: message)
    }
    db = handle
    sqlite3_busy_timeout(db, 10_000)
    if !readOnly {
      try exec("PRAGMA page_size=32768; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
      try exec(PriceStore.schema)
    }
    try exec("PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;")
  }

  deinit {
    for (_, s) in statements { sqlite3_finalize(s) }
    sqlite3_close_v2(db)
  }

  var lastError: String { String(cString: sqlite3_errmsg(db)) }

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
