/// Reads the events a study runs on: the extractor's `events.csv` or a hand-written CSV with at
/// least `date` and `ticker` columns.
public enum EventFile {
  static let idColumns = ["event_id", "id", "event"]
  static let dateColumns = ["announced", "date", "event_date", "announce_date"]
  static let timeColumns = ["announced_time", "time", "event_time"]
  static let zoneColumns = ["timezone", "time_zone", "tz"]
  static let tickerColumns = ["tickers", "ticker", "symbol", "symbols", "permno"]

  /// Parses an events CSV. Dates are `YYYY-MM-DD` (or `YYYYMMDD`); an empty date is kept as `nil`
  /// (the study reports it as unresolved). `time` is `HH:MM` (24-hour); `ticker` may hold several
  /// tickers separated by `;`. Columns other than id, date, time, zone and ticker become attributes.
  public static func parse(_ text: String, file: String) throws -> [StudyEvent] {
    let records = try CSVText.parse(text, file: file)
    guard let header = records.first else { throw MarketDataError.empty(file: file) }
    let names = header.fields.map { $0.trimmingSpaces().lowercased() }
    func find(_ options: [String]) -> Int? {
      for o in options { if let i = names.firstIndex(of: o) { return i } }
      return nil
    }
    guard let dateIx = find(dateColumns) else {
      throw MarketDataError.missingColumn(
        file: file, column: "date", expected: dateColumns.joined(separator: " or "))
    }
    guard let tickerIx = find(tickerColumns) else {
      throw MarketDataError.missingColumn(
        file: file, column: "ticker", expected: tickerColumns.joined(separator: " or "))
    }
    let idIx = find(idColumns)
    let timeIx = find(timeColumns)
    let zoneIx = find(zoneColumns)
    let special = Set([dateIx, tickerIx, idIx, timeIx, zoneIx].compactMap { $0 })
    var events: [StudyEvent] = []
    for (n, record) in records.dropFirst().enumerated() {
      func field(_ i: Int?) -> String {
        guard let i, i < record.fields.count else { return "" }
        return record.fields[i].trimmingSpaces()
      }
      let rawDate = field(dateIx)
      var date: CivilDate? = nil
      if !rawDate.isEmpty {
        let dayPart = rawDate.prefix(10)
        guard let d = CivilDate(iso: dayPart) ?? CivilDate(iso: rawDate) else {
          throw MarketDataError.invalidValue(
            file: file, line: record.line, column: names[dateIx], value: rawDate, expected: "YYYY-MM-DD")
        }
        date = d
      }
      let rawTime = field(timeIx)
      var minute: Int? = nil
      if !rawTime.isEmpty {
        guard let m = parseClock(rawTime) else {
          throw MarketDataError.invalidValue(
            file: file, line: record.line, column: names[timeIx ?? 0], value: rawTime,
            expected: "HH:MM (24-hour)")
        }
        minute = m
      }
      let zone = field(zoneIx)
      let tickers = field(tickerIx).split(separator: ";").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
      var attributes: [(name: String, value: String)] = []
      for (i, name) in names.enumerated() where !special.contains(i) {
        attributes.append((name, i < record.fields.count ? record.fields[i] : ""))
      }
      let id = field(idIx)
      events.append(
        StudyEvent(
          id: id.isEmpty ? "row\(n + 2)" : id, date: date, minute: minute,
          timeZone: zone.isEmpty ? nil : zone,
          tickers: tickers, attributes: attributes))
    }
    return events
  }

  /// Reads `HH:MM` or `HH:MM:SS` (24-hour) into minutes after midnight.
  public static func parseClock(_ text: String) -> Int? {
    let parts = text.split(separator: ":")
    guard parts.count == 2 || parts.count == 3, let h = Int(parts[0]), let m = Int(parts[1]),
      (0...23).contains(h), (0...59).contains(m)
    else { return nil }
    return h * 60 + m
  }

  /// Formats minutes after midnight as `HH:MM`.
  public static func formatClock(_ minute: Int) -> String {
    let h = minute / 60
    let m = minute % 60
    return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
  }
}

extension StringProtocol {
  /// The text without leading and trailing spaces, tabs and line breaks.
  public func trimmingSpaces() -> String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s.removeFirst() }
    while let l = s.last, l.isWhitespace { s.removeLast() }
    return String(s)
  }
}
