import CSQLite
import Dispatch
import Foundation
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
  /// A stored month block's text is not the bars JSON the store writes (edited by hand?).
  case corruptBlock(path: String, securityID: Int64, month: Int, offset: Int, expected: String)

  /// A one-line message.
  public var description: String {
    switch self {
    case .cannotOpen(let p, let r): return "\(p): cannot open the price store: \(r)"
    case .sqlite(let p, let o, let m): return "\(p): SQLite error during \(o): \(m)"
    case .readOnly(let p): return "\(p): the price store is open read-only"
    case .source(let p, let m): return p.isEmpty ? m : "\(p): \(m)"
    case .corruptBlock(let p, let id, let month, let offset, let expected):
      return
        "\(p): bar_blocks row of security_id \(id), month \(month): the bars text at byte \(offset) is not what the store writes (expected \(expected))"
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
      try w.finish()
      if let id = try ingestID(sha256: file.sha256) {
        if stagingPath != nil { try discardStaging() } else { try exec("ROLLBACK") }
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
      // A new store appears at its path now, with this file in it.
      if stagingPath != nil { try publishStaging() }
      return outcome
    } catch {
      // Without a journal (a new store's first file) there is no rollback: the staging file is
      // replaced by an empty one.
      if stagingPath != nil { try? discardStaging() } else { try? exec("ROLLBACK") }
      throw error
    }
  }
}

/// A security's bars cut into month blocks and encoded, ready to be written: the blocks' texts
/// back to back in `text`.
struct PreparedFragment {
  /// The security (registered by ticker unless `knownID` is set).
  var ticker: String
  /// Its exchange.
  var exchange: Exchange
  /// Its name, when the file gave one.
  var name: String?
  /// The `securities.id`, when already known (converting a version 1 store).
  var knownID: Int64?
  /// The texts of `blocks`.
  var text: [UInt8] = []
  /// The blocks.
  var blocks: [PreparedBlock] = []
}

/// One month block of a `PreparedFragment`.
struct PreparedBlock {
  /// `year * 100 + month`.
  var month: Int
  /// Bars in it.
  var count: Int
  /// Its first and last date.
  var first: CivilDate
  var last: CivilDate
  /// Where its text is in the fragment's `text`.
  var start: Int
  var length: Int
}

/// Cuts series into month blocks and encodes them, without touching the database, so this work
/// runs on a thread of its own (`WriterThread`) while the writing thread inserts.
///
/// A month that ends before the series does is complete. The last month of a series is held
/// back until the next fragment of that security arrives (a date-major file comes in fragments of
/// a few hundred bars per security) or the file ends, so a month cut by a fragment boundary is
/// still one block. A series out of date order is cut wherever a date does not follow the one
/// before; the writer merges blocks of a month it already stored.
final class BlockPreparer {
  let encoder = BarBlockEncoder()
  /// Each security's held month, by key (ticker, or id when known).
  var held: [String: BarBlock] = [:]
  /// Securities with a held month, in first-seen order, with what registers them.
  var heldOrder: [(key: String, fragment: PreparedFragment)] = []
  var seen: Set<String> = []
  var run = BarBlock()

  /// Prepares the complete months of `s`.
  func prepare(_ s: PriceSeries, knownID: Int64? = nil) -> PreparedFragment {
    var out = PreparedFragment(ticker: s.ticker, exchange: s.exchange, name: s.name, knownID: knownID)
    let key = knownID.map { "\u{1}\($0)" } ?? s.ticker
    if seen.insert(key).inserted { heldOrder.append((key, out)) }
    // Room for the texts (a bar takes ~50 bytes), so appending them does not copy them again
    // (reserved after the copy above, which must not share this buffer).
    out.text.reserveCapacity(64 + s.count * 72)
    let hasReturns = s.isReturnSeries
    let n = s.count
    var i = 0
    while i < n {
      // One month's run of strictly ascending dates: bars i..<j.
      let first = s.dates[i]
      let end = BarBlock.nextMonthStart(after: first)
      let month = BarBlock.month(of: first)
      var j = i + 1
      while j < n, s.dates[j] < end, s.dates[j] > s.dates[j - 1] { j += 1 }
      if var h = held.removeValue(forKey: key) {
        if h.month == month, let last = h.dates.last, first > last {
          // The held month goes on: joined, then written or held again.
          for k in i..<j { h.append(s, k, hasReturns: hasReturns) }
          if j < n { add(h, to: &out) } else { held[key] = h }
          i = j
          continue
        }
        add(h, to: &out)
      }
      if j < n {
        // A complete month: encoded from the series' columns in place.
        encoder.encode(s, i..<j)
        append(month: month, count: j - i, first: first, last: s.dates[j - 1], to: &out)
      } else {
        // The series' last month waits for the next fragment.
        run.reset(month: month)
        for k in i..<j { run.append(s, k, hasReturns: hasReturns) }
        held[key] = run
      }
      i = j
    }
    return out
  }

  /// The held months, one fragment per security in first-seen order.
  func finish() -> [PreparedFragment] {
    var out: [PreparedFragment] = []
    for (key, meta) in heldOrder {
      guard let h = held[key] else { continue }
      var f = meta
      add(h, to: &f)
      out.append(f)
    }
    held.removeAll()
    return out
  }

  func add(_ block: BarBlock, to f: inout PreparedFragment) {
    guard let first = block.dates.first, let last = block.dates.last else { return }
    encoder.encode(block)
    append(month: block.month, count: block.count, first: first, last: last, to: &f)
  }

  /// Appends the encoder's text as a block of `f`.
  func append(month: Int, count: Int, first: CivilDate, last: CivilDate, to f: inout PreparedFragment) {
    let start = f.text.count
    f.text.append(contentsOf: encoder.text)
    f.blocks.append(
      PreparedBlock(month: month, count: count, first: first, last: last, start: start, length: encoder.count)
    )
  }
}

/// Writes prepared month blocks (see `BlockPreparer`) inside a transaction.
///
/// Each block is inserted as one row of `bar_blocks`. When the store already holds that month (an
/// earlier file, or this file's rows out of date order), the stored block is read, the new bars
/// replace those of the same dates, and the inserted, replaced and changed bars are counted.
final class BarWriter {
  let store: PriceStore
  let insert: OpaquePointer
  let select: OpaquePointer
  let update: OpaquePointer
  let security: OpaquePointer
  let securityLookup: OpaquePointer
  var ids: [String: Int64] = [:]
  var outcome = StoreOutcome()
  var rows = 0
  /// Cuts and encodes series; used by the thread that hands series in.
  let preparer = BlockPreparer()
  /// Encodes merged blocks.
  let encoder = BarBlockEncoder()
  var stored = BarBlock()
  var newer = BarBlock()
  var merged = BarBlock()
  /// ISO text of a block's first and last date.
  let isoBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 20)

  init(store: PriceStore) throws(PriceStoreError) {
    self.store = store
    insert = try store.statement(
      """
      INSERT INTO bar_blocks(security_id, month, first_date, last_date, n, bars) VALUES(?1, ?2, ?3, ?4, ?5, ?6)
      ON CONFLICT(security_id, month) DO NOTHING
      """)
    select = try store.statement("SELECT bars FROM bar_blocks WHERE security_id = ?1 AND month = ?2")
    update = try store.statement(
      "UPDATE bar_blocks SET first_date = ?3, last_date = ?4, n = ?5, bars = ?6 WHERE security_id = ?1 AND month = ?2"
    )
    // No RETURNING: SQLite buffers returned rows in an ephemeral table, which costs a page
    // allocation per security; the id is read back with an indexed lookup instead.
    security = try store.statement(
      """
      INSERT INTO securities(ticker, exchange, currency, name) VALUES(?1, ?2, ?3, ?4)
      ON CONFLICT(ticker) DO UPDATE SET exchange = excluded.exchange, name = coalesce(excluded.name, securities.name)
      """)
    securityLookup = try store.statement("SELECT id FROM securities WHERE ticker = ?1")
  }

  deinit { isoBuffer.deallocate() }

  func securityID(_ f: PreparedFragment) throws(PriceStoreError) -> Int64 {
    if let id = f.knownID { return id }
    if let id = ids[f.ticker] { return id }
    sqlite3_reset(security)
    bind(security, 1, f.ticker)
    bind(security, 2, f.exchange.mic)
    bind(security, 3, f.exchange.currency)
    bind(security, 4, f.name)
    _ = try store.step(security, "upsert securities")
    sqlite3_reset(security)
    sqlite3_reset(securityLookup)
    bind(securityLookup, 1, f.ticker)
    guard try store.step(securityLookup, "look up securities") else {
      throw .sqlite(path: store.path, operation: "upsert securities", message: "no id stored")
    }
    let id = sqlite3_column_int64(securityLookup, 0)
    sqlite3_reset(securityLookup)
    ids[f.ticker] = id
    outcome.securities = ids.count
    return id
  }

  /// Writes the bars of `s` (any date order; a date repeated within `s` replaces its earlier bar).
  func append(_ s: PriceSeries, knownID: Int64? = nil) throws(PriceStoreError) {
    try write(preparer.prepare(s, knownID: knownID))
  }

  /// Registers the fragment's security and writes its blocks.
  func write(_ f: PreparedFragment) throws(PriceStoreError) {
    let id = try securityID(f)
    try f.text.withUnsafeBufferPointer { (t: UnsafeBufferPointer<UInt8>) throws(PriceStoreError) in
      guard let base = t.baseAddress else { return }
      for b in f.blocks {
        let text = UnsafeBufferPointer(start: base + b.start, count: b.length)
        rows += b.count
        if try put(insert, id: id, month: b.month, first: b.first, last: b.last, count: b.count, text: text) {
          outcome.rowsInserted += b.count
        } else {
          try mergeIntoStored(id: id, month: b.month, text: text)
        }
      }
    }
  }

  /// Merges a block's bars into the stored block of the same month.
  func mergeIntoStored(id: Int64, month: Int, text: UnsafeBufferPointer<UInt8>) throws(PriceStoreError) {
    do {
      try BarBlockDecoder.decode(text, month: month, into: &newer)
    } catch {
      throw .sqlite(
        path: store.path, operation: "merge bar_blocks", message: "prepared block unreadable: \(error)")
    }
    sqlite3_reset(select)
    sqlite3_bind_int64(select, 1, id)
    sqlite3_bind_int64(select, 2, Int64(month))
    guard try store.step(select, "read bar_blocks") else {
      throw .sqlite(path: store.path, operation: "insert bar_blocks", message: "conflicting block not found")
    }
    try store.decodeBlock(select, 0, securityID: id, month: month, into: &stored)
    sqlite3_reset(select)
    let counts = BarBlock.merge(stored: stored, newer: newer, into: &merged)
    outcome.rowsInserted += counts.inserted
    outcome.rowsReplaced += counts.replaced
    outcome.rowsChanged += counts.changed
    if counts.inserted == 0 && counts.changed == 0 { return }
    guard let first = merged.dates.first, let last = merged.dates.last else { return }
    encoder.encode(merged)
    _ = try put(
      update, id: id, month: month, first: first, last: last, count: merged.count, text: encoder.text)
  }

  /// Binds a block to `st` (insert or update) and runs it; `true` when a row changed.
  func put(
    _ st: OpaquePointer, id: Int64, month: Int, first: CivilDate, last: CivilDate, count: Int,
    text: UnsafeBufferPointer<UInt8>
  ) throws(PriceStoreError) -> Bool {
    sqlite3_reset(st)
    sqlite3_bind_int64(st, 1, id)
    sqlite3_bind_int64(st, 2, Int64(month))
    first.writeISO(to: isoBuffer)
    last.writeISO(to: isoBuffer + 10)
    sqlite3_bind_text(st, 3, UnsafeRawPointer(isoBuffer).assumingMemoryBound(to: CChar.self), 10, nil)
    sqlite3_bind_text(st, 4, UnsafeRawPointer(isoBuffer + 10).assumingMemoryBound(to: CChar.self), 10, nil)
    sqlite3_bind_int64(st, 5, Int64(count))
    sqlite3_bind_text(
      st, 6, UnsafeRawPointer(text.baseAddress)?.assumingMemoryBound(to: CChar.self), Int32(text.count), nil)
    _ = try store.step(st, "write bar_blocks")
    let changed = sqlite3_changes(store.db) == 1
    sqlite3_reset(st)
    sqlite3_clear_bindings(st)
    return changed
  }

  /// Writes the months still held, in first-seen order of their securities.
  func finish() throws(PriceStoreError) {
    for f in preparer.finish() { try write(f) }
    for st in [insert, select, update, security, securityLookup] {
      sqlite3_reset(st)
      sqlite3_clear_bindings(st)
    }
  }
}

/// Runs a `BarWriter` in two stages on two threads of their own: one cuts and encodes series
/// into month blocks (`BlockPreparer`), the other writes them, so the reading thread only hands
/// series over. Only the writing thread touches the connection until `drain()` returns, so the
/// connection is never used by two threads at once; each stage takes fragments in the order they
/// were submitted.
final class WriterThread: @unchecked Sendable {
  let writer: BarWriter
  let prepareQueue = DispatchQueue(label: "PriceStore.prepare")
  let writeQueue = DispatchQueue(label: "PriceStore.writer")
  /// Bars in flight (submitted, not yet written) and the most allowed: a reader flushes half a
  /// million rows at once (`PriceIngestor.streamingFlushRows`), in one fragment per security, and
  /// must be able to go on reading while the last two are written (~60 MB at ~60 bytes a bar;
  /// storing a 1 GB file peaked at 218 MB resident, against 202 MB with one flush in flight and
  /// 270 MB with flushes of a million rows).
  let inFlight = NSCondition()
  var barsInFlight = 0
  static let maxBarsInFlight = 1 << 20
  var failure: PriceStoreError? = nil

  init(writer: BarWriter) { self.writer = writer }

  /// Queues a fragment; throws the first write failure seen so far.
  func submit(_ s: PriceSeries) throws {
    if let f = writeQueue.sync(execute: { failure }) { throw f }
    let n = s.count
    inFlight.lock()
    while barsInFlight > 0 && barsInFlight + n > WriterThread.maxBarsInFlight { inFlight.wait() }
    barsInFlight += n
    inFlight.unlock()
    let series = Submitted(s)
    prepareQueue.async {
      let prepared = Prepared(self.writer.preparer.prepare(series.series))
      self.writeQueue.async {
        defer {
          self.inFlight.lock()
          self.barsInFlight -= n
          self.inFlight.signal()
          self.inFlight.unlock()
        }
        guard self.failure == nil else { return }
        do { try self.writer.write(prepared.fragment) } catch {
          self.failure = (error as? PriceStoreError) ?? .source(path: "", message: "\(error)")
        }
      }
    }
  }

  /// Waits for queued fragments; returns the first failure.
  func drain() -> PriceStoreError? {
    prepareQueue.sync {}
    return writeQueue.sync { failure }
  }
}

/// A series handed to the prepare queue.
private final class Submitted: @unchecked Sendable {
  let series: PriceSeries
  init(_ series: PriceSeries) { self.series = series }
}

/// A prepared fragment handed to the writer's queue.
private final class Prepared: @unchecked Sendable {
  let fragment: PreparedFragment
  init(_ fragment: PreparedFragment) { self.fragment = fragment }
}
