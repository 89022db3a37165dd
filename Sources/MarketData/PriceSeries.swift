/// One security's daily price history, stored as parallel arrays (struct of arrays), oldest first.
///
/// Missing values are `Double.nan`. A series holds either prices (close, optionally open/high/low/
/// adjusted close/volume) or, for return-only sources such as CRSP extracts, simple returns.
public struct PriceSeries: Sendable, Equatable {
  /// The security's ticker as stored (exchange-suffixed outside the US, e.g. `LYC.AX`).
  public var ticker: String
  /// The exchange the security trades on; decides its calendar and time zone.
  public var exchange: Exchange
  /// The security's name when the source gives one (a `Name` or `股票名称` column); not part of
  /// equality, which compares the data.
  public var name: String? = nil
  /// Trading days, strictly increasing.
  public var dates: [CivilDate]
  /// Opening prices (NaN when unknown).
  public var open: [Double]
  /// Daily highs (NaN when unknown).
  public var high: [Double]
  /// Daily lows (NaN when unknown).
  public var low: [Double]
  /// Closing prices (NaN when unknown).
  public var close: [Double]
  /// Split- and dividend-adjusted closes (NaN when unknown).
  public var adjustedClose: [Double]
  /// Volumes (NaN when unknown).
  public var volume: [Double]
  /// Simple returns given by the source itself (NaN when unknown); empty for price series.
  public var returns: [Double]

  /// Creates a series; every non-empty column must have as many values as `dates`.
  public init(
    ticker: String, exchange: Exchange, dates: [CivilDate] = [], open: [Double] = [], high: [Double] = [],
    low: [Double] = [], close: [Double] = [], adjustedClose: [Double] = [], volume: [Double] = [],
    returns: [Double] = []
  ) {
    self.ticker = ticker
    self.exchange = exchange
    self.dates = dates
    let n = dates.count
    // Unknown columns share one array of NaN (copied on write), not one allocation each.
    var unknown: [Double]? = nil
    func fill(_ c: [Double]) -> [Double] {
      if c.count == n { return c }
      if let u = unknown { return u }
      let u = [Double](repeating: .nan, count: n)
      unknown = u
      return u
    }
    self.open = fill(open)
    self.high = fill(high)
    self.low = fill(low)
    self.close = fill(close)
    self.adjustedClose = fill(adjustedClose)
    self.volume = fill(volume)
    self.returns = returns.count == n ? returns : []
  }

  /// Number of trading days.
  public var count: Int { dates.count }

  /// `true` when the source gave returns instead of prices.
  public var isReturnSeries: Bool { !returns.isEmpty }

  /// The price used for returns: adjusted close when known, else close.
  public var referencePrice: [Double] {
    var out = close
    for i in 0..<out.count where !adjustedClose[i].isNaN { out[i] = adjustedClose[i] }
    return out
  }

  /// Simple returns R_t = P_t / P_{t−1} − 1 for each date (NaN for the first date and wherever
  /// either price is missing or non-positive), or the source's own returns for return series.
  public func simpleReturns() -> [Double] {
    if isReturnSeries { return returns }
    let p = referencePrice
    var r = [Double](repeating: .nan, count: p.count)
    if p.count > 1 {
      for i in 1..<p.count where p[i] > 0 && p[i - 1] > 0 { r[i] = p[i] / p[i - 1] - 1 }
    }
    return r
  }

  /// Appends one day.
  public mutating func append(
    date: CivilDate, open: Double = .nan, high: Double = .nan, low: Double = .nan, close: Double = .nan,
    adjustedClose: Double = .nan, volume: Double = .nan
  ) {
    dates.append(date)
    self.open.append(open)
    self.high.append(high)
    self.low.append(low)
    self.close.append(close)
    self.adjustedClose.append(adjustedClose)
    self.volume.append(volume)
  }

  /// Index of `date` in `dates`, or `nil`.
  public func index(of date: CivilDate) -> Int? { TradingCalendar.binarySearch(dates, date) }

  /// NaN-aware equality (two missing values compare equal).
  public static func == (a: PriceSeries, b: PriceSeries) -> Bool {
    func same(_ x: [Double], _ y: [Double]) -> Bool {
      x.count == y.count && zip(x, y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
    return a.ticker == b.ticker && a.exchange == b.exchange && a.dates == b.dates && same(a.open, b.open)
      && same(a.high, b.high) && same(a.low, b.low) && same(a.close, b.close)
      && same(a.adjustedClose, b.adjustedClose) && same(a.volume, b.volume) && same(a.returns, b.returns)
  }
}

/// Where the study reads prices from: the SQLite store in the CLI, in-memory series in tests.
public protocol PriceSource {
  /// The stored series of a ticker, or `nil` when the source has none.
  func series(for ticker: String) throws -> PriceSeries?
  /// Every ticker the source holds.
  func tickers() throws -> [String]
  /// What a study needs of several tickers, in the order given (`nil` where the source has none):
  /// dates, close, adjusted close and returns; open, high, low and volume may be left unknown
  /// (NaN). A store reads them all as of one moment (one snapshot), so a study never mixes
  /// series from before and after a concurrent ingest.
  func studySeries(for tickers: [String]) throws -> [PriceSeries?]
}

extension PriceSource {
  /// One `series(for:)` per ticker.
  public func studySeries(for tickers: [String]) throws -> [PriceSeries?] {
    try tickers.map { try series(for: $0) }
  }
}

/// A `PriceSource` over series held in memory.
public struct InMemoryPriceSource: PriceSource, Sendable {
  /// The series, keyed by ticker.
  public var byTicker: [String: PriceSeries]
  /// Creates a source over the given series.
  public init(_ series: [PriceSeries]) {
    byTicker = Dictionary(series.map { ($0.ticker, $0) }, uniquingKeysWith: { a, _ in a })
  }
  /// The series of a ticker.
  public func series(for ticker: String) -> PriceSeries? { byTicker[ticker] }
  /// Every ticker, sorted.
  public func tickers() -> [String] { byTicker.keys.sorted() }
}
