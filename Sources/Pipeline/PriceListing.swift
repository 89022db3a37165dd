import PriceStore

/// Read-only views of the price store for `market-impact prices`.
public enum PriceListing {
  /// `ticker,exchange,currency,first,last,rows,gaps` for every stored security.
  public static func securitiesCSV(database: String) throws(PipelineError) -> String {
    let store = try IngestStage.openStore(database)
    do {
      var out = "ticker,exchange,currency,first,last,rows,gaps\n"
      for s in try store.securities() {
        out +=
          "\(s.ticker),\(s.exchange),\(s.currency),\(s.first?.iso ?? ""),\(s.last?.iso ?? ""),\(s.rows),\(s.gaps)\n"
      }
      return out
    } catch { throw .stage("\(database): \(error)") }
  }

  /// One stored series as `date,open,high,low,close,adj_close,volume`, oldest first.
  public static func exportCSV(database: String, ticker: String) throws(PipelineError) -> String {
    let store = try IngestStage.openStore(database)
    do {
      guard try store.series(for: ticker) != nil else {
        throw PipelineError.invalidArgument(
          "\(database): no series for ticker \"\(ticker)\" (see `market-impact prices list`)")
      }
      return try store.exportCSV(ticker: ticker)
    } catch let e as PipelineError { throw e } catch { throw .stage("\(database): \(error)") }
  }
}
