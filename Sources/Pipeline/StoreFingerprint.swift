import MarketData
import PriceStore

/// Fingerprints a price store by its content, not its file: the SQLite file's bytes change with
/// page layout and write-ahead-log checkpoints even when no price does.
enum StoreFingerprint {
  /// SHA-256 of the stored prices, one line per row of the `prices` view ordered by ticker and
  /// date (`ticker,exchange,date,open,high,low,close,adj_close,volume,ret`), and the row count.
  static func digest(_ store: PriceStore, path: String) throws(PipelineError) -> (sha256: String, rows: Int) {
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

  /// The store as an input (content digest, price rows) followed by the price files its ingest
  /// log records (latest ingest of each path; their digests are the log's, not checked by `rerun`).
  static func inputs(_ store: PriceStore, path: String) throws(PipelineError) -> [InputFile] {
    let content = try digest(store, path: path)
    let securities: Int
    do { securities = try store.tickers().count } catch { throw .stage("\(path): \(error)") }
    var out = [
      InputFile(
        role: "price_store", path: path, sha256: content.sha256, bytes: nil, rows: content.rows,
        checked: true,
        detail:
          "\(securities) securities; sha256 of the stored prices (the prices view by ticker and date), not of the file"
      )
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
