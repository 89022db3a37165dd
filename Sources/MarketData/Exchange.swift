/// A securities exchange, named by its ISO 10383 market identifier code (MIC), with the facts day-0
/// alignment needs: its time zone, regular trading hours and the ticker suffix vendors use for it.
public struct Exchange: Hashable, Sendable, CustomStringConvertible {
  /// The ISO 10383 MIC, e.g. `XNYS`.
  public let mic: String
  /// The IANA time zone of the exchange, e.g. `America/New_York`.
  public let timeZone: String
  /// Regular session open, minutes after local midnight.
  public let openMinute: Int
  /// Regular session close, minutes after local midnight.
  public let closeMinute: Int
  /// The ticker suffix Yahoo-style vendors use (`.SS`), empty for US listings.
  public let tickerSuffix: String
  /// The MIC whose session calendar this exchange follows (NASDAQ and NYSE Arca follow NYSE).
  public let calendarMIC: String
  /// ISO 4217 currency most listings trade in.
  public let currency: String

  /// The MIC.
  public var description: String { mic }

  /// New York Stock Exchange.
  public static let xnys = Exchange(
    mic: "XNYS", timeZone: "America/New_York", openMinute: 570, closeMinute: 960, tickerSuffix: "",
    calendarMIC: "XNYS", currency: "USD")
  /// NASDAQ (NYSE holidays).
  public static let xnas = Exchange(
    mic: "XNAS", timeZone: "America/New_York", openMinute: 570, closeMinute: 960, tickerSuffix: "",
    calendarMIC: "XNYS", currency: "USD")
  /// NYSE American, formerly AMEX (NYSE holidays).
  public static let xase = Exchange(
    mic: "XASE", timeZone: "America/New_York", openMinute: 570, closeMinute: 960, tickerSuffix: "",
    calendarMIC: "XNYS", currency: "USD")
  /// NYSE Arca, where most US ETFs list (NYSE holidays).
  public static let arcx = Exchange(
    mic: "ARCX", timeZone: "America/New_York", openMinute: 570, closeMinute: 960, tickerSuffix: "",
    calendarMIC: "XNYS", currency: "USD")
  /// Shanghai Stock Exchange.
  public static let xshg = Exchange(
    mic: "XSHG", timeZone: "Asia/Shanghai", openMinute: 570, closeMinute: 900, tickerSuffix: ".SS",
    calendarMIC: "XSHG", currency: "CNY")
  /// Shenzhen Stock Exchange (Shanghai's holidays).
  public static let xshe = Exchange(
    mic: "XSHE", timeZone: "Asia/Shanghai", openMinute: 570, closeMinute: 900, tickerSuffix: ".SZ",
    calendarMIC: "XSHG", currency: "CNY")
  /// Australian Securities Exchange.
  public static let xasx = Exchange(
    mic: "XASX", timeZone: "Australia/Sydney", openMinute: 600, closeMinute: 960, tickerSuffix: ".AX",
    calendarMIC: "XASX", currency: "AUD")
  /// Hong Kong Exchanges.
  public static let xhkg = Exchange(
    mic: "XHKG", timeZone: "Asia/Hong_Kong", openMinute: 570, closeMinute: 960, tickerSuffix: ".HK",
    calendarMIC: "XHKG", currency: "HKD")
  /// London Stock Exchange.
  public static let xlon = Exchange(
    mic: "XLON", timeZone: "Europe/London", openMinute: 480, closeMinute: 990, tickerSuffix: ".L",
    calendarMIC: "XLON", currency: "GBP")
  /// Tokyo Stock Exchange (close 15:30 from 2024-11-05, 15:00 before; see `closeMinute(on:)`).
  public static let xtks = Exchange(
    mic: "XTKS", timeZone: "Asia/Tokyo", openMinute: 540, closeMinute: 930, tickerSuffix: ".T",
    calendarMIC: "XTKS", currency: "JPY")
  /// Toronto Stock Exchange.
  public static let xtse = Exchange(
    mic: "XTSE", timeZone: "America/Toronto", openMinute: 570, closeMinute: 960, tickerSuffix: ".TO",
    calendarMIC: "XTSE", currency: "CAD")
  /// Frankfurt Stock Exchange.
  public static let xfra = Exchange(
    mic: "XFRA", timeZone: "Europe/Berlin", openMinute: 540, closeMinute: 1050, tickerSuffix: ".F",
    calendarMIC: "XFRA", currency: "EUR")

  /// Korea Exchange (no built-in holiday table: weekends only unless the calendar is inferred).
  public static let xkrx = Exchange(
    mic: "XKRX", timeZone: "Asia/Seoul", openMinute: 540, closeMinute: 930, tickerSuffix: ".KS",
    calendarMIC: "XKRX", currency: "KRW")

  /// Every exchange MarketImpact knows.
  public static let all: [Exchange] = [
    .xnys, .xnas, .arcx, .xshg, .xshe, .xasx, .xhkg, .xlon, .xtks, .xtse, .xfra,
  ]

  /// Looks an exchange up by MIC or by a common name (`NYSE`, `SSE`, `ASX`, `HKEX`, `LSE`, `TSE`), case-insensitive.
  public static func named(_ name: String) -> Exchange? {
    let key = name.uppercased()
    if let e = all.first(where: { $0.mic == key }) { return e }
    switch key {
    case "NYSE", "US", "BATS", "CBOE": return .xnys
    case "AMEX", "NYSEAMERICAN", "NYSEMKT": return .xase
    case "NASDAQ": return .xnas
    case "NYSEARCA", "ARCA": return .arcx
    case "SSE", "SH", "SHANGHAI", "SS": return .xshg
    case "SZSE", "SZ", "SHENZHEN": return .xshe
    case "ASX", "AX", "AU": return .xasx
    case "HKEX", "HK", "SEHK": return .xhkg
    case "LSE", "L", "LONDON": return .xlon
    case "TSE", "JPX", "T", "TOKYO": return .xtks
    case "TSX", "TO", "TORONTO": return .xtse
    case "FWB", "F", "FRANKFURT", "XETRA", "DE": return .xfra
    case "KRX", "KS", "KOSPI", "KOREA": return .xkrx
    default: return nil
    }
  }

  /// The exchange a Yahoo-style ticker's suffix names (`LYC.AX` → XASX); `nil` without a known suffix.
  public static func fromTickerSuffix(_ ticker: String) -> Exchange? {
    guard let dot = ticker.lastIndex(of: "."), dot != ticker.startIndex else { return nil }
    let suffix = ticker[dot...].uppercased()
    if suffix == ".SH" { return .xshg }
    // Yahoo's Xetra listings: Frankfurt's sessions and hours.
    if suffix == ".DE" { return .xfra }
    return all.first { !$0.tickerSuffix.isEmpty && $0.tickerSuffix == suffix }
  }

  /// The regular close on a given day, minutes after local midnight (Tokyo moved from 15:00 to 15:30
  /// on 2024-11-05).
  public func closeMinute(on date: CivilDate) -> Int {
    if mic == "XTKS", let change = CivilDate(year: 2024, month: 11, day: 5), date < change { return 900 }
    return closeMinute
  }
}
