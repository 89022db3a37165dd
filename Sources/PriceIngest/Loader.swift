import MarketData

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The days a security has rows for, as a bitset over the span it covers, in raw memory (an
/// insert is a load and a store: no uniqueness check of an array's storage per day).
final class DateSet {
  private var base: Int32 = 0
  private var words: UnsafeMutablePointer<UInt64>
  private var count = 0

  init() { words = .allocate(capacity: 1) }

  deinit { words.deallocate() }

  /// Inserts `day`; returns `false` when it was already there.
  @inline(__always)
  func insert(_ day: Int32) -> Bool {
    if Int(day) - Int(base) < 0 || Int(day) - Int(base) >= count &* 64 { grow(day) }
    let at = Int(day) - Int(base)
    let bit = UInt64(1) << UInt64(at & 63)
    let i = at >> 6
    if words[i] & bit != 0 { return false }
    words[i] |= bit
    return true
  }

  /// Makes room for `day` (the first day starts the span).
  private func grow(_ day: Int32) {
    let lo: Int
    let hi: Int
    if count == 0 {
      // A first span of 64 words, the day 8 words in.
      lo = Int(day) - 64 * 8
      hi = lo + 64 * 64 - 1
    } else {
      lo = min(Int(base), Int(day) - 64 * 64)
      hi = max(Int(base) + count * 64, Int(day) + 64 * 64)
    }
    let newBase = Int32(lo - ((lo % 64) + 64) % 64)
    let newCount = (hi - Int(newBase)) / 64 + 1
    let grown = UnsafeMutablePointer<UInt64>.allocate(capacity: newCount)
    grown.initialize(repeating: 0, count: newCount)
    if count > 0 { (grown + Int(base - newBase) / 64).update(from: words, count: count) }
    words.deallocate()
    words = grown
    count = newCount
    base = newBase
  }
}

/// Whether `n` bytes at `a` and `b` are equal (short fields: no call into libc; 8 to 16 bytes,
/// as dates are, by two overlapping word compares).
@inline(__always) func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
  if n >= 8 && n <= 16 {
    let ra = UnsafeRawPointer(a)
    let rb = UnsafeRawPointer(b)
    return ra.loadUnaligned(as: UInt64.self) == rb.loadUnaligned(as: UInt64.self)
      && ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
  }
  var i = 0
  while i < n {
    if a[i] != b[i] { return false }
    i += 1
  }
  return true
}

/// Securities a loader knows (keys as read and their resolved tickers), handed to chunk loaders.
/// `@unchecked`: of the accumulators only the constant ticker and exchange are read (by the
/// chunk loader's thread), and the table is a copy made for the one chunk loader it goes to.
struct TickerSeed: @unchecked Sendable {
  /// Keys as read, by index.
  var keys: [String]
  /// Index of each key.
  var index: [String: Int]
  /// The accumulators of the loader the seed was taken from (ticker and exchange by index).
  var accs: [Accumulator]
  /// Ticker bytes as read to indexes.
  var table: ByteTable
}

/// What the reading side knows about one security while a file is read (its rows live in the
/// loader's `RowBuffer`; what settling them learns lives in the settler's `SettleState`).
final class Accumulator {
  let ticker: String
  let exchange: Exchange
  var name: String? = nil
  var nullRows = 0
  var firstNull: CivilDate? = nil

  init(ticker: String, exchange: Exchange) {
    self.ticker = ticker
    self.exchange = exchange
  }
}

/// Every accepted row of a file (or of a fragment, when streaming) in file order: security
/// index, day number, line and the values of the file's roles, behind raw pointers so the
/// per-row path writes sequentially and does no reference counting.
final class RowBuffer {
  /// Values stored per row.
  let width: Int
  /// Rows held (set by a loader that appends through `cursor`).
  var count = 0
  private(set) var capacity = 0
  private(set) var ticks: UnsafeMutablePointer<Int32>
  private(set) var days: UnsafeMutablePointer<Int32>
  private(set) var lines: UnsafeMutablePointer<Int32>
  private(set) var values: UnsafeMutablePointer<Double>

  /// For each stored value, its slot among the 7 (open … return).
  let slots: UnsafeMutablePointer<Int>

  /// `capacity`: rows to make room for at first (more are made room for as needed).
  init(slots: [Int], capacity: Int = 1024) {
    self.width = max(1, slots.count)
    self.slots = .allocate(capacity: self.width)
    for (i, s) in slots.enumerated() { self.slots[i] = s }
    if slots.isEmpty { self.slots[0] = 3 }
    let rows = max(1024, capacity)
    self.capacity = rows
    ticks = RowBuffer.allocate(rows)
    days = RowBuffer.allocate(rows)
    lines = RowBuffer.allocate(rows)
    values = RowBuffer.allocate(rows * self.width)
  }

  deinit {
    slots.deallocate()
    free(ticks)
    free(days)
    free(lines)
    free(values)
  }

  /// Memory for `count` values, from `malloc` (freed with `free`); a large block is aligned to
  /// 2 MiB and marked for transparent huge pages, so filling it takes a page fault per 2 MiB
  /// instead of per 4 KiB.
  static func allocate<T>(_ count: Int) -> UnsafeMutablePointer<T> {
    let bytes = max(1, count) * MemoryLayout<T>.stride
    var raw: UnsafeMutableRawPointer? = nil
    #if os(Linux)
      if bytes >= 2 << 20 && posix_memalign(&raw, 2 << 20, bytes) == 0, let r = raw {
        _ = madvise(r, bytes, MADV_HUGEPAGE)
        return r.bindMemory(to: T.self, capacity: count)
      }
    #endif
    raw = malloc(bytes)
    guard let r = raw else { fatalError("out of memory allocating a row buffer of \(bytes) bytes") }
    return r.bindMemory(to: T.self, capacity: count)
  }

  private func grow() {
    let c = capacity * 2
    func move<T>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ newCount: Int) -> UnsafeMutablePointer<T> {
      let q: UnsafeMutablePointer<T> = RowBuffer.allocate(newCount)
      q.moveInitialize(from: p, count: n)
      free(p)
      return q
    }
    ticks = move(ticks, count, c)
    days = move(days, count, c)
    lines = move(lines, count, c)
    values = move(values, count * width, c * width)
    capacity = c
  }

  /// Appends a row; `slots` picks the stored values out of the 7 value slots at `v`.
  @inline(__always)
  func append(_ tick: Int, _ day: Int32, _ line: Int, _ v: UnsafePointer<Double>) {
    if count == capacity { grow() }
    ticks[count] = Int32(truncatingIfNeeded: tick)
    days[count] = day
    lines[count] = Int32(truncatingIfNeeded: line)
    let row = values + count * width
    for j in 0..<width { row[j] = v[slots[j]] }
    count += 1
  }

  /// Appends rows `range` of `other` (same width), mapping its security indexes through `tick`
  /// and moving its lines on by `lineOffset`.
  func append(from other: RowBuffer, _ range: Range<Int>, tick: [Int32], lineOffset: Int) {
    let n = range.count
    while count + n > capacity { grow() }
    let off = Int32(truncatingIfNeeded: lineOffset)
    for (k, i) in range.enumerated() {
      ticks[count + k] = tick[Int(other.ticks[i])]
      lines[count + k] = other.lines[i] &+ off
    }
    (days + count).update(from: other.days + range.lowerBound, count: n)
    (values + count * width).update(from: other.values + range.lowerBound * width, count: n * width)
    count += n
  }

  /// Forgets the rows, keeping the memory.
  func removeAll() { count = 0 }

  /// Where rows go, for a loop that appends in locals and sets `count` when done.
  struct Cursor {
    let ticks: UnsafeMutablePointer<Int32>
    let days: UnsafeMutablePointer<Int32>
    let lines: UnsafeMutablePointer<Int32>
    /// `width` values per row.
    let values: UnsafeMutablePointer<Double>
    var count: Int
  }

  /// The buffer's memory and row count (valid until it grows or swaps contents).
  var cursor: Cursor { Cursor(ticks: ticks, days: days, lines: lines, values: values, count: count) }

  /// Makes room for `extra` more rows.
  func reserve(_ extra: Int) {
    while count + extra > capacity { grow() }
  }

  /// Appends a row whose values are the `n` fields `cols` of a record (in this buffer's column
  /// order; field `c` is `base + starts[c] ..< base + ends[c]`, and bytes up to `limit` may be
  /// read), when each is a plain decimal (`FieldParsers.plainDecimal`); otherwise appends
  /// nothing and returns `false` (the caller reads the row the general way).
  @inline(__always)
  func appendPlain(
    _ tick: Int, _ day: Int32, _ line: Int, _ base: UnsafePointer<UInt8>, _ starts: UnsafePointer<Int>,
    _ ends: UnsafePointer<Int>, _ limit: UnsafePointer<UInt8>, _ cols: UnsafePointer<Int>, _ n: Int,
    _ point: UInt8
  ) -> Bool {
    if count == capacity { grow() }
    let row = values + count * width
    for j in 0..<n {
      let c = cols[j]
      guard
        let x = FieldParsers.plainDecimal(
          base + starts[c], ends[c] &- starts[c], point: point, readableTo: limit)
      else { return false }
      row[j] = x
    }
    ticks[count] = Int32(truncatingIfNeeded: tick)
    days[count] = day
    lines[count] = Int32(truncatingIfNeeded: line)
    count += 1
    return true
  }

  /// Exchanges rows and memory with `other` (same width), so a loader can keep its buffer in a
  /// constant (no reference counting per row) while buffers take turns.
  /// Plain loads and stores, no `swap(&a, &b)`: two overlapping inout accesses to class
  /// properties make the compiler check exclusivity at run time on every row's access.
  func swapContents(with other: RowBuffer) {
    let (n, c, t, d, l, v) = (count, capacity, ticks, days, lines, values)
    (count, capacity, ticks, days, lines, values) = (
      other.count, other.capacity, other.ticks, other.days, other.lines, other.values
    )
    (other.count, other.capacity, other.ticks, other.days, other.lines, other.values) = (n, c, t, d, l, v)
  }
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
  /// The decimal separator byte.
  let decimalPoint: UInt8
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

  /// Columns read as values, in slot order, and their slots (0 open … 6 return).
  let valueCols: UnsafeMutablePointer<Int>
  let valueSlots: UnsafeMutablePointer<Int>
  let valueCount: Int
  /// Whether a row whose values are all plain decimals may go to the row buffer directly
  /// (`RowBuffer.appendPlain`): long or single layout, prices with at least one price column.
  let plainRows: Bool
  /// Longest date field remembered from the previous row.
  static let cachedBytes = 32
  /// The previous row's date bytes and date.
  let lastDateBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: Loader.cachedBytes)
  var lastDateCount = -1
  /// The day of the month of the previous date when it was written `YYYY-MM-DD` (else 0).
  var lastDateDay = 0
  /// The number of days in that date's month.
  var lastMonthDays = 28
  var lastDate = CivilDate(dayNumber: 0)
  /// The `tickerBytes` entry of the previous row's ticker (-1: none yet).
  var lastEntry = -1

  var accs: [Accumulator] = []
  /// Seeded securities whose accumulators are not made yet (a chunk loader makes them, in
  /// front of `accs`, only when a row needs one: `makeSeeds`); `accs` then holds the chunk's
  /// own securities from index `unmadeSeeds` on.
  var unmadeSeeds = 0
  /// The seed's accumulators (their tickers and exchanges) until `makeSeeds`.
  var seedAccs: [Accumulator] = []
  /// The rows read since the last flush (a constant: a `var` would cost a retain and release
  /// per row; flushing swaps its contents instead).
  let rows: RowBuffer
  /// Settles flushed rows (on its own thread when streaming) and keeps duplicates and findings.
  let settler: Settler
  var tickerIndex: [String: Int] = [:]
  /// The keys of `tickerIndex` by index (long layout with a ticker column).
  var keys: [String] = []
  /// Securities a chunk loader was started with (the main loader's at the time; same indexes).
  var seeded = 0
  let tickerBytes: ByteTable
  var rowsRead = 0
  var rejects: [RejectedRow] = []
  var held = 0
  var failure: PriceIngestError? = nil
  var flushedRows = 0
  var sinkError: (any Error)? = nil
  var invalidUTF8Line: Int? = nil

  /// `chunk`: the loader parses a piece of the file that starts at a record boundary below the
  /// header (see `absorb`): lines are counted from 1 and no line is taken for the header.
  /// `rows`: a row buffer of an earlier chunk loader to use again (its memory is already
  /// mapped; its rows are forgotten).
  init(
    dialect: IngestDialect, file: String, options: IngestOptions, flushRows: Int?,
    sink: ((PriceSeries) throws -> Void)?, chunk: Bool = false, seed: TickerSeed? = nil,
    rows reused: RowBuffer? = nil
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
    tickerBytes = (tickerCol >= 0 ? seed?.table : nil) ?? ByteTable()
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
    tableLine = chunk ? 0 : dialect.tableLine
    headerLine = chunk ? -1 : (dialect.headerLine ?? -1)
    dateFormat = dialect.dateFormat
    isReturns = dialect.returns
    valueColumns = dialect.valueColumns
    if dialect.layout == .wide {
      slots = [dialect.returns ? 6 : 3]
    } else if dialect.returns {
      slots = [retCol >= 0 ? 6 : 3, volumeCol >= 0 ? 5 : -1].filter { $0 >= 0 }
    } else {
      slots = [openCol, highCol, lowCol, closeCol, adjCol, volumeCol, retCol].enumerated().filter {
        $0.element >= 0
      }
      .map(\.offset)
    }
    // A chunk's rows fit at once (a row takes more than 16 bytes of CSV; pages never written
    // are never touched), so they are not copied while the buffer grows.
    if let reused, reused.width == max(1, slots.count) {
      reused.removeAll()
      rows = reused
    } else {
      // A streaming loader holds up to `flushRows` rows (and a batch's more) between flushes:
      // room for them at once, so the buffer is not copied while it grows (pages never written
      // are never touched).
      rows = RowBuffer(
        slots: slots,
        capacity: chunk
          ? options.chunkBytes / 16 : (flushRows.map { $0 + CSVReader.batchRecords + 256 } ?? 1024))
    }
    settler = Settler(
      file: file, dateColumn: dateCol + 1, showsTicker: dialect.layout == .long, delimiter: dialect.delimiter,
      slots: slots, jumpThreshold: options.jumpThreshold, sink: sink)
    let present = [openCol, highCol, lowCol, closeCol, adjCol, volumeCol, retCol].enumerated().filter {
      $0.element >= 0
    }
    valueCount = present.count
    // Row buffer columns are the present slots in order (see `slots`) when the file has prices;
    // a price among them makes a row of numbers a priced row.
    plainRows =
      dialect.layout != .wide && !dialect.returns && !present.isEmpty && present.contains { $0.offset <= 4 }
    valueCols = .allocate(capacity: max(1, present.count))
    valueSlots = .allocate(capacity: max(1, present.count))
    for (k, p) in present.enumerated() {
      valueCols[k] = p.element
      valueSlots[k] = p.offset
    }
    decimalComma = dialect.decimalComma
    decimalPoint = dialect.decimalComma ? 44 : 46
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
    reader.sink = Unmanaged.passUnretained(self)
    if let seed, tickerCol >= 0 {
      // A chunk starts knowing the securities read so far (no per-chunk String, trimming,
      // hashing or `resolve` for each of them; their accumulators are made if a row needs one).
      tickerIndex = seed.index
      keys = seed.keys
      seedAccs = seed.accs
      unmadeSeeds = seed.keys.count
      seeded = seed.keys.count
    }
    if !options.handTokenizer { reader.fastPath = false }
  }

  deinit {
    valueCols.deallocate()
    valueSlots.deallocate()
    lastDateBytes.deallocate()
  }

  /// Whether the 10 bytes at `p` are `DDDD-DD-DD` (digits and dashes only).
  static func isPlainISO(_ p: UnsafePointer<UInt8>) -> Bool {
    for i in 0..<10 where i != 4 && i != 7 { if p[i] &- 48 >= 10 { return false } }
    return p[4] == 45 && p[7] == 45
  }

  /// The securities known so far, for a chunk loader to start with (`nil` without a ticker column).
  func tickerSeed() -> TickerSeed? {
    tickerCol >= 0 ? TickerSeed(keys: keys, index: tickerIndex, accs: accs, table: tickerBytes.copy()) : nil
  }

  /// Makes the accumulators of the seeded securities (see `unmadeSeeds`).
  func makeSeeds() {
    accs = seedAccs.map { Accumulator(ticker: $0.ticker, exchange: $0.exchange) } + accs
    seedAccs = []
    unmadeSeeds = 0
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

  /// The date written in the `count` bytes at `base` (`nil`: not a date in the file's format).
  @inline(__always) func date(_ base: UnsafePointer<UInt8>, _ count: Int) -> CivilDate? {
    // Rows of one day often follow each other: the previous row's date when the bytes match.
    if count == lastDateCount && sameBytes(base, lastDateBytes, count) { return lastDate }
    if lastDateDay > 0 && count == 10 && sameBytes(base, lastDateBytes, 8),
      case let (a, b) = (base[8] &- 48, base[9] &- 48), a < 10 && b < 10,
      case let day = Int(a) * 10 + Int(b), day >= 1 && day <= lastMonthDays
    {
      // Same `YYYY-MM-` as the previous plain ISO date, a day that month has: the date is that
      // many days on (what `parseDate` returns for it).
      let d = lastDate.adding(days: day - lastDateDay)
      lastDateBytes[8] = base[8]
      lastDateBytes[9] = base[9]
      lastDate = d
      lastDateDay = day
      return d
    }
    let parsed = FieldParsers.parseDate(base, count, dateFormat)
    lastDateDay = 0
    if let d = parsed, count <= Loader.cachedBytes {
      lastDateBytes.update(from: base, count: count)
      lastDateCount = count
      lastDate = d
      if dateFormat == .yearMonthDay && count == 10 && Loader.isPlainISO(base) {
        lastDateDay = Int(base[8] - 48) * 10 + Int(base[9] - 48)
        let (year, month, _) = d.components
        lastMonthDays = CivilDate.daysIn(year: year, month: month)
      }
    }
    return parsed
  }

  /// The `tickerBytes` entry of ticker bytes `tf` (bytes up to `limit` readable), or -1 when
  /// the file has not named it yet: the previous row's when the bytes are the same, else the
  /// one that followed it last time (files repeat their tickers in one order each day), else
  /// looked up by bytes.
  @inline(__always) func knownEntry(_ tf: UnsafeBufferPointer<UInt8>, readableTo limit: UnsafePointer<UInt8>)
    -> Int
  {
    if let b = tf.baseAddress, tf.count <= 8, b.distance(to: limit) >= 8 {
      let e = recentEntry(word: ByteTable.word(b, tf.count), count: tf.count)
      if e >= 0 { return e }
    } else if lastEntry >= 0 {
      let table = tickerBytes
      if table.matches(lastEntry, tf) { return lastEntry }
      let guess = table.follower(lastEntry)
      if guess >= 0 && table.matches(guess, tf) {
        lastEntry = guess
        return guess
      }
    }
    return lookedUpEntry(tf)
  }

  /// The previous row's entry or its follower when either is the ticker of `n` (at most 8)
  /// bytes whose `ByteTable.word` is `word`; else -1.
  @inline(__always) func recentEntry(word: UInt64, count n: Int) -> Int {
    let last = lastEntry
    guard last >= 0 else { return -1 }
    let table = tickerBytes
    if table.isKey(last, word: word, count: n) { return last }
    let guess = table.follower(last)
    if guess >= 0 && table.isKey(guess, word: word, count: n) {
      lastEntry = guess
      return guess
    }
    return -1
  }

  /// The entry of `tf` found by hashing (then remembered as the previous row's follower), or -1.
  func lookedUpEntry(_ tf: UnsafeBufferPointer<UInt8>) -> Int {
    let table = tickerBytes
    let found = table.entry(tf, hash: ByteTable.hash(tf))
    if found >= 0 {
      if lastEntry >= 0 { table.setFollower(lastEntry, found) }
      lastEntry = found
    }
    return found
  }

  /// Handles the records of the reader's batch in order (see `CSVReader.deliverBatch`); returns
  /// `false` to stop (a sink failed). A row of the common kind (past the header, as many fields
  /// as the header, a date, a ticker seen before and plain decimals) is stored right here, with
  /// the row buffer's pointers in locals; anything else goes through `record`, which reads it
  /// from scratch.
  func records(_ r: CSVReader) -> Bool {
    let n = r.batchCount
    guard plainRows && nameCol < 0 else {
      for k in 0..<n {
        r.select(k)
        if !record(r) { return false }
      }
      return true
    }
    let base = r.fieldBase
    let limit = r.fieldLimit
    let starts = r.batchStarts
    let ends = r.batchEnds
    let first = r.batchFirst
    let lines = r.batchLines
    let (width, dateCol, tickerCol, tableLine, headerLine) = (
      width, dateCol, tickerCol, tableLine, headerLine
    )
    let (cols, valueCount, point) = (valueCols, valueCount, decimalPoint)
    let flushAt = flushRows ?? .max
    let rows = rows
    let table = tickerBytes
    let rowWidth = rows.width
    rows.reserve(n)
    var out = rows.cursor
    var stored = 0
    /// Hands the rows stored here to the buffer (before anything else touches it).
    @inline(__always) func commit() {
      rows.count = out.count
      rowsRead &+= stored
      stored = 0
    }
    for k in 0..<n {
      let f = first[k]
      let line = lines[k]
      plain: if first[k + 1] &- f == width && line >= tableLine && line != headerLine {
        let s = starts + f
        let e = ends + f
        guard let date = date(base + s[dateCol], e[dateCol] &- s[dateCol]) else { break plain }
        var tick = 0
        if tickerCol >= 0 {
          let tb = base + s[tickerCol]
          let tn = e[tickerCol] &- s[tickerCol]
          var entry =
            tn <= 8 && tb.distance(to: limit) >= 8 ? recentEntry(word: ByteTable.word(tb, tn), count: tn) : -1
          if entry < 0 {
            entry = knownEntry(UnsafeBufferPointer(start: tb, count: tn), readableTo: limit)
            if entry < 0 { break plain }
          }
          tick = table.value(entry)
        }
        let row = out.values + out.count &* rowWidth
        for j in 0..<valueCount {
          let c = cols[j]
          guard let x = FieldParsers.plainDecimal(base + s[c], e[c] &- s[c], point: point, readableTo: limit)
          else { break plain }
          row[j] = x
        }
        out.ticks[out.count] = Int32(truncatingIfNeeded: tick)
        out.days[out.count] = date.dayNumber
        out.lines[out.count] = Int32(truncatingIfNeeded: line)
        out.count &+= 1
        stored &+= 1
        if out.count >= flushAt {
          commit()
          if !flush() { return false }
          rows.reserve(n &- k)
          out = rows.cursor
        }
        continue
      }
      commit()
      r.select(k)
      if !record(r) { return false }
      rows.reserve(n &- k)
      out = rows.cursor
    }
    commit()
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
    guard let dateBase = df.baseAddress, let date = date(dateBase, df.count) else {
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
        switch number(f) {
        case .value(let v):
          var vals = (Double.nan, Double.nan, Double.nan, v, Double.nan, Double.nan, v * returnScale)
          push(k, date, line, &vals)
        case .missing: reject(line, c + 1, "no value for \(accs[k].ticker) (empty or null)")
        case .invalid:
          reject(line, c + 1, "cannot read \"\(text(f).prefix(40))\" in \(header(c)) (expected a number)")
        }
      }
      return flushIfNeeded()
    }
    // Security: one seen before (`knownEntry`), else a new one.
    var tick = 0
    if tickerCol >= 0 {
      let tf = r.field(tickerCol)
      let table = tickerBytes
      var e = knownEntry(tf, readableTo: r.fieldLimit)
      if e < 0 {
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
        if let i = tickerIndex[key] {
          tick = i
        } else {
          let (t, ex) = resolve(key)
          tick = accs.count + unmadeSeeds
          accs.append(Accumulator(ticker: t, exchange: ex))
          tickerIndex[key] = tick
          keys.append(key)
        }
        e = table.insert(tf, hash: ByteTable.hash(tf), value: tick)
        if lastEntry >= 0 { table.setFollower(lastEntry, e) }
        lastEntry = e
      }
      tick = table.value(e)
    }
    if nameCol >= 0 && unmadeSeeds > 0 { makeSeeds() }
    if nameCol >= 0 && accs[tick].name == nil {
      let s = text(r.field(nameCol)).trimmingSpaces()
      if !s.isEmpty { accs[tick].name = s }
    }
    // Plain decimals in every value column (the common case): straight into the row buffer.
    if plainRows
      && rows.appendPlain(
        tick, date.dayNumber, line, r.fieldBase, r.currentStarts, r.currentEnds, r.fieldLimit, valueCols,
        valueCount,
        decimalPoint)
    {
      return flushIfNeeded()
    }
    // Values, in slot order (the first one that is no number rejects the row).
    var vals = (Double.nan, Double.nan, Double.nan, Double.nan, Double.nan, Double.nan, Double.nan)
    var any = false
    let read = withUnsafeMutablePointer(to: &vals) { t -> Bool in
      t.withMemoryRebound(to: Double.self, capacity: 7) { v -> Bool in
        let limit = r.fieldLimit
        for k in 0..<valueCount {
          let c = valueCols[k]
          let f = r.field(c)
          if let b = f.baseAddress,
            let x = FieldParsers.plainDecimal(b, f.count, point: decimalPoint, readableTo: limit)
          {
            v[valueSlots[k]] = x
            any = true
            continue
          }
          switch number(f) {
          case .value(let x):
            v[valueSlots[k]] = x
            any = true
          case .missing: break
          case .invalid:
            rejectValue(line, c, f)
            return false
          }
        }
        return true
      }
    }
    guard read else { return true }
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
      if unmadeSeeds > 0 { makeSeeds() }
      let acc = accs[tick]
      acc.nullRows += 1
      if acc.firstNull == nil { acc.firstNull = date }
      reject(
        line, nil, "null row: no price\(retCol >= 0 ? " or return" : "") for \(acc.ticker) on \(date.iso)")
      return true
    }
    push(tick, date, line, &vals)
    return flushIfNeeded()
  }

  @inline(__always)
  func push(
    _ tick: Int, _ date: CivilDate, _ line: Int,
    _ vals: inout (Double, Double, Double, Double, Double, Double, Double)
  ) {
    withUnsafePointer(to: &vals) { p in
      p.withMemoryRebound(to: Double.self, capacity: 7) { v in rows.append(tick, date.dayNumber, line, v) }
    }
  }

  /// Rejects a row whose column `c` is no number.
  func rejectValue(_ line: Int, _ c: Int, _ f: UnsafeBufferPointer<UInt8>) {
    if c == retCol, f.count == 1, let ch = f.first, ch >= 65 && ch <= 90 {
      reject(line, c + 1, "CRSP return code \(text(f)): \(crspMeaning(ch)) (expected a number)")
    } else {
      reject(line, c + 1, "cannot read \"\(text(f).prefix(40))\" in \(header(c)) (expected a number)")
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

  @inline(__always) func flushIfNeeded() -> Bool {
    guard let limit = flushRows, rows.count >= limit else { return true }
    return flush()
  }

  /// Hands the held rows to the settler, which settles them on its own thread and hands the
  /// series to the sink (one sorted fragment per security); reading goes on into the buffer it
  /// settled before. Returns `false` when the sink failed.
  func flush() -> Bool {
    guard sink != nil else { return true }
    if rows.count == 0 { return sinkError == nil }
    flushedRows += rows.count
    guard settler.submit(rows, labels: labels()) else {
      sinkError = settler.sinkError
      return false
    }
    return true
  }

  /// The securities as known now, for the settler.
  func labels() -> [SecurityLabel] {
    accs.map { SecurityLabel(ticker: $0.ticker, exchange: $0.exchange, name: $0.name) }
  }

  /// Whether a chunk parsed apart (`chunk: true`) can be absorbed now: the reader stands at a
  /// record boundary past the header lines.
  var canAbsorb: Bool {
    failure == nil && sinkError == nil && reader.isAtRecordStart && reader.line >= tableLine
      && reader.line > headerLine
  }

  /// Takes over what a chunk loader `w` read from the bytes that follow this loader's input, as
  /// if this loader had read them itself (requires `canAbsorb`, and `w` must have ended at a
  /// record boundary without cutting any record): securities in first-seen order, counts,
  /// rejects and rows with their lines moved on, flushing at the same rows as a sequential read.
  /// Returns `false` when the sink failed.
  func absorb(_ w: Loader) -> Bool {
    let offset = reader.line - 1
    // Securities: the chunk's in its first-seen order, mapped to (or appended to) this loader's.
    // Accumulators the chunk did not make stand for seeded securities it has nothing on.
    let skip = w.unmadeSeeds
    var map = [Int32](repeating: 0, count: w.accs.count + skip)
    if tickerCol >= 0 {
      // Seeded securities have this loader's indexes; the chunk's own follow.
      for j in 0..<w.seeded { map[j] = Int32(j) }
      for j in w.seeded..<w.keys.count {
        let key = w.keys[j]
        if let i = tickerIndex[key] {
          map[j] = Int32(i)
        } else {
          let (t, ex) = resolve(key)
          map[j] = Int32(accs.count)
          tickerIndex[key] = accs.count
          keys.append(key)
          // Its bytes too, so later chunks are seeded with them.
          Array(key.utf8).withUnsafeBufferPointer { b in
            let h = ByteTable.hash(b)
            if tickerBytes.entry(b, hash: h) < 0 { tickerBytes.insert(b, hash: h, value: accs.count) }
          }
          accs.append(Accumulator(ticker: t, exchange: ex))
        }
      }
    } else {
      for j in 0..<map.count { map[j] = Int32(j) }
    }
    for (k, a) in w.accs.enumerated() {
      let acc = accs[Int(map[k + skip])]
      if acc.name == nil { acc.name = a.name }
      acc.nullRows += a.nullRows
      if acc.firstNull == nil { acc.firstNull = a.firstNull }
    }
    rowsRead += w.rowsRead
    if invalidUTF8Line == nil, let l = w.invalidUTF8Line { invalidUTF8Line = l + offset }
    rejects.reserveCapacity(rejects.count + w.rejects.count)
    for var r in w.rejects {
      r.line += offset
      rejects.append(r)
    }
    // Rows, flushed where a sequential read flushes: after the record that reaches the limit.
    let src = w.rows
    let n = src.count
    var i = 0
    while i < n {
      var e = n
      if let limit = flushRows { e = min(n, i + max(1, limit - rows.count)) }
      while e < n && src.lines[e] == src.lines[e - 1] { e += 1 }
      rows.append(from: src, i..<e, tick: map, lineOffset: offset)
      i = e
      if !flushIfNeeded() { return false }
    }
    reader.skip(lines: w.reader.line - 1)
    return true
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
        if rows.count == 0 && flushedRows == 0 { throw .unterminatedQuote(file: file, line: l, column: c) }
        rowsRead += 1
        rejects.append(
          RejectedRow(
            file: file, line: l, column: c, raw: "",
            reason:
              "quoted field opened here is never closed; the rest of the file (from line \(l)) was not read"))
      }
    }
    if sinkError == nil && flushRows != nil { _ = flush() }
    settler.wait()
    if sinkError == nil { sinkError = settler.sinkError }
    if let e = sinkError { throw .cannotRead(file: file, reason: "storing failed: \(e)") }
    var out: [PriceSeries] = []
    if flushRows != nil {
      // The rows went to the sink; the file still names its securities (with no rows).
      out = accs.indices.filter { settler.stored($0) > 0 }.map {
        var s = PriceSeries(ticker: accs[$0].ticker, exchange: accs[$0].exchange)
        s.name = accs[$0].name
        return s
      }
    } else {
      flushedRows += rows.count
      out = settler.settle(rows, labels: labels(), streaming: false)
      rows.removeAll()
    }
    for (t, acc) in accs.enumerated() { settler.finalFindings(settler.state(t), acc) }
    let stored = accs.indices.reduce(0) { $0 + settler.stored($1) }
    // Rejects in line order (duplicates are found after the rows they repeat; the settler's
    // follow the reader's of the same line, as in a sequential read).
    rejects += settler.rejects
    rejects.sort { $0.line < $1.line }
    var findings = settler.findings
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
      series: out, rejects: rejects, findings: findings)
  }
}
