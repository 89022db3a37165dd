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

/// Rows of one security while a file is read: dates, line numbers and the values of the roles
/// the file has, row-major behind raw pointers so the per-row path does no reference counting.
final class Accumulator {
  let ticker: String
  let exchange: Exchange
  var name: String? = nil
  /// Value roles stored per row, as indices into the loader's 7 value slots
  /// (open, high, low, close, adj close, volume, return).
  let slots: UnsafeMutablePointer<Int>
  let width: Int
  private(set) var count = 0
  private var capacity = 0
  private var datesP: UnsafeMutablePointer<CivilDate>
  private var linesP: UnsafeMutablePointer<Int32>
  private var valuesP: UnsafeMutablePointer<Double>
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

  init(ticker: String, exchange: Exchange, slots: [Int]) {
    self.ticker = ticker
    self.exchange = exchange
    width = slots.count
    self.slots = .allocate(capacity: max(1, slots.count))
    for (i, s) in slots.enumerated() { self.slots[i] = s }
    capacity = 16
    datesP = .allocate(capacity: capacity)
    linesP = .allocate(capacity: capacity)
    valuesP = .allocate(capacity: capacity * max(1, width))
  }

  deinit {
    slots.deallocate()
    datesP.deallocate()
    linesP.deallocate()
    valuesP.deallocate()
  }

  private func grow() {
    let c = capacity * 2
    let d = UnsafeMutablePointer<CivilDate>.allocate(capacity: c)
    d.moveInitialize(from: datesP, count: count)
    datesP.deallocate()
    datesP = d
    let l = UnsafeMutablePointer<Int32>.allocate(capacity: c)
    l.moveInitialize(from: linesP, count: count)
    linesP.deallocate()
    linesP = l
    let v = UnsafeMutablePointer<Double>.allocate(capacity: c * max(1, width))
    v.moveInitialize(from: valuesP, count: count * width)
    valuesP.deallocate()
    valuesP = v
    capacity = c
  }

  /// Appends a row; `values` points at the 7 value slots.
  @inline(__always) func append(_ date: CivilDate, _ line: Int, _ values: UnsafePointer<Double>) {
    if count == capacity { grow() }
    (datesP + count).initialize(to: date)
    (linesP + count).initialize(to: Int32(truncatingIfNeeded: line))
    let row = valuesP + count * width
    for j in 0..<width { (row + j).initialize(to: values[slots[j]]) }
    if let l = last {
      if date < l { ascending = false } else { descending = false }
    }
    last = date
    count += 1
    stored += 1
  }

  func date(_ i: Int) -> CivilDate { datesP[i] }
  func line(_ i: Int) -> Int { Int(linesP[i]) }

  /// Position of value slot `slot` in a row, or `nil` when the file lacks that role.
  func position(of slot: Int) -> Int? {
    for j in 0..<width where slots[j] == slot { return j }
    return nil
  }

  /// Value of slot `slot` in row `i` (NaN when the role is absent).
  func value(_ slot: Int, _ i: Int) -> Double {
    guard let j = position(of: slot) else { return .nan }
    return valuesP[i * width + j]
  }

  /// Dates in the given order.
  func dates(_ order: [Int]?) -> [CivilDate] {
    if let order { return order.map { datesP[$0] } }
    return Array(UnsafeBufferPointer(start: datesP, count: count))
  }

  /// One value slot as a column in the given order (empty when the role is absent).
  func column(_ slot: Int, _ order: [Int]?) -> [Double] {
    guard let j = position(of: slot) else { return [] }
    if let order { return order.map { valuesP[$0 * width + j] } }
    return (0..<count).map { valuesP[$0 * width + j] }
  }

  /// Forgets the rows (after a flush), keeping the memory.
  func removeAll() { count = 0 }
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
  // Scalars of the dialect read per row (kept apart so rows do not touch its arrays).
  let layout: IngestLayout
  let perRow: Int
  let tableLine: Int
  let headerLine: Int
  let dateFormat: DateFormat
  let isReturns: Bool
  let valueColumns: [Int]
  /// Value slots (0 open … 6 return) the file has.
  let slots: [Int]

  var accs: [Accumulator] = []
  var tickerIndex: [String: Int] = [:]
  var tickerBytes = ByteTable()
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
    layout = dialect.layout
    perRow = dialect.layout == .wide ? dialect.valueColumns.count : 1
    tableLine = dialect.tableLine
    headerLine = dialect.headerLine ?? -1
    dateFormat = dialect.dateFormat
    isReturns = dialect.returns
    valueColumns = dialect.valueColumns
    if dialect.layout == .wide {
      slots = [dialect.returns ? 6 : 3]
    } else {
      slots = [openCol, highCol, lowCol, closeCol, adjCol, volumeCol, retCol].enumerated().filter {
        $0.element >= 0
      }
      .map(\.offset)
    }
    decimalComma = dialect.decimalComma
    returnScale = dialect.returnsInPercent ? 0.01 : 1
    if dialect.layout == .wide {
      for c in dialect.valueColumns {
        let (t, ex) = resolve(dialect.header[c])
        accs.append(Accumulator(ticker: t, exchange: ex, slots: slots))
      }
    } else if dialect.layout == .single {
      let (t, ex) = resolve(dialect.ticker)
      accs.append(Accumulator(ticker: t, exchange: ex, slots: slots))
    }
    reader.onRecord = { [unowned(unsafe) self] r in self.record(r) }  // the loader owns the reader
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
    if line < tableLine || line == headerLine { return true }
    let n = r.fieldCount
    if !r.overflowed {
      var blank = true
      for i in 0..<n where !isBlank(r.field(i)) {
        blank = false
        break
      }
      if blank { return true }
    }
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
    guard let base = df.baseAddress, let date = FieldParsers.parseDate(base, df.count, dateFormat)
    else {
      let v = text(df)
      let why =
        v.isEmpty
        ? "empty date"
        : "cannot read date \"\(v.prefix(40))\" in \(header(dateCol)) (expected \(dialect.dateFormat))"
      for _ in 0..<perRow { reject(line, dateCol + 1, why) }
      return true
    }
    if layout == .wide {
      for (k, c) in valueColumns.enumerated() {
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
      let h = ByteTable.hash(tf)
      if let i = tickerBytes.find(tf, hash: h) {
        acc = accs[i]
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
          accs.append(Accumulator(ticker: t, exchange: ex, slots: slots))
          tickerIndex[key] = idx
        }
        tickerBytes.insert(tf, hash: h, value: idx)
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
    guard readValue(r, openCol, line, &vals.0, &any), readValue(r, highCol, line, &vals.1, &any),
      readValue(r, lowCol, line, &vals.2, &any), readValue(r, closeCol, line, &vals.3, &any),
      readValue(r, adjCol, line, &vals.4, &any), readValue(r, volumeCol, line, &vals.5, &any),
      readValue(r, retCol, line, &vals.6, &any)
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
    withUnsafePointer(to: &vals) { p in
      p.withMemoryRebound(to: Double.self, capacity: 7) { acc.append(date, line, $0) }
    }
    held += 1
    return flushIfNeeded()
  }

  /// Reads column `c` (if any) into `out`; rejects the row and returns `false` when the field
  /// is not a number.
  @inline(__always)
  func readValue(_ r: CSVReader, _ c: Int, _ line: Int, _ out: inout Double, _ any: inout Bool) -> Bool {
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
      if isReturns { vals.6 = ret } else { vals.3 = close }
      duplicate(acc, date, line, vals, r)
      return
    }
    var vals = (Double.nan, Double.nan, Double.nan, close, Double.nan, Double.nan, ret)
    withUnsafePointer(to: &vals) { p in
      p.withMemoryRebound(to: Double.self, capacity: 7) { acc.append(date, line, $0) }
    }
    held += 1
  }

  func duplicate(
    _ acc: Accumulator, _ date: CivilDate, _ line: Int,
    _ v: (Double, Double, Double, Double, Double, Double, Double),
    _ r: CSVReader
  ) {
    // Find the kept row (usually the previous one).
    var k = acc.count - 1
    while k >= 0 && acc.date(k) != date { k -= 1 }
    guard k >= 0 else {
      reject(line, dateCol + 1, "duplicate date \(date.iso) for \(acc.ticker) (an earlier row was kept)")
      findings.append(
        QualityFinding(
          kind: "duplicate_date", ticker: acc.ticker, date: date, line: line,
          detail: "duplicate of an earlier row"))
      return
    }
    func same(_ slot: Int, _ x: Double) -> Bool {
      let old = acc.value(slot, k)
      return acc.position(of: slot) == nil || old == x || (old.isNaN && x.isNaN)
    }
    let identical =
      same(0, v.0) && same(1, v.1) && same(2, v.2) && same(3, v.3) && same(4, v.4) && same(5, v.5)
      && same(6, v.6)
    let keptLine = acc.line(k)
    if identical {
      reject(line, dateCol + 1, "identical duplicate of line \(keptLine) (\(acc.ticker) \(date.iso))")
      findings.append(
        QualityFinding(
          kind: "duplicate_date", ticker: acc.ticker, date: date, line: line,
          detail: "line \(line) repeats line \(keptLine)"))
    } else {
      var detail = ""
      if acc.position(of: 3) != nil { detail = ": close \(acc.value(3, k)) kept, \(v.3) refused" }
      if acc.position(of: 6) != nil { detail = ": return \(acc.value(6, k)) kept, \(v.6) refused" }
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

  func clear(_ acc: Accumulator) { acc.removeAll() }

  /// The accumulated rows as a series, oldest first.
  func series(_ acc: Accumulator) -> PriceSeries {
    var order: [Int]? = nil
    if !acc.ascending {
      if acc.descending {
        order = Array((0..<acc.count).reversed())
      } else {
        order = (0..<acc.count).sorted { acc.date($0) < acc.date($1) }
      }
    }
    return PriceSeries(
      ticker: acc.ticker, exchange: acc.exchange, dates: acc.dates(order), open: acc.column(0, order),
      high: acc.column(1, order), low: acc.column(2, order), close: acc.column(3, order),
      adjustedClose: acc.column(4, order), volume: acc.column(5, order), returns: acc.column(6, order))
  }

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
