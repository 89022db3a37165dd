import MarketData
import PriceStore

/// Fingerprints a price store by what was put into it, not by its file (the SQLite file's bytes
/// change with page layout and write-ahead-log checkpoints even when no price does), and without
/// reading the stored prices (which takes seconds for a store of millions of rows).
///
/// The digest is the SHA-256 of the store's ingest log, one line per ingested file in ingest order
/// with the file's SHA-256, size, detected dialect and row counts (read, stored, rejected, inserted,
/// replaced, changed). Ingest is deterministic and only ever adds to the store, skipping a file whose
/// SHA-256 it already logged, so the same files ingested in the same order give the same prices and
/// the same digest; any other file, or another order, changes it. Paths and ingest times are left
/// out, so a store rebuilt elsewhere from the same files has the same digest. Manifests written
/// before this rule recorded a digest of the stored prices themselves; `rerun` still checks those
/// that way (`contentDigest`).
enum StoreFingerprint {
  /// What the manifest's `detail` of the store says about how it was fingerprinted.
  static let rule =
    "sha256 of the store's ingest log (each ingested file's sha256, size, dialect and row counts, in ingest order), not of the file"

  /// SHA-256 of the ingest log (see the type's description) and the number of stored price rows.
  static func digest(_ store: PriceStore, path: String) throws(PipelineError) -> (sha256: String, rows: Int) {
    let log: [[String]]
    let count: [[String]]
    do {
      log = try store.query(
        """
        SELECT sha256, bytes, dialect, rows_read, rows_stored, rows_rejected, rows_inserted, rows_replaced,
        rows_changed FROM ingest_log ORDER BY id
        """)
      count = try store.query("SELECT coalesce(sum(n), 0) FROM bar_blocks")
    } catch { throw .stage("\(path): cannot read the ingest log (\(error))") }
    var text = "market-impact ingest log v1\n"
    for r in log { text += r.joined(separator: "\t") + "\n" }
    return (SHA256Digest.hex(Array(text.utf8)), count.first.flatMap { $0.first }.flatMap { Int($0) } ?? 0)
  }

  /// SHA-256 of the stored prices, one line per row of the `prices` view ordered by ticker and
  /// date (`ticker,exchange,date,open,high,low,close,adj_close,volume,ret`), and the row count: the
  /// fingerprint of manifests written before the ingest-log rule (reads every price: slow).
  static func contentDigest(_ store: PriceStore, path: String) throws(PipelineError) -> (
    sha256: String, rows: Int
  ) {
    let rows: [[String]]
    do {
      rows = try store.query(
        "SELECT ticker, exchange, date, open, high, low, close, adj_close, volume, ret FROM prices ORDER BY ticker, date"
      )
    } catch { throw .stage("\(path): cannot read the stored prices (\(error))") }
    var d = SHA256Digest()
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 16)
    for r in rows {
      buffer += Array(r.joined(separator: ",").utf8)
      buffer.append(10)
      if buffer.count >= 1 << 16 {
        d.update(buffer)
        buffer.removeAll(keepingCapacity: true)
      }
    }
    d.update(buffer)
    return (d.finalizeHex(), rows.count)
  }

  /// The digest a manifest's store input was recorded with: the ingest-log rule, or the stored
  /// prices for manifests that predate it.
  static func digest(_ store: PriceStore, path: String, recordedDetail: String?) throws(PipelineError)
    -> String
  {
    if let d = recordedDetail, d.contains("sha256 of the stored prices") {
      return try contentDigest(store, path: path).sha256
    }
    return try digest(store, path: path).sha256
  }

  /// The store as an input (ingest-log digest, price rows) followed by the price files its ingest
  /// log records (latest ingest of each path; their digests are the log's, not checked by `rerun`).
  static func inputs(_ store: PriceStore, path: String) throws(PipelineError) -> [InputFile] {
    let content = try digest(store, path: path)
    let securities: Int
    do { securities = try store.tickers().count } catch { throw .stage("\(path): \(error)") }
    var out = [
      InputFile(
        role: "price_store", path: path, sha256: content.sha256, bytes: nil, rows: content.rows,
        checked: true, detail: "\(securities) securities; \(rule)")
    ]
    let log: [[String]]
    do {
      log = try store.query("SELECT path, sha256, bytes, rows_read, rows_stored FROM ingest_log ORDER BY id")
    } catch { throw .stage("\(path): cannot read the ingest log (\(error))") }
    var latest: [String: [String]] = [:]
    var order: [String] = []
    for r in log where r.count == 5 {
      if latest[r[0]] == nil { order.append(r[0]) }
      latest[r[0]] = r
    }
    for p in order {
      guard let r = latest[p] else { continue }
      out.append(
        InputFile(
          role: "price_file_in_store", path: r[0], sha256: r[1], bytes: Int(r[2]), rows: Int(r[3]) ?? 0,
          checked: false, detail: "\(r[4]) rows stored (from the store's ingest log)"))
    }
    return out
  }
}
