import MarketData

/// What a column holds.
public enum ColumnRole: String, Sendable, CaseIterable {
  /// Trading day.
  case date
  /// Security identifier (long layouts).
  case ticker
  /// Security name (kept in the store).
  case name
  /// Opening price.
  case open
  /// Daily high.
  case high
  /// Daily low.
  case low
  /// Closing price.
  case close
  /// Adjusted closing price.
  case adjClose = "adj_close"
  /// Volume.
  case volume
  /// Simple return.
  case ret = "return"

  /// Header spellings (normalized: lower case, without spaces, `_ - . * / ( ) %`) in English,
  /// German, Chinese, French, Spanish and Polish, plus vendor names.
  static let synonyms: [ColumnRole: Set<String>] = [
    .date: [
      "date", "datum", "日期", "交易日期", "时间", "timestamp", "time", "observationdate", "caldt", "day",
      "tradedate", "tradingdate", "fecha", "data", "dt", "datetime", "pricedate", "日付", "年月日",
    ],
    .ticker: [
      "ticker", "symbol", "tic", "code", "股票代码", "代码", "证券代码", "permno", "ric", "tscode", "secid",
      "symbole", "símbolo", "simbolo", "kürzel", "tickersymbol", "instrument", "security",
    ],
    .name: ["name", "股票名称", "名称", "证券名称", "securityname", "companyname", "comnam", "nom", "nombre"],
    .open: [
      "open", "opening", "openprice", "eröffnung", "eroeffnung", "eröffn", "erster", "开盘价", "开盘", "今开",
      "ouverture", "ouv", "apertura", "otwarcie", "abertura", "始値",
    ],
    .high: [
      "high", "hoch", "最高价", "最高", "haut", "plushaut", "máximo", "maximo", "máx", "max", "alto", "massimo",
      "najwyzszy", "高値",
    ],
    .low: [
      "low", "tief", "最低价", "最低", "bas", "plusbas", "mínimo", "minimo", "mín", "min", "bajo", "najnizszy",
      "安値",
    ],
    .close: [
      "close", "closelast", "last", "price", "closeprice", "schluss", "schlusskurs", "收盘价", "收盘", "clôture",
      "cloture", "dernier", "cierre", "último", "ultimo", "zamkniecie", "prc", "pxlast", "kurs", "lastprice",
      "zuletzt", "schlusspreis", "終値",
    ],
    .adjClose: [
      "adjclose", "adjustedclose", "adjcloseprice", "adjprice", "adjustedprice", "复权收盘价", "后复权收盘价",
      "cierreajustado", "clôtureajustée", "adjustedcloseprice", "調整後終値",
    ],
    .volume: [
      "volume", "vol", "volumen", "成交量", "qty", "quantity", "shares", "wolumen", "umsatzstück", "出来高",
    ],
    .ret: ["ret", "return", "returns", "rendite", "收益率", "日收益率", "rendement", "rentabilidad", "dailyreturn"],
  ]

  /// The role a header name stands for, if any. A unit in parentheses after the name is ignored
  /// when the whole name is not known: `Close (USD)`, `收盘价(元)`, `成交量（股）`.
  static func of(header: String) -> ColumnRole? {
    let key = normalize(header)
    for role in ColumnRole.allCases where synonyms[role]?.contains(key) == true { return role }
    let trimmed = header.trimmingSpaces()
    guard trimmed.last == ")" || trimmed.last == "）",
      let open = trimmed.lastIndex(where: { $0 == "(" || $0 == "（" }), open != trimmed.startIndex
    else { return nil }
    let bare = normalize(String(trimmed[..<open]))
    for role in ColumnRole.allCases where synonyms[role]?.contains(bare) == true { return role }
    return nil
  }

  /// Lower case without spaces and the punctuation vendors decorate headers with.
  static func normalize(_ header: String) -> String {
    let drop: Set<Character> = [" ", "_", "-", ".", "*", "/", "(", ")", "%", "\u{FEFF}", "\"", "'", "\t"]
    return String(header.lowercased().filter { !drop.contains($0) })
  }

  /// Reads a role name as given to `--column` (`adj_close`, `adjclose`, `return`, `ret`, …).
  static func parse(_ text: String) -> ColumnRole? {
    let key = normalize(text)
    for role in ColumnRole.allCases where normalize(role.rawValue) == key { return role }
    switch key {
    case "ret", "returns": return .ret
    case "adjustedclose", "adj": return .adjClose
    case "symbol": return .ticker
    default: return nil
    }
  }
}

/// How the rows of a file map to securities.
public enum IngestLayout: String, Sendable {
  /// One security; the ticker comes from an option or the file name.
  case single
  /// Many securities, one row per security and day, with a ticker column.
  case long
  /// Many securities, one column per security (e.g. `Date,AAPL,MSFT` or Fama-French factors).
  case wide
}

/// Everything the sniffer decided about a file. The loader reads the file with it; `description`
/// is the one-line summary kept in the ingest log, and `report` the longer dry-run text.
public struct IngestDialect: Sendable, CustomStringConvertible {
  /// Field delimiter byte.
  public var delimiter: UInt8 = 44
  /// Quote byte.
  public var quote: UInt8 = 34
  /// Length of a byte-order mark at the start (0 or 3).
  public var bomLength = 0
  /// The file's text encoding (anything but UTF-8 is converted to UTF-8 before parsing).
  public var encoding: SourceEncoding = .utf8
  /// What the sniffer had to assume, for the user to check (`IngestedFile.notes`).
  public var notes: [String] = []
  /// `LF`, `CRLF` or `CR`.
  public var lineEnding = "LF"
  /// Lines before the header (notes, titles).
  public var preambleLines = 0
  /// 1-based line of the header; `nil` when the file has none.
  public var headerLine: Int?
  /// Line of the first row of the table (header or first data row).
  public var tableLine = 1
  /// Header names (synthesized `column1`… when there is no header).
  public var header: [String] = []
  /// Fields per row.
  public var fieldCount = 0
  /// Column (0-based) of each role found.
  public var roles: [ColumnRole: Int] = [:]
  /// Single, long or wide.
  public var layout: IngestLayout = .single
  /// Wide layout: the columns that are securities.
  public var valueColumns: [Int] = []
  /// The date format.
  public var dateFormat: DateFormat = .yearMonthDay
  /// Why that format (for M/D vs D/M decisions).
  public var dateNote = ""
  /// Numbers use a decimal comma.
  public var decimalComma = false
  /// Values are returns, not prices.
  public var returns = false
  /// Returns are in percent (Fama-French style) and are divided by 100.
  public var returnsInPercent = false
  /// The ticker for single layouts, and the exchange found from the file name or options.
  public var ticker = ""
  /// Exchange from options or the file name, if any.
  public var fileExchange: Exchange?

  /// Creates an empty dialect (comma, ISO dates, single layout).
  public init() {}

  static func show(_ byte: UInt8) -> String {
    switch byte {
    case 9: return "tab"
    case 44: return "','"
    case 59: return "';'"
    case 124: return "'|'"
    default: return "'\(String(decoding: [byte], as: UTF8.self))'"
    }
  }

  /// The roles and the header names they were found under, in column order.
  public var columnMap: String {
    roles.sorted { $0.value < $1.value }.map { role, i in
      "\(role.rawValue)=\(i < header.count && !header[i].isEmpty ? header[i] : "#\(i + 1)")"
    }.joined(separator: " ")
  }

  /// One line: delimiter, encoding marks, header position, columns, dates, numbers, layout.
  public var description: String {
    var parts: [String] = []
    parts.append("delimiter \(IngestDialect.show(delimiter))")
    if encoding != .utf8 { parts.append("encoding \(encoding.rawValue) (read as UTF-8)") }
    if bomLength > 0 { parts.append("BOM") }
    parts.append(lineEnding)
    if preambleLines > 0 { parts.append("\(preambleLines) preamble line\(preambleLines == 1 ? "" : "s")") }
    if let h = headerLine { parts.append("header line \(h)") } else { parts.append("no header") }
    parts.append("layout \(layout.rawValue)")
    if layout == .single { parts.append("ticker \(ticker)") }
    parts.append("columns \(columnMap)")
    if layout == .wide {
      parts.append("series columns \(valueColumns.map { header[$0] }.joined(separator: " "))")
    }
    parts.append("dates \(dateFormat)\(dateNote.isEmpty ? "" : " (\(dateNote))")")
    parts.append(decimalComma ? "decimal comma" : "decimal point")
    parts.append(returns ? (returnsInPercent ? "returns in percent" : "returns") : "prices")
    return parts.joined(separator: ", ") + notes.map { "; note: \($0)" }.joined()
  }
}
