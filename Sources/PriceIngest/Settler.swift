import Dispatch
import MarketData

/// A security as the reading thread knew it when it handed rows over: the settling side reads
/// these, never the reading side's accumulators (whose name may still be filled in).
struct SecurityLabel: Sendable {
  let ticker: String
  let exchange: Exchange
  let name: String?
}

/// One security's state across the fragments of a file, on the settling side: dates already
/// handed over, date order, and what the quality checks carry from row to row.
final class SettleState {
  /// Dates already handed over in earlier fragments (streaming only).
  let seen = DateSet()
  var ascending = true
  var descending = true
  var last: CivilDate? = nil
  var stored = 0
  var nonPositive = 0
  var missingClose = 0
  /// Carried across flushed fragments for gaps and jumps.
  var gapPrev: CivilDate? = nil
  var gapRuns = 0
  var gapSessions = 0
  var nonSession = 0
  var jumpPrev: (CivilDate, Double)? = nil
}

/// Working memory of `Settler.settle`: row indexes in security order, a security's positions
/// sorted by date and kept, and its kept values by column.
final class SettleScratch {
  let capacity: Int
  let grouped: UnsafeMutablePointer<Int32>
  let order: UnsafeMutablePointer<Int32>
  let keep: UnsafeMutablePointer<Int32>

  /// One security's kept values, column by column.
  private var columnBuffer: UnsafeMutablePointer<Double>
  private var columnCapacity = 0

  init(capacity: Int) {
    self.capacity = capacity
    grouped = .allocate(capacity: capacity)
    order = .allocate(capacity: capacity)
    keep = .allocate(capacity: capacity)
    columnBuffer = .allocate(capacity: 1)
  }

  /// Room for `n` values in `columnBuffer`.
  func columns(_ n: Int) -> UnsafeMutablePointer<Double> {
    if n > columnCapacity {
      columnBuffer.deallocate()
      columnCapacity = max(n, 2 * columnCapacity)
      columnBuffer = .allocate(capacity: columnCapacity)
    }
    return columnBuffer
  }

  deinit {
    grouped.deallocate()
    order.deallocate()
    keep.deallocate()
    columnBuffer.deallocate()
  }
}

/// Turns the rows a loader read into series: groups them by security, sorts each by date, drops
/// duplicate dates (the first row in file order is kept; later ones are rejected as identical or
/// conflicting duplicates), runs the quality checks and hands each security's fragment to the
/// sink.
///
/// Streaming, this runs on a thread of its own while the loader reads on: the loader hands over
/// its full rows (`submit`) and goes on filling the memory settled before, so two buffers
/// take turns and the reading thread never waits for sorting, quality checks or the sink unless
/// it has filled a second buffer first. Rejects and findings made here are kept apart from the
/// loader's and merged when the file is finished (`wait` first), in the order a sequential read
/// makes them.
final class Settler: @unchecked Sendable {
  let file: String
  /// The date column (1-based) named by duplicate rejects.
  let dateColumn: Int
  /// Whether rows carry a ticker (long layout), for the text of a rejected duplicate.
  let showsTicker: Bool
  let delimiter: String
  /// Value slots (0 open … 6 return) of a row buffer's columns.
  let slots: [Int]
  /// The column of each slot, if the file has it.
  let slotPos: [Int?]
  let jumpThreshold: Double
  let sink: ((PriceSeries) throws -> Void)?

  /// Per security, by the loader's index.
  var states: [SettleState] = []
  var rejects: [RejectedRow] = []
  var findings: [QualityFinding] = []
  var calendars: [String: SessionCounts] = [:]
  /// Working memory, kept between fragments.
  var scratch: SettleScratch? = nil
  /// The first error of the sink; nothing more is handed to it after one.
  var sinkError: (any Error)? = nil

  private let queue = DispatchQueue(label: "PriceIngest.settle")
  /// Taken while a fragment is settled on `queue`.
  private let idle = DispatchSemaphore(value: 1)
  /// The settling side's buffer: it takes the loader's rows in `submit` (their contents swap).
  private var buffer: RowBuffer? = nil

  init(
    file: String, dateColumn: Int, showsTicker: Bool, delimiter: UInt8, slots: [Int], jumpThreshold: Double,
    sink: ((PriceSeries) throws -> Void)?
  ) {
    self.file = file
    self.dateColumn = dateColumn
    self.showsTicker = showsTicker
    self.delimiter = String(decoding: [delimiter], as: UTF8.self)
    self.slots = slots
    self.slotPos = (0..<7).map { slot in slots.firstIndex(of: slot) }
    self.jumpThreshold = jumpThreshold
    self.sink = sink
  }

  /// Waits until the fragment handed over before is settled, then takes the rows of `rows`
  /// (leaving it empty, with the memory settled before) and settles them on the settling thread,
  /// handing the series to the sink. Returns `false`, taking nothing, when the sink failed on
  /// an earlier fragment (`sinkError`).
  func submit(_ rows: RowBuffer, labels: [SecurityLabel]) -> Bool {
    idle.wait()
    if sinkError != nil {
      idle.signal()
      return false
    }
    let taken = buffer ?? RowBuffer(slots: slots, capacity: rows.capacity)
    buffer = taken
    taken.swapContents(with: rows)
    let handed = HandedRows(rows: taken)
    queue.async {
      let rows = handed.rows
      if let sink = self.sink {
        self.settle(rows, labels: labels, streaming: true) { s in
          do { try sink(s) } catch {
            self.sinkError = error
            return false
          }
          return true
        }
      }
      rows.removeAll()
      self.idle.signal()
    }
    return true
  }

  /// Waits until every fragment handed over is settled (after which this thread may read the
  /// settler's state).
  func wait() {
    idle.wait()
    idle.signal()
  }

  /// The state of security `t`, made when first needed.
  @inline(__always) func state(_ t: Int) -> SettleState {
    while states.count <= t { states.append(SettleState()) }
    return states[t]
  }

  /// Rows stored for security `t` so far.
  func stored(_ t: Int) -> Int { t < states.count ? states[t].stored : 0 }

  /// `settle(_:labels:streaming:emit:)` collecting the series.
  func settle(_ rows: RowBuffer, labels: [SecurityLabel], streaming: Bool) -> [PriceSeries] {
    var out: [PriceSeries] = []
    settle(rows, labels: labels, streaming: streaming) { s in
      out.append(s)
      return true
    }
    return out
  }

  /// Groups `rows` by security (file order kept within each), sorts each by date, drops
  /// duplicate dates, runs the quality checks and hands each security's series (labelled by
  /// `labels`, by security index) to `emit` as soon as it is made (so one is held at a time);
  /// stops when `emit` returns `false`. `streaming`: dates of earlier fragments count as
  /// duplicates too. The rows are left as they were.
  func settle(
    _ rows: RowBuffer, labels: [SecurityLabel], streaming: Bool, emit: (PriceSeries) -> Bool
  ) {
    let n = rows.count
    let w = rows.width
    let nt = labels.count
    guard n > 0 else { return }
    // Counting sort by security.
    var start = [Int](repeating: 0, count: nt + 1)
    let ticks = UnsafePointer(rows.ticks)
    start.withUnsafeMutableBufferPointer { c in
      for i in 0..<n { c[Int(ticks[i]) &+ 1] &+= 1 }
      for t in 0..<nt { c[t + 1] += c[t] }
    }
    let scratch = settleScratch(n)
    // `grouped[q]`: the row at position `q` in security order.
    let grouped = scratch.grouped
    let next = UnsafeMutablePointer<Int>.allocate(capacity: nt + 1)
    defer { next.deallocate() }
    start.withUnsafeBufferPointer { b in
      if let base = b.baseAddress { next.initialize(from: base, count: nt + 1) }
    }
    for i in 0..<n {
      let t = Int(ticks[i])
      let q = next[t]
      grouped[q] = Int32(truncatingIfNeeded: i)
      next[t] = q &+ 1
    }
    let days = UnsafePointer(rows.days)
    let values = UnsafePointer(rows.values)
    // (Positions and counts below stay far inside `Int`: wrapping arithmetic, no overflow
    // checks in the loops.)
    @inline(__always) func at(_ q: Int) -> Int { Int(grouped[q]) }
    // Positions of the security at hand in date order, and those kept (its first row of each date).
    let order = scratch.order
    let keep = scratch.keep
    for t in 0..<nt where start[t + 1] > start[t] {
      let label = labels[t]
      let state = state(t)
      let s0 = start[t]
      let count = start[t + 1] - s0
      // Order: ascending, newest first, or neither.
      var asc = true
      var desc = true
      var before = days[at(s0)]
      for q in (s0 + 1)..<max(s0 + 1, s0 + count) {
        let b = days[at(q)]
        if b < before { asc = false } else if b > before { desc = false }
        before = b
      }
      if let l = state.last, CivilDate(dayNumber: days[at(s0)]) < l { state.ascending = false }
      if !asc { state.ascending = false }
      if !desc || count < 2 { state.descending = false }
      if !asc {
        // Stable: rows of one date keep their file order, so the first one is kept.
        for q in s0..<(s0 + count) { order[q] = Int32(q) }
        var block = UnsafeMutableBufferPointer(start: order + s0, count: count)
        block.sort { a, b in
          let da = days[at(Int(a))]
          let db = days[at(Int(b))]
          return da < db || (da == db && a < b)
        }
      }
      // Duplicates: a later row of a kept date is refused (and, streaming, a date that an
      // earlier fragment held).
      var kept = 0
      var keptPos = -1
      let seen = state.seen
      for k in 0..<count {
        let q = asc ? s0 &+ k : Int(order[s0 &+ k])
        let day = days[at(q)]
        if keptPos >= 0 && days[at(keptPos)] == day {
          duplicate(rows, label, Int(grouped[keptPos]), Int(grouped[q]))
          continue
        }
        if streaming && !seen.insert(day) {
          rejectDuplicate(rows, label, Int(grouped[q]), nil)
          continue
        }
        keptPos = q
        keep[kept] = Int32(truncatingIfNeeded: at(q))
        kept &+= 1
      }
      let dates = [CivilDate](unsafeUninitializedCapacity: kept) { buf, c in
        for k in 0..<kept { buf[k] = CivilDate(dayNumber: days[Int(keep[k])]) }
        c = kept
      }
      // Each kept row's values read once (a row's values share a cache line), into columns.
      let columns = scratch.columns(kept * w)
      for k in 0..<kept {
        let row = values + Int(keep[k]) &* w
        for j in 0..<w { columns[j &* kept &+ k] = row[j] }
      }
      var cols: [[Double]] = []
      cols.reserveCapacity(w)
      for j in 0..<w { cols.append(Array(UnsafeBufferPointer(start: columns + j * kept, count: kept))) }
      if let d = dates.last { state.last = max(state.last ?? d, d) }
      state.stored += dates.count
      func col(_ slot: Int) -> [Double] { slotPos[slot].map { cols[$0] } ?? [] }
      var s = PriceSeries(
        ticker: label.ticker, exchange: label.exchange, dates: dates, open: col(0), high: col(1), low: col(2),
        close: col(3), adjustedClose: col(4), volume: col(5), returns: col(6))
      s.name = label.name
      dates.withUnsafeBufferPointer { qualityPass(state, label, $0, columns) }
      if !emit(s) { return }
    }
  }

  /// Scratch memory for `settle`, kept between fragments (room for `n` rows).
  func settleScratch(_ n: Int) -> SettleScratch {
    if let s = scratch, s.capacity >= n { return s }
    let s = SettleScratch(capacity: max(n, scratch?.capacity ?? 0))
    scratch = s
    return s
  }

  /// Text standing in for a row that was parsed but not kept (duplicates).
  func rowText(_ rows: RowBuffer, _ label: SecurityLabel, _ i: Int) -> String {
    var parts = [CivilDate(dayNumber: rows.days[i]).iso]
    if showsTicker { parts.append(label.ticker) }
    let row = rows.values + i * rows.width
    for j in 0..<rows.width { parts.append(row[j].isNaN ? "" : "\(row[j])") }
    return parts.joined(separator: delimiter)
  }

  func rejectDuplicate(_ rows: RowBuffer, _ label: SecurityLabel, _ i: Int, _ reason: String?) {
    let date = CivilDate(dayNumber: rows.days[i])
    let line = Int(rows.lines[i])
    rejects.append(
      RejectedRow(
        file: file, line: line, column: dateColumn, raw: rowText(rows, label, i),
        reason: reason ?? "duplicate date \(date.iso) for \(label.ticker) (an earlier row was kept)"))
    if reason == nil {
      findings.append(
        QualityFinding(
          kind: "duplicate_date", ticker: label.ticker, date: date, line: line,
          detail: "duplicate of an earlier row"))
    }
  }

  func duplicate(_ rows: RowBuffer, _ label: SecurityLabel, _ kept: Int, _ i: Int) {
    let w = rows.width
    let a = rows.values + kept * w
    let b = rows.values + i * w
    var identical = true
    for j in 0..<w where !(a[j] == b[j] || (a[j].isNaN && b[j].isNaN)) { identical = false }
    let date = CivilDate(dayNumber: rows.days[i])
    let line = Int(rows.lines[i])
    let keptLine = Int(rows.lines[kept])
    let ticker = label.ticker
    if identical {
      rejectDuplicate(rows, label, i, "identical duplicate of line \(keptLine) (\(ticker) \(date.iso))")
      findings.append(
        QualityFinding(
          kind: "duplicate_date", ticker: ticker, date: date, line: line,
          detail: "line \(line) repeats line \(keptLine)"))
    } else {
      var detail = ""
      if let j = slotPos[3] { detail = ": close \(a[j]) kept, \(b[j]) refused" }
      if let j = slotPos[6] { detail = ": return \(a[j]) kept, \(b[j]) refused" }
      rejectDuplicate(
        rows, label, i,
        "conflicting duplicate of line \(keptLine) for \(ticker) \(date.iso) (first kept\(detail))")
      findings.append(
        QualityFinding(
          kind: "conflicting_duplicate", ticker: ticker, date: date, line: line,
          detail: "line \(line) disagrees with line \(keptLine)\(detail)"))
    }
  }
}

/// A row buffer on its way to the settling thread; the reading thread no longer touches it.
private struct HandedRows: @unchecked Sendable {
  let rows: RowBuffer
}
