import MarketData

/// Decides a file's dialect from its first bytes: encoding marks, delimiter, preamble and header,
/// column roles, date and number formats, layout, prices vs returns.
enum Sniffer {
  /// Bytes read for sniffing.
  static let sampleBytes = 256 * 1024
  /// Records looked at.
  static let sampleRecords = 400

  struct Record {
    var line: Int
    var fields: [[UInt8]]
  }

  /// Splits the sample into records with libcsv.
  static func records(_ sample: [UInt8], delimiter: UInt8, crEndsLines: Bool, complete: Bool) -> [Record] {
    scan(sample, delimiter: delimiter, crEndsLines: crEndsLines, complete: complete).records
  }

  static func scan(_ sample: [UInt8], delimiter: UInt8, crEndsLines: Bool, complete: Bool)
    -> (records: [Record], openQuote: (line: Int, field: Int)?)
  {
    let reader = CSVReader(delimiter: delimiter, crEndsLines: crEndsLines)
    var out: [Record] = []
    reader.onRecord = { r in
      if r.overflowed { return false }
      out.append(Record(line: r.recordLine, fields: (0..<r.fieldCount).map { r.fieldBytes($0) }))
      return out.count < sampleRecords
    }
    // In pieces, so reading ends soon after the records looked at (a reader that was told to
    // stop still tokenizes the rest of what it was fed; the sample may hold thousands of lines).
    sample.withUnsafeBytes { b in
      var offset = 0
      while offset < b.count && !reader.stopped {
        let end = min(b.count, offset + 16 * 1024)
        reader.feed(UnsafeRawBufferPointer(rebasing: b[offset..<end]))
        offset = end
      }
    }
    var open: (line: Int, field: Int)? = nil
    if reader.insideQuotedField && !reader.stopped && (complete || reader.pendingFieldBytes > 64 * 1024) {
      open = (reader.recordLine, reader.fieldCount + 1)
    }
    if complete && !reader.stopped {
      try? reader.finish()
    }
    // Drop blank records (a single empty field).
    return (out.filter { !($0.fields.count == 1 && trimmed($0.fields[0]).isEmpty) }, open)
  }

  static func trimmed(_ f: [UInt8]) -> ArraySlice<UInt8> {
    var s = f[...]
    while let c = s.first, c == 32 || c == 9 { s = s.dropFirst() }
    while let c = s.last, c == 32 || c == 9 { s = s.dropLast() }
    return s
  }

  static func looksLikeNumber(_ f: [UInt8]) -> Bool {
    if case .value = f.parsedNumber(decimalComma: false) { return true }
    if case .value = f.parsedNumber(decimalComma: true) { return true }
    return false
  }

  static func looksLikeDate(_ f: [UInt8]) -> Bool {
    let t = trimmed(f)
    guard t.count >= 6, t.count <= 40 else { return false }
    let a = Array(t)
    guard
      let tok = a.withUnsafeBufferPointer({ b in b.baseAddress.flatMap { FieldParsers.tokens($0, b.count) } })
    else { return false }
    if tok.monthName > 0 { return true }
    // Three numbers with a plausible year first or last.
    let (x, y, z) = tok.numbers
    if tok.digits.0 == 4 { return x >= 1800 && x <= 2200 && y >= 1 && y <= 12 && z >= 1 && z <= 31 }
    if tok.digits.2 == 4 || tok.digits.2 == 2 {
      return x >= 1 && x <= 31 && y >= 1 && y <= 31 && (tok.digits.2 == 2 || (z >= 1800 && z <= 2200))
        && (x <= 12 || y <= 12) && tok.digits.0 <= 2 && tok.digits.1 <= 2
    }
    return false
  }

  /// A data row: a date somewhere and at least one number elsewhere.
  /// Digit groups separated by `-`, `/` or `.`, three of them, whatever their values: `0000-01-01`
  /// or `99999-01-02` is a bad date in a data row, not header text.
  static func looksDateShaped(_ f: [UInt8]) -> Bool {
    let t = trimmed(f)
    guard t.count >= 5, t.count <= 40 else { return false }
    var groups = 0
    var inDigits = false
    for c in t {
      if c >= 48 && c <= 57 {
        if !inDigits { groups += 1 }
        inDigits = true
      } else if c == 45 || c == 47 || c == 46 {
        inDigits = false
      } else {
        return false
      }
    }
    return groups == 3
  }

  static func isDataRow(_ r: Record) -> Bool {
    guard let d = r.fields.firstIndex(where: looksLikeDate) else { return false }
    return r.fields.indices.contains { $0 != d && looksLikeNumber(r.fields[$0]) }
  }

  static func text(_ f: [UInt8]) -> String {
    if let s = String(validating: f, as: UTF8.self) { return s.trimmingSpaces() }
    // Latin-1 fallback for headers saved by old European software.
    return String(f.map { Character(Unicode.Scalar($0)) }).trimmingSpaces()
  }

  /// Ticker and exchange from a file name: `MP.csv` → MP, `spy_us_d.csv` → SPY (US),
  /// `LYC.AX.csv` → LYC.AX (XASX).
  static func tickerFromFileName(_ path: String) -> (ticker: String, exchange: Exchange?) {
    var name = String(path.split(separator: "/").last ?? Substring(path))
    for ext in [".gz", ".csv", ".txt", ".tsv", ".dat", ".prn"] where name.lowercased().hasSuffix(ext) {
      name = String(name.dropLast(ext.count))
    }
    let parts = name.split(separator: "_")
    if parts.count == 3, parts[1].count == 2, ["d", "w", "m"].contains(parts[2].lowercased()) {
      let country: [String: Exchange] = [
        "us": .xnys, "uk": .xlon, "jp": .xtks, "de": .xfra, "hk": .xhkg, "au": .xasx, "ca": .xtse,
        "cn": .xshg,
      ]
      if let ex = country[parts[1].lowercased()] {
        let base = parts[0].uppercased()
        return (ex.tickerSuffix.isEmpty ? base : base + ex.tickerSuffix, ex)
      }
    }
    // Alpha Vantage's CSV downloads: daily_IBM.csv, daily_adjusted_IBM.csv, weekly_IBM.csv, …
    for prefix in [
      "daily_adjusted_", "weekly_adjusted_", "monthly_adjusted_", "daily_", "weekly_", "monthly_",
    ]
    where name.lowercased().hasPrefix(prefix) && name.count > prefix.count {
      name = String(name.dropFirst(prefix.count))
      break
    }
    let upper = name.uppercased()
    if upper.hasSuffix(".US") { return (String(upper.dropLast(3)), .xnys) }
    return (upper, Exchange.fromTickerSuffix(upper))
  }

  /// `true` for file names that vendors give every download, which name no security: Nasdaq.com's
  /// `HistoricalData_1732650000000.csv`, investing.com's `… Historical Data.csv` and
  /// `… Stock Price History.csv`, and bare words such as `download.csv` or `data.csv`.
  static func isGenericFileName(_ path: String) -> Bool {
    var name = String(path.split(separator: "/").last ?? Substring(path)).lowercased()
    if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = String(name[..<dot]) }
    name = name.trimmingSpaces()
    if name.hasPrefix("historicaldata") || name.hasSuffix("historical data")
      || name.hasSuffix("price history")
    {
      return true
    }
    let bare = name.filter { !$0.isNumber && $0 != "_" && $0 != "-" && $0 != " " && $0 != "(" && $0 != ")" }
    return ["download", "data", "export", "prices", "price", "table", "quotes", "chart", "history"].contains(
      bare)
  }

  // swiftlint:disable:next function_body_length cyclomatic_complexity
  static func sniff(sample raw: [UInt8], complete: Bool, file: String, options: IngestOptions)
    throws(PriceIngestError) -> IngestDialect
  {
    var d = IngestDialect()
    // Encoding marks.
    if raw.count >= 2 && ((raw[0] == 0xFF && raw[1] == 0xFE) || (raw[0] == 0xFE && raw[1] == 0xFF)) {
      throw .unsupportedEncoding(
        file: file, encoding: "UTF-16 (byte-order mark \(raw[0] == 0xFF ? "FF FE" : "FE FF"))")
    }
    if raw.count >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF { d.bomLength = 3 }
    let sample = Array(raw[d.bomLength...])
    if sample.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) { throw .empty(file: file) }
    // Binary: NUL or many control bytes.
    var line = 1
    var column = 1
    var controls = 0
    var sawLF = false
    var sawCR = false
    var crlf = 0
    for (i, c) in sample.enumerated() {
      if c == 0 {
        // UTF-16 without a mark: every other byte NUL.
        if i + 3 < sample.count && sample[i + 2] == 0 && sample[min(i + 1, sample.count - 1)] != 0 {
          throw .unsupportedEncoding(file: file, encoding: "UTF-16 (NUL bytes between characters)")
        }
        throw .binary(file: file, line: line, column: column)
      }
      if c < 9 || (c > 13 && c < 32) || c == 127 { controls += 1 }
      if c == 10 {
        sawLF = true
        if i > 0 && sample[i - 1] == 13 { crlf += 1 }
        line += 1
        column = 1
      } else {
        if c == 13 { sawCR = true }
        column += 1
      }
    }
    if controls * 20 > sample.count {
      throw .binary(file: file, line: 1, column: 1)
    }
    let crOnly = sawCR && !sawLF
    d.lineEnding = crOnly ? "CR" : (crlf > 0 ? "CRLF" : "LF")
    if !sawLF && !crOnly && !complete {
      throw .lineTooLong(file: file, line: 1, bytes: sample.count)
    }

    // Delimiter: the candidate whose records have the most consistent width and clean values.
    let candidates: [UInt8] = options.delimiter.map { [$0] } ?? [44, 59, 9, 124]
    var best: (score: Int, delimiter: UInt8, records: [Record], width: Int)? = nil
    for c in candidates {
      let recs = records(sample, delimiter: c, crEndsLines: crOnly, complete: complete)
      var widths: [Int: Int] = [:]
      for r in recs where r.fields.count > 1 { widths[r.fields.count, default: 0] += 1 }
      guard
        let (width, _) = widths.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })
      else {
        if options.delimiter != nil { best = (0, c, recs, 1) }
        continue
      }
      var score = 0
      for r in recs where r.fields.count == width {
        score += 1
        for f in r.fields where looksLikeNumber(f) || looksLikeDate(f) { score += 1 }
      }
      if best == nil || score > best?.score ?? 0 { best = (score, c, recs, width) }
    }
    guard let chosen = best, !chosen.records.isEmpty else {
      throw .noTable(
        file: file, detail: "no delimiter (, ; tab |) splits the lines into a date and value columns")
    }
    d.delimiter = chosen.delimiter
    let recs = chosen.records
    let width = chosen.width
    d.fieldCount = width

    // Header: the row right before the first data row (skipping notes above it).
    let dataRow =
      recs.firstIndex(where: { $0.fields.count >= width && isDataRow($0) })
      ?? recs.firstIndex(where: { $0.fields.count == width && $0.fields.contains(where: looksLikeDate) })
    guard let firstData = dataRow else {
      if let q = scan(sample, delimiter: chosen.delimiter, crEndsLines: crOnly, complete: complete).openQuote
      {
        throw .unterminatedQuote(file: file, line: q.line, column: q.field)
      }
      let line = recs.first?.line ?? 1
      throw .noDateColumn(file: file, line: line, header: recs.first.map { $0.fields.map(text) } ?? [])
    }
    // Walk back over rows that hold a date (bad data rows such as `null` rows) to the header.
    var headerIndex: Int? = nil
    var tableStart = firstData
    var k = firstData - 1
    while k >= 0 {
      let r = recs[k]
      // A row with a date, or with a date-shaped field beside a number (a date out of range), is
      // a (bad) data row; the header is above it.
      let dated =
        r.fields.contains(where: looksLikeDate)
        || (r.fields.contains(where: looksDateShaped) && r.fields.contains(where: looksLikeNumber))
      if dated && r.fields.count >= width - 1 {
        tableStart = k
      } else if !dated && r.fields.count == width {
        headerIndex = k
        break
      } else if !dated && r.fields.count > 1 && k == tableStart - 1 {
        headerIndex = k
        break
      }
      k -= 1
    }
    if let h = headerIndex {
      d.headerLine = recs[h].line
      d.tableLine = recs[h].line
      d.header = recs[h].fields.map(text)
      d.preambleLines = recs[h].line - 1
    } else {
      d.headerLine = nil
      d.tableLine = recs[tableStart].line
      d.preambleLines = recs[tableStart].line - 1
      d.header = (1...width).map { "column\($0)" }
    }
    if d.headerLine != nil && d.header.count != width {
      let names = d.header.count
      if names > width {
        let unused = d.header[width...].map { "\"\($0)\"" }.joined(separator: ", ")
        d.notes.append(
          "the header (line \(d.headerLine ?? 1)) names \(names) columns but the rows hold \(width): values are "
            + "matched to the first \(width) names by position, \(unused) \(names - width == 1 ? "has" : "have") none"
        )
      } else {
        let others =
          width - names == 1
          ? "the last is named column\(width)" : "the others are named column\(names + 1)…column\(width)"
        d.notes.append(
          "the header (line \(d.headerLine ?? 1)) names \(names) columns but the rows hold \(width): \(others)"
        )
      }
    }
    while d.header.count < width { d.header.append("column\(d.header.count + 1)") }
    let data = recs[firstData...].filter { $0.fields.count >= width }.prefix(300)
    func samples(_ col: Int) -> [[UInt8]] { data.map { col < $0.fields.count ? $0.fields[col] : [] } }

    // Roles.
    var roles: [ColumnRole: Int] = [:]
    if d.headerLine != nil {
      for (i, h) in d.header.enumerated() {
        if let r = ColumnRole.of(header: h), roles[r] == nil { roles[r] = i }
      }
    }
    for (roleName, headerName) in options.columns.sorted(by: { $0.key < $1.key }) {
      guard let role = ColumnRole.parse(roleName) else {
        throw .badOption(
          file: file, option: "--column", value: "\(roleName)=\(headerName)",
          expected: "a role among \(ColumnRole.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      let key = ColumnRole.normalize(headerName)
      if let i = d.header.firstIndex(where: { ColumnRole.normalize($0) == key }) {
        roles[role] = i
      } else if let n = Int(headerName), n >= 1, n <= width {
        roles[role] = n - 1
      } else {
        throw .unknownColumn(
          file: file, line: d.headerLine ?? 1, role: roleName, name: headerName, header: d.header)
      }
    }
    // A header longer than the data rows names columns no row has: those roles cannot be read.
    roles = roles.filter { $0.value < width }
    if roles[.date] == nil {
      let col = (0..<width).first { c in
        let s = samples(c)
        let dated = s.filter(looksLikeDate).count
        return dated > 0 && dated * 5 >= s.filter { !trimmed($0).isEmpty }.count * 4
      }
      guard let col else { throw .noDateColumn(file: file, line: d.tableLine, header: d.header) }
      roles[.date] = col
    }
    let dateCol = roles[.date] ?? 0
    let numericCols = (0..<width).filter { c in
      let s = samples(c)
      let numbers = s.filter(looksLikeNumber).count
      let other = s.filter {
        !looksLikeNumber($0) && !FieldParsers.Number.isMissingOrEmpty($0) && !isCRSPCode($0)
      }
      return c != dateCol && numbers > 0 && other.count * 10 <= s.count
    }
    if d.headerLine == nil && options.columns.count <= 1 {
      // Headerless: a text column is the ticker; numbers by count.
      if roles[.ticker] == nil,
        let t = (0..<width).first(where: { $0 != dateCol && !numericCols.contains($0) })
      {
        roles[.ticker] = t
      }
      let nums = numericCols.filter { !roles.values.contains($0) }
      let order: [ColumnRole]
      switch nums.count {
      case 1: order = [.close]
      case 2: order = [.close, .volume]
      case 4: order = [.open, .high, .low, .close]
      case 5: order = [.open, .high, .low, .close, .volume]
      case 6: order = [.open, .high, .low, .close, .adjClose, .volume]
      default: order = [.open, .high, .low, .close, .volume]
      }
      for (r, c) in zip(order, nums) where roles[r] == nil { roles[r] = c }
    }
    // Date format.
    if let pattern = options.dateFormat {
      guard let f = DateFormat(pattern: pattern) else {
        throw .badOption(
          file: file, option: "--date-format", value: pattern,
          expected: "YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY, YYYYMMDD, Mon D, YYYY or D Mon YYYY")
      }
      d.dateFormat = f
      d.dateNote = "given"
    } else if let (f, note) = FieldParsers.sniffDateFormat(samples(dateCol).map { Array(trimmed($0)) }) {
      d.dateFormat = f
      d.dateNote = note
    } else {
      throw .noDateColumn(file: file, line: d.tableLine, header: d.header)
    }
    // Layout.
    let priceRoles: [ColumnRole] = [.open, .high, .low, .close, .adjClose, .volume, .ret]
    if roles[.ticker] != nil {
      d.layout = .long
    } else if priceRoles.contains(where: { roles[$0] != nil }) {
      d.layout = .single
    } else {
      d.layout = .wide
      d.valueColumns = numericCols.filter { !roles.values.contains($0) }
      if d.valueColumns.isEmpty {
        throw .noTable(file: file, detail: "no column of prices or returns next to the dates")
      }
      if d.valueColumns.count == 1, let c = d.valueColumns.first, d.headerLine == nil || d.header[c].isEmpty {
        d.layout = .single
        roles[.close] = c
        d.valueColumns = []
      }
    }
    d.roles = roles
    // Numbers: decimal comma when the delimiter frees the comma and values use it.
    var valueSamples: [[UInt8]] = []
    let valueCols = d.layout == .wide ? d.valueColumns : priceRoles.compactMap { roles[$0] }
    for c in valueCols { valueSamples += samples(c) }
    if let given = options.decimalComma {
      d.decimalComma = given
    } else if d.delimiter == 44 {
      // Comma-separated with quoted numbers ("12,34" in a German investing.com export): a comma
      // followed by a digit group that is not three long cannot group thousands, so it is the
      // decimal mark; a point so followed is one too. Groups of exactly three say nothing.
      var comma = 0
      var point = 0
      for s in valueSamples {
        guard let last = s.lastIndex(where: { $0 == 44 || $0 == 46 }) else { continue }
        var digits = 0
        var k = last + 1
        while k < s.count, s[k] >= 48, s[k] <= 57 {
          digits += 1
          k += 1
        }
        guard digits > 0, digits != 3 else { continue }
        if s[last] == 44 { comma += 1 } else { point += 1 }
      }
      d.decimalComma = comma > point
    } else {
      var comma = 0
      var point = 0
      for s in valueSamples {
        if let last = s.lastIndex(where: { $0 == 44 || $0 == 46 }) {
          if s[last] == 44 { comma += 1 } else { point += 1 }
        }
      }
      d.decimalComma = comma > point
    }
    // Returns vs prices.
    var values: [Double] = []
    var percentSign = false
    for s in valueSamples {
      if s.contains(37) { percentSign = true }
      if case .value(let v) = s.parsedNumber(decimalComma: d.decimalComma) { values.append(v) }
    }
    if let r = options.returns {
      d.returns = r
    } else if roles[.ret] != nil && roles[.close] == nil && roles[.adjClose] == nil {
      d.returns = true
    } else if d.layout == .wide {
      d.returns = values.contains { $0 < 0 }
    }
    if options.returns == false && d.layout != .wide && roles[.close] == nil && roles[.adjClose] == nil,
      let c = roles[.ret]
    {
      // Prices forced on a return-shaped file: read the return column as closes.
      roles[.close] = c
      roles[.ret] = nil
      d.roles = roles
    }
    if d.returns && d.layout != .wide && roles[.ret] == nil {
      // Returns forced on a price-shaped file: read the close column as returns.
      if let c = roles[.close] ?? roles[.adjClose] { roles[.ret] = c }
      d.roles = roles
    }
    if d.returns && !percentSign {
      let mags = values.map { abs($0) }.sorted()
      if !mags.isEmpty && mags[mags.count / 2] > 0.1 { d.returnsInPercent = true }
    }
    // Ticker and exchange for single layouts.
    let fromName = tickerFromFileName(file)
    d.fileExchange = options.exchange ?? fromName.exchange
    if let t = options.ticker {
      d.ticker = t
      if options.exchange == nil, let ex = Exchange.fromTickerSuffix(t) { d.fileExchange = ex }
    } else {
      d.ticker = fromName.ticker
      if d.layout == .single && isGenericFileName(file) {
        d.notes.append(
          "the file name names no security: its series is called \"\(d.ticker)\"; name it with --ticker")
      }
    }
    return d
  }

  /// CRSP return codes: letters (`B`, `C`, …) and the missing codes -66, -77, -88, -99.
  static func isCRSPCode(_ f: [UInt8]) -> Bool {
    let t = trimmed(f)
    if t.count == 1, let c = t.first, c >= 65 && c <= 90 { return true }
    return false
  }
}

extension FieldParsers.Number {
  static func isMissingOrEmpty(_ f: [UInt8]) -> Bool {
    if case .missing = f.parsedNumber(decimalComma: false) { return true }
    return false
  }
}
