import MarketData

/// The days a security has rows for, as a bitset over the span it covers.
struct DateSet {
  private var base: Int32 = 0
  private var words: [UInt64] = []

  /// Inserts `day`; returns `false` when it was already there.
  mutating func insert(_ day: Int32) -> Bool {
    if words.isEmpty {
      let aligned = Int(day) - ((Int(day) % 64) + 64) % 64
      base = Int32(aligned - 64 * 8)
      words = [UInt64](repeating: 0, count: 64)
    }
    var off = Int(day - base)
    if off < 0 || off >= words.count * 64 {
      let lo = min(Int(base), Int(day) - 64 * 64)
      let hi = max(Int(base) + words.count * 64, Int(day) + 64 * 64)
      let newBase = Int32(lo - ((lo % 64) + 64) % 64)
      var grown = [UInt64](repeating: 0, count: (hi - Int(newBase)) / 64 + 1)
      let shift = Int(base - newBase) / 64
      for (i, w) in words.enumerated() { grown[i + shift] = w }
      words = grown
      base = newBase
      off = Int(day - base)
    }
    let bit = UInt64(1) << UInt64(off & 63)
    if words[off >> 6] & bit != 0 { return false }
    words[off >> 6] |= bit
    return true
  }
}

/// Rows of one security while a file is read.
final class Accumulator {
  let ticker: String
  let exchange: Exchange
  var name: String? = nil
  var dates: [CivilDate] = []
  var lines: [Int32] = []
  var open: [Double] = []
  var high: [Double] = []
  var low: [Double] = []
  var close: [Double] = []
  var adj: [Double] = []
  var volume: [Double] = []
  var ret: [Double] = []
  var seen = DateSet()
  var ascending = true
  var descending = true
  var last: CivilDate? = nil
  var stored = 0
  var nullRows = 0
  var firstNull: CivilDate? = nil
  var nonPositive = 0
  var firstNonPositive: (CivilDate, Int)? = nil
  var missingClose = 0
  /// Carried across flushed fragments for gaps and jumps.
  var gapPrev: CivilDate? = nil
  var gapRuns = 0
  var gapSessions = 0
  var nonSession = 0
  var jumpPrev: (CivilDate, Double)? = nil
  var first: CivilDate? = nil
  var lastSeen: CivilDate? = nil

  init(ticker: String, exchange: Exchange) {
    self.ticker = ticker
    self.exchange = exchange
  }

  var count: Int { dates.count }
}

/// Reads the records of one file into per-security accumulators.
final class Loader {
  let dialect: IngestDialect
  let file: String
  let options: IngestOptions
  let reader: CSVReader
  let flushRows: Int?
  let sink: ((PriceSeries) throws -> Void)?

  // Column of each role, or -1.
  let dateCol: Int
  let tickerCol: Int
  let nameCol: Int
  let openCol: Int
  let highCol: Int
  let lowCol: Int
  let closeCol: Int
  let adjCol: Int
  let volumeCol: Int
  let retCol: Int
  let width: Int
  let decimalComma: Bool
  let returnScale: Double

  var accs: [Accumulator] = []
  var tickerIndex: [String: Int] = [:]
  var lastTickerBytes: [UInt8] = []
  var lastTicker = -1
  var rowsRead = 0
  var rejects: [RejectedRow] = []
  var findings: [QualityFinding] = []
  var held = 0
  var failure: PriceIngestError? = nil
  var calendars: [String: TradingCalendar] = [:]
  var flushedRows = 0
  var sinkError: (any Error)? = nil
  var invalidUTF8Line: Int? = nil

  init(
    dialect: IngestDialect, file: String, options: IngestOptions, flushRows: Int?,
    sink: ((PriceSeries) throws -> Void)?
  ) {
    self.dialect = dialect
    self.file = file
    self.options = options
    self.flushRows = flushRows
    self.sink = sink
    reader = CSVReader(
      delimiter: dialect.delimiter, quote: dialect.quote, crEndsLines: dialect.lineEnding == "CR")
    let r = dialect.roles
    dateCol = r[.date] ?? -1
    tickerCol = dialect.layout == .long ? (r[.ticker] ?? -1) : -1
    nameCol = r[.name] ?? -1
    let returns = dialect.returns
    openCol = returns ? -1 : (r[.open] ?? -1)
    highCol = returns ? -1 : (r[.high] ?? -1)
    lowCol = returns ? -1 : (r[.low] ?? -1)
    closeCol = returns ? -1 : (r[.close] ?? -1)
    adjCol = returns ? -1 : (r[.adjClose] ?? -1)
    volumeCol = r[.volume] ?? -1
    retCol = returns ? (r[.ret] ?? -1) : -1
    width = dialect.fieldCount
    decimalComma = dialect.decimalComma
    returnScale = dialect.returnsInPercent ? 0.01 : 1
    if dialect.layout == .wide {
      for c in dialect.valueColumns {
        let (t, ex) = resolve(dialect.header[c])
        accs.append(Accumulator(ticker: t, exchange: ex))
      }
    } else if dialect.layout == .single {
      let (t, ex) = resolve(dialect.ticker)
      accs.append(Accumulator(ticker: t, exchange: ex))
    }
    reader.onRecord = { [unowned self] r in self.record(r) }
  }

  /// Ticker as stored and its exchange.
  func resolve(_ raw: String) -> (String, Exchange) {
    let t = raw.trimmingSpaces()
    if let ex = options.exchange {
      if Exchange.fromTickerSuffix(t) != nil || ex.tickerSuffix.isEmpty { return (t, ex) }
      return (t + ex.tickerSuffix, ex)
    }
    if let ex = Exchange.fromTickerSuffix(t) { return (t, ex) }
    if t.uppercased().hasSuffix(".US") { return (String(t.dropLast(3)), .xnys) }
    if dialect.layout != .wide, let ex = dialect.fileExchange {
      if dialect.layout == .single || ex.tickerSuffix.isEmpty { return (t, ex) }
      return (t + ex.tickerSuffix, ex)
    }
    // Mainland China codes: six digits, 6xxxxx/9xxxxx Shanghai, 0/2/3xxxxx Shenzhen.
    let u = Array(t.utf8)
    if u.count == 6, u.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
      return (t, u[0] == 54 || u[0] == 57 || t == "000300" ? .xshg : .xshe)
    }
    return (t, .xnys)
  }

  func reject(_ line: Int, _ column: Int?, _ reason: String) {
    rejects.append(RejectedRow(file: file, line: line, column: column, raw: reader.rawText(), reason: reason))
  }

  func header(_ c: Int) -> String {
    c < dialect.header.count && !dialect.header[c].isEmpty ? dialect.header[c] : "column \(c + 1)"
  }

  func text(_ f: UnsafeBufferPointer<UInt8>) -> String { String(decoding: f, as: UTF8.self) }

  @inline(__always) func isBlank(_ f: UnsafeBufferPointer<UInt8>) -> Bool {
    for c in f where c != 32 && c != 9 && c != 13 { return false }
    return true
  }

  /// Handles one record; returns `false` to stop (a sink failed).
  func record(_ r: CSVReader) -> Bool {
    let line = r.recordLine
    if line < dialect.tableLine || line == dialect.headerLine { return true }
    let n = r.fieldCount
    if !r.overflowed {
      var blank = true
      for i in 0..<n where !isBlank(r.field(i)) {
        blank = false
        break
      }
      if blank { return true }
    }
    let perRow = dialect.layout == .wide ? dialect.valueColumns.count : 1
    rowsRead += perRow
    if r.overflowed {
      for _ in 0..<perRow {
        reject(
          line, nil,
          "line longer than \(r.maxRecordBytes >> 20) MiB; expected one row of prices (a binary or corrupt line?)"
        )
      }
      return true
    }
    if n != width {
      var extraBlank = n > width
      if n > width { for i in width..<n where !isBlank(r.field(i)) { extraBlank = false } }
      if !extraBlank {
        let what = n < width ? "a note, footer or truncated row?" : "unquoted delimiter inside a value?"
        for _ in 0..<perRow {
          reject(line, min(n, width) + 1, "expected \(width) fields, found \(n) (\(what))")
        }
        return true
      }
    }
    let df = r.field(dateCol)
    guard let base = df.baseAddress, let date = FieldParsers.parseDate(base, df.count, dialect.dateFormat)
    else {
      let v = text(df)
      let why =
        v.isEmpty
        ? "empty date"
        : "cannot read date \"\(v.prefix(40))\" in \(header(dateCol)) (expected \(dialect.dateFormat))"
      for _ in 0..<perRow { reject(line, dateCol + 1, why) }
      return true
    }
    if dialect.layout == .wide {
      for (k, c) in dialect.valueColumns.enumerated() {
        let f = r.field(c)
        let acc = accs[k]
        switch number(f) {
        case .value(let v): add(acc, date, line, ret: v * returnScale, close: v, r)
        case .missing: reject(line, c + 1, "no value for \(acc.ticker) (empty or null)")
        case .invalid:
          reject(line, c + 1, "cannot read \"\(text(f).prefix(40))\" in \(header(c)) (expected a number)")
        }
      }
      return flushIfNeeded()
    }
    // Security.
    let acc: Accumulator
    if tickerCol >= 0 {
      let tf = r.field(tickerCol)
      if lastTicker >= 0 && tf.elementsEqual(lastTickerBytes) {
        acc = accs[lastTicker]
      } else {
        guard let s = String(validating: tf, as: UTF8.self) else {
          invalidUTF8Line = invalidUTF8Line ?? line
          reject(line, tickerCol + 1, "ticker is not valid UTF-8 text")
          return true
        }
        let key = s.trimmingSpaces()
        if key.isEmpty {
          reject(line, tickerCol + 1, "empty ticker in \(header(tickerCol))")
          return true
        }
        let idx: Int
        if let i = tickerIndex[key] {
          idx = i
        } else {
          let (t, ex) = resolve(key)
          idx = accs.count
          accs.append(Accumulator(ticker: t, exchange: ex))
          tickerIndex[key] = idx
        }
        lastTicker = idx
        lastTickerBytes = Array(tf)
        acc = accs[idx]
      }
    } else {
      acc = accs[0]
    }
    if nameCol >= 0 && acc.name == nil {
      let s = text(r.field(nameCol)).trimmingSpaces()
      if !s.isEmpty { acc.name = s }
    }
    // Values.
    var vals = (Double.nan, Double.nan, Double.nan, Double.nan, Double.nan, Double.nan, Double.nan)
    var any = false
    @inline(__always) func read(_ c: Int, _ out: inout Double) -> Bool {
      if c < 0 { return true }
      let f = r.field(c)
      switch number(f) {
      case .value(let v):
        out = v
        any = true
        return true
      case .missing: return true
      case .invalid:
        if c == retCol, f.count == 1, let ch = f.first, ch >= 65 && ch <= 90 {
          reject(line, c + 1, "CRSP return code \(text(f)): \(crspMeaning(ch)) (expected a number)")
        } else {
          reject(line, c + 1, "cannot read \"\(text(f).prefix(40))\" in \(header(c)) (expected a number)")
        }
        return false
      }
    }
    guard read(openCol, &vals.0), read(highCol, &vals.1), read(lowCol, &vals.2), read(closeCol, &vals.3),
      read(adjCol, &vals.4), read(volumeCol, &vals.5), read(retCol, &vals.6)
    else { return true }
    if retCol >= 0 {
      if vals.6 <= -66 && vals.6 >= -99 && vals.6 == vals.6.rounded() {
        reject(line, retCol + 1, "CRSP missing-return code \(Int(vals.6)) (expected a return)")
        return true
      }
      vals.6 *= returnScale
    }
    let priceKnown =
      !(vals.0.isNaN && vals.1.isNaN && vals.2.isNaN && vals.3.isNaN && vals.4.isNaN && vals.6.isNaN)
    if !any || !priceKnown {
      acc.nullRows += 1
      if acc.firstNull == nil { acc.firstNull = date }
      reject(
        line, nil, "null row: no price\(retCol >= 0 ? " or return" : "") for \(acc.ticker) on \(date.iso)")
      return true
    }
    // Duplicates: keep the first row of a date.
    if !acc.seen.insert(date.dayNumber) {
      duplicate(acc, date, line, vals, r)
      return true
    }
    if let last = acc.last {
      if date < last { acc.ascending = false } else { acc.descending = false }
    }
    acc.last = date
    acc.dates.append(date)
    acc.lines.append(Int32(truncatingIfNeeded: line))
    if openCol >= 0 { acc.open.append(vals.0) }
    if highCol >= 0 { acc.high.append(vals.1) }
    if lowCol >= 0 { acc.low.append(vals.2) }
    if closeCol >= 0 { acc.close.append(vals.3) }
    if adjCol >= 0 { acc.adj.append(vals.4) }
    if volumeCol >= 0 { acc.volume.append(vals.5) }
    if retCol >= 0 { acc.ret.append(vals.6) }
    acc.stored += 1
    held += 1
    return flushIfNeeded()
  }

  func crspMeaning(_ c: UInt8) -> String {
    switch c {
    case 66: return "off-exchange / no price (B)"
    case 67: return "no valid previous price (C)"
    default: return "CRSP missing-return code"
    }
  }

  @inline(__always) func number(_ f: UnsafeBufferPointer<UInt8>) -> FieldParsers.Number {
    guard let b = f.baseAddress else { return .missing }
    return FieldParsers.parseNumber(b, f.count, decimalComma: decimalComma)
  }

  func add(_ acc: Accumulator, _ date: CivilDate, _ line: Int, ret: Double, close: Double, _ r: CSVReader) {
    if !acc.seen.insert(date.dayNumber) {
      var vals = (Double.nan, Double.nan, Double.nan, Double.nan, Double.nan, Double.nan, Double.nan)
      if dialect.returns { vals.6 = ret } else { vals.3 = close }
      duplicate(acc, date, line, vals, r)
      return
    }
    if let last = acc.last {
      if date < last { acc.ascending = false } else { acc.descending = false }
    }
    acc.last = date
    acc.dates.append(date)
    acc.lines.append(Int32(truncatingIfNeeded: line))
    if dialect.returns { acc.ret.append(ret) } else { acc.close.append(close) }
    acc.stored += 1
    held += 1
  }

  func duplicate(
    _ acc: Accumulator, _ date: CivilDate, _ line: Int,
    _ v: (Double, Double, Double, Double, Double, Double, Double),
    _ r: CSVReader
  ) {
    // Find the kept row (usually the previous one).
    var k = acc.dates.count - 1
    while k >= 0 && acc.dates[k] != date { k -= 1 }
    guard k >= 0 else {
      reject(line, dateCol + 1, "duplicate date \(date.iso) for \(acc.ticker) (an earlier row was kept)")
      findings.append(
        QualityFinding(
          kind: "duplicate_date", ticker: acc.ticker, date: date, line: line,
          detail: "duplicate of an earlier row"))
      return
    }
    func same(_ col: [Double], _ x: Double) -> Bool {
      col.isEmpty || col[k] == x || (col[k].isNaN && x.isNaN)
    }
    let identical =
      same(acc.open, v.0) && same(acc.high, v.1) && same(acc.low, v.2) && same(acc.close, v.3)
      && same(acc.adj, v.4) && same(acc.volume, v.5) && same(acc.ret, v.6)
    let keptLine = Int(acc.lines[k])
    if identical {
      reject(line, dateCol + 1, "identical duplicate of line \(keptLine) (\(acc.ticker) \(date.iso))")
      findings.append(
        QualityFinding(
          kind: "duplicate_date", ticker: acc.ticker, date: date, line: line,
          detail: "line \(line) repeats line \(keptLine)"))
    } else {
      var detail = ""
      if !acc.close.isEmpty { detail = ": close \(acc.close[k]) kept, \(v.3) refused" }
      if !acc.ret.isEmpty { detail = ": return \(acc.ret[k]) kept, \(v.6) refused" }
      reject(
        line, dateCol + 1,
        "conflicting duplicate of line \(keptLine) for \(acc.ticker) \(date.iso) (first kept\(detail))"
      )
      findings.append(
        QualityFinding(
          kind: "conflicting_duplicate", ticker: acc.ticker, date: date, line: line,
          detail: "line \(line) disagrees with line \(keptLine)\(detail)"))
    }
  }

  func flushIfNeeded() -> Bool {
    guard let limit = flushRows, held >= limit else { return true }
    return flush()
  }

  /// Hands the held rows to the sink as sorted fragments.
  func flush() -> Bool {
    guard let sink else { return true }
    for acc in accs where acc.count > 0 {
      let s = series(acc)
      qualityPass(acc, s)
      flushedRows += s.count
      clear(acc)
      do { try sink(s) } catch {
        sinkError = error
        return false
      }
    }
    held = 0
    return true
  }

  func clear(_ acc: Accumulator) {
    acc.dates.removeAll(keepingCapacity: true)
    acc.lines.removeAll(keepingCapacity: true)
    acc.open.removeAll(keepingCapacity: true)
    acc.high.removeAll(keepingCapacity: true)
    acc.low.removeAll(keepingCapacity: true)
    acc.close.removeAll(keepingCapacity: true)
    acc.adj.removeAll(keepingCapacity: true)
    acc.volume.removeAll(keepingCapacity: true)
    acc.ret.removeAll(keepingCapacity: true)
  }

  /// The accumulated rows as a series, oldest first.
  func series(_ acc: Accumulator) -> PriceSeries {
    var order: [Int]? = nil
    if !acc.ascending {
      if acc.descending {
        order = Array((0..<acc.count).reversed())
      } else {
        order = (0..<acc.count).sorted { acc.dates[$0] < acc.dates[$1] }
      }
    }
    func pick<T>(_ a: [T]) -> [T] {
      guard let order, !a.isEmpty else { return a }
      return order.map { a[$0] }
    }
    return PriceSeries(
      ticker: acc.ticker, exchange: acc.exchange, dates: pick(acc.dates), open: pick(acc.open),
      high: pick(acc.high),
      low: pick(acc.low), close: pick(acc.close), adjustedClose: pick(acc.adj), volume: pick(acc.volume),
      returns: pick(acc.ret))
  }

  /// Feeds a chunk; a fatal problem is kept in `failure` (checked by the caller).
  func feed(_ bytes: UnsafeRawBufferPointer) {
    guard failure == nil else { return }
    reader.feed(bytes)
  }

  func finish(sha256: String, byteCount: Int) throws(PriceIngestError) -> IngestedFile {
    do {
      try reader.finish()
    } catch {
      if case .unterminatedQuote(let l, let c) = error {
        if accs.allSatisfy({ $0.stored == 0 }) { throw .unterminatedQuote(file: file, line: l, column: c) }
        rowsRead += 1
        rejects.append(
          RejectedRow(
            file: file, line: l, column: c, raw: "",
            reason:
              "quoted field opened here is never closed; the rest of the file (from line \(l)) was not read"))
      }
    }
    if let e = sinkError { throw .cannotRead(file: file, reason: "storing failed: \(e)") }
    var out: [PriceSeries] = []
    if flushRows != nil {
      _ = flush()
      if let e = sinkError { throw .cannotRead(file: file, reason: "storing failed: \(e)") }
    } else {
      for acc in accs where acc.count > 0 {
        let s = series(acc)
        qualityPass(acc, s)
        out.append(s)
      }
    }
    for acc in accs { finalFindings(acc) }
    let stored = accs.reduce(0) { $0 + $1.stored }
    if stored == 0 {
      let first = rejects.first?.message ?? "\(file): no data rows after the header"
      throw .noUsableRows(file: file, rowsRead: rowsRead, firstReject: first)
    }
    if let l = invalidUTF8Line {
      findings.append(
        QualityFinding(
          kind: "invalid_utf8", ticker: "", line: l, detail: "rows with invalid UTF-8 text were rejected"))
    }
    return IngestedFile(
      path: file, sha256: sha256, byteCount: byteCount, dialect: dialect.description, rowsRead: rowsRead,
      series: out,
      rejects: rejects, findings: findings)
  }
}
