import CLibCSV

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Start and end offsets of fields, in two raw buffers that double when full. A tokenizer
/// loop works on a local copy (its pointers stay in registers) and stores it back when done.
struct FieldOffsets {
  private(set) var starts: UnsafeMutablePointer<Int>
  private(set) var ends: UnsafeMutablePointer<Int>
  private(set) var capacity: Int

  init(capacity: Int) {
    self.capacity = capacity
    starts = .allocate(capacity: capacity)
    ends = .allocate(capacity: capacity)
  }

  func deallocate() {
    starts.deallocate()
    ends.deallocate()
  }

  /// Stores field number `count` as `from ..< to` and counts it.
  @inline(__always) mutating func add(_ from: Int, _ to: Int, _ count: inout Int) {
    if count == capacity { grow(keeping: count) }
    starts[count] = from
    ends[count] = to
    count &+= 1
  }

  /// Doubles the room, keeping the first `n` fields.
  mutating func grow(keeping n: Int) {
    let s = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 2)
    s.update(from: starts, count: n)
    starts.deallocate()
    starts = s
    let e = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 2)
    e.update(from: ends, count: n)
    ends.deallocate()
    ends = e
    capacity *= 2
  }
}

/// Streams bytes through libcsv and hands over one record at a time, with the physical line it
/// started on. Field bytes of the current record are kept in one growable buffer, so a record
/// costs no allocation. Memory is bounded: a record longer than `maxRecordBytes` is cut off
/// (reported as `overflowed`) and a single field longer than `maxFieldBytes` (an unterminated
/// quote or a file that is no CSV) stops the reader with an error.
final class CSVReader {
  private var parser = csv_parser()
  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  /// Where the current record's field offsets point: `buffer` (fields copied from libcsv) or the
  /// input itself (fields of a line the fast path tokenized, valid during the record call).
  private(set) var fieldBase: UnsafePointer<UInt8>
  /// End of the memory that may be read from `fieldBase` on (past the current record's last
  /// field: number parsers read whole words).
  private(set) var fieldLimit: UnsafePointer<UInt8>
  /// Field offsets (from `fieldBase`) of the current record: those of `own`, or its part of
  /// the batch (`select`).
  private(set) var currentStarts: UnsafeMutablePointer<Int>
  private(set) var currentEnds: UnsafeMutablePointer<Int>
  /// Field offsets of the record being read by libcsv or `byteRecord`.
  private var own: FieldOffsets
  /// Records `blockRecords` and `wordRecord` read, handed over together (`deliverBatch`): record
  /// `k` has the fields `batchFirst[k] ..< batchFirst[k + 1]` of `batch` (offsets from
  /// `fieldBase`) and starts on line `batchLines[k]`. Records go to the sink in file order: the
  /// batch is delivered before any other path reports a record.
  private var batch: FieldOffsets
  private(set) var batchFirst: UnsafeMutablePointer<Int>
  private(set) var batchLines: UnsafeMutablePointer<Int>
  private(set) var batchCount = 0
  /// Start offsets of the batch's fields.
  var batchStarts: UnsafeMutablePointer<Int> { batch.starts }
  /// End offsets of the batch's fields.
  var batchEnds: UnsafeMutablePointer<Int> { batch.ends }
  /// Records a batch holds before it is delivered.
  static let batchRecords = 512
  /// Bytes of the current record's fields.
  private(set) var used = 0
  /// Number of fields in the current record.
  private(set) var fieldCount = 0
  /// 1-based line the current record started on.
  private(set) var recordLine = 1
  /// Physical line of the next byte.
  private(set) var line = 1
  /// `true` when the current record was longer than `maxRecordBytes` and was cut.
  private(set) var overflowed = false
  /// `true` once any record was cut or any field was dropped for length (those outcomes depend
  /// on how the input was sliced, so a chunk parsed apart is not used when this is set).
  private(set) var sawOverflow = false
  /// Byte count of the current record, counting cut bytes.
  private(set) var recordBytes = 0
  /// Whether fields of the slice being parsed may hold line breaks.
  private var countNewlines = true
  /// Whether the slice being read by hand holds a quote byte: its records with quotes other
  /// than around whole fields, or with spaces outside quotes, go to libcsv (`libcsvRecord`).
  private var quotedSlice = false
  /// Whether a lone CR ends lines (old Mac files with no LF at all).
  let crEndsLines: Bool
  let maxRecordBytes: Int
  let maxFieldBytes: Int
  /// Called at the end of each record; return `false` to stop reading.
  var onRecord: (CSVReader) -> Bool = { _ in true }
  /// Receives records instead of `onRecord` when set (no closure call and no reference
  /// counting per record). The loader must outlive the reader (it owns its reader).
  var sink: Unmanaged<Loader>? = nil
  /// Whether quote-free slices are tokenized by hand (`fastLines`) instead of by libcsv; the
  /// records, fields and lines are the same either way (`Tests/PriceIngestTests/FastPathTests`).
  var fastPath = true
  /// Byte classes for the fast path: 0 ordinary, 1 space or tab (not the delimiter), 2 the
  /// delimiter, 3 CR or LF.
  private let classes: UnsafeMutablePointer<UInt8>
  /// Set once `onRecord` returned `false`.
  private(set) var stopped = false
  let delimiter: UInt8
  let quote: UInt8

  init(
    delimiter: UInt8, quote: UInt8 = 34, crEndsLines: Bool = false, maxRecordBytes: Int = 1 << 20,
    maxFieldBytes: Int = 1 << 20
  ) {
    self.delimiter = delimiter
    self.quote = quote
    self.crEndsLines = crEndsLines
    self.maxRecordBytes = maxRecordBytes
    self.maxFieldBytes = maxFieldBytes
    capacity = 4096
    buffer = .allocate(capacity: capacity)
    fieldBase = UnsafePointer(buffer)
    fieldLimit = fieldBase + capacity
    own = FieldOffsets(capacity: 64)
    currentStarts = own.starts
    currentEnds = own.ends
    batch = FieldOffsets(capacity: 8 * CSVReader.batchRecords)
    batchFirst = .allocate(capacity: CSVReader.batchRecords + 1)
    batchFirst[0] = 0
    batchLines = .allocate(capacity: CSVReader.batchRecords)
    classes = .allocate(capacity: 256)
    classes.initialize(repeating: 0, count: 256)
    classes[32] = 1
    classes[9] = 1
    classes[Int(delimiter)] = 2
    classes[10] = 3
    classes[13] = 3
    // libcsv checks line ends before the delimiter outside a field and after it inside one; a
    // delimiter that is a line end or the quote never takes the fast path.
    if delimiter == 10 || delimiter == 13 || delimiter == quote { fastPath = false }
    csv_init(&parser, UInt8(CSV_REPALL_NL))
    csv_set_delim(&parser, delimiter)
    csv_set_quote(&parser, quote)
  }

  deinit {
    csv_free(&parser)
    buffer.deallocate()
    own.deallocate()
    batch.deallocate()
    batchFirst.deallocate()
    batchLines.deallocate()
    classes.deallocate()
  }

  /// The bytes of field `i` of the current record.
  @inline(__always) func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
    let start = currentStarts[i]
    return UnsafeBufferPointer(start: fieldBase + start, count: currentEnds[i] - start)
  }

  /// Field `i` as bytes (for the sniffer and messages).
  func fieldBytes(_ i: Int) -> [UInt8] { Array(field(i)) }

  /// The current record re-joined with the delimiter, cut to `limit` bytes (for reject messages).
  func rawText(limit: Int = 200) -> String {
    var out: [UInt8] = []
    for i in 0..<fieldCount {
      if i > 0 { out.append(delimiter) }
      let f = field(i)
      let needsQuote = f.contains(delimiter) || f.contains(quote) || f.contains(10)
      if needsQuote { out.append(quote) }
      out.append(contentsOf: f.prefix(limit))
      if needsQuote { out.append(quote) }
      if out.count > limit { break }
    }
    if out.count > limit || overflowed {
      out = Array(out.prefix(limit))
      while let last = out.last, last & 0xC0 == 0x80 { out.removeLast() }
      if let last = out.last, last >= 0xC0 { out.removeLast() }
      return String(decoding: out, as: UTF8.self) + "…"
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Bytes the field being read currently holds inside libcsv (grows with an open quote).
  var pendingFieldBytes: Int { parser.entry_pos }

  /// `true` when the input ended inside a quoted field.
  var insideQuotedField: Bool { parser.pstate == 2 && parser.quoted != 0 }

  /// `true` when the reader stands at the start of a record, exactly as a fresh reader does:
  /// libcsv holds no partial field or row and no record is pending. Bytes that follow can then
  /// be parsed by another reader with the same outcome.
  var isAtRecordStart: Bool { libcsvAtRecordStart && !stopped }

  /// libcsv holds no partial field or row and no record is pending: the hand tokenizer may
  /// read on from here.
  private var libcsvAtRecordStart: Bool {
    parser.pstate == 0 && parser.quoted == 0 && parser.spaces == 0 && parser.entry_pos == 0 && used == 0
      && fieldCount == 0 && !overflowed && recordBytes == 0
  }

  /// Moves the line count on by `n` lines that another reader parsed (see `isAtRecordStart`).
  func skip(lines n: Int) {
    line += n
    recordLine = line
  }

  fileprivate func appendField(_ p: UnsafeRawPointer?, _ n: Int) {
    recordBytes += n + 1
    if countNewlines, let p, n > 0 {
      var k = 0
      while let nl = memchr(p + k, 10, n - k) {
        line += 1
        k = p.distance(to: UnsafeRawPointer(nl)) + 1
      }
    }
    if overflowed || used + n > maxRecordBytes {
      overflowed = true
      sawOverflow = true
      return
    }
    if used + n > capacity {
      var c = capacity * 2
      while c < used + n { c *= 2 }
      let b = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
      b.update(from: buffer, count: used)
      buffer.deallocate()
      buffer = b
      capacity = c
    }
    if let p, n > 0 { (buffer + used).update(from: p.assumingMemoryBound(to: UInt8.self), count: n) }
    used += n
    fieldBase = UnsafePointer(buffer)
    fieldLimit = fieldBase + capacity
    own.add(used - n, used, &fieldCount)
  }

  @inline(__always) fileprivate func endRecord(_ c: Int32) {
    if fieldCount > 0 || overflowed {
      currentStarts = own.starts
      currentEnds = own.ends
      if !stopped {
        if let sink {
          if !sink._withUnsafeGuaranteedRef({ $0.record(self) }) { stopped = true }
        } else if !onRecord(self) {
          stopped = true
        }
      }
    }
    used = 0
    fieldCount = 0
    overflowed = false
    recordBytes = 0
    if c == 10 || (c == 13 && crEndsLines) { line += 1 }
    recordLine = line
  }

  /// Feeds a chunk. A field longer than `maxFieldBytes` is cut (the record is `overflowed`).
  func feed(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, !stopped else { return }
    let me = Unmanaged.passUnretained(self).toOpaque()
    // Feed in slices so an endless field is noticed before it eats memory.
    var offset = 0
    let slice = 1 << 20
    while offset < bytes.count && !stopped {
      let n = min(slice, bytes.count - offset)
      // Only a quoted field can hold a line break: skip the search in slices without quotes.
      let hasQuote = memchr(base + offset, Int32(quote), n) != nil
      countNewlines = parser.quoted != 0 || hasQuote
      if fastPath {
        quotedSlice = hasQuote
        parseByHand(base + offset, n, me)
      } else {
        _ = csv_parse(&parser, base + offset, n, fieldCallback, recordCallback, me)
      }
      offset += n
      if parser.entry_pos > maxFieldBytes {
        // An endless field (no delimiter for a megabyte, or an open quote): drop what libcsv
        // holds so memory stays bounded; the record is reported as overflowed.
        parser.entry_pos = 0
        overflowed = true
        sawOverflow = true
        recordBytes += maxFieldBytes
      }
    }
  }

  /// Parses a slice that does not start inside a quoted field: libcsv reads up to the first line
  /// end (finishing a record an earlier slice began), `fastLines` the complete lines up to the
  /// last line end, libcsv the rest (a record the next slice finishes). libcsv stands at a
  /// record start where `fastLines` begins and again where it ends (or takes over the rest of
  /// the slice where a quoted field runs past a line end), so its state, and the records,
  /// fields and lines reported, are what libcsv alone gives.
  private func parseByHand(_ p: UnsafeRawPointer, _ n: Int, _ me: UnsafeMutableRawPointer) {
    let bytes = p.assumingMemoryBound(to: UInt8.self)
    var first = 0
    if parser.pstate != 0 || parser.entry_pos != 0 {
      while first < n && classes[Int(bytes[first])] != 3 { first += 1 }
      if first < n { first += 1 }
      _ = csv_parse(&parser, p, first, fieldCallback, recordCallback, me)
    }
    var last = n
    while last > first && classes[Int(bytes[last - 1])] != 3 { last -= 1 }
    if last > first {
      if libcsvAtRecordStart {
        fastLines(bytes + first, last - first)
      } else {
        _ = csv_parse(&parser, p + first, last - first, fieldCallback, recordCallback, me)
      }
    }
    if n > last { _ = csv_parse(&parser, p + last, n - last, fieldCallback, recordCallback, me) }
  }

  /// Tokenizes complete lines (`count` bytes ending with CR or LF, no quote byte) as libcsv does
  /// with `CSV_REPALL_NL` and its default space handling: spaces and tabs (unless one is the
  /// delimiter) before and after a field are dropped; every CR and LF ends a record; a line end
  /// with nothing but spaces before it reports a record with no fields; a line end after a
  /// delimiter ends an empty last field. Fields point into the input (no copy). Records go
  /// through `wordRecord` while it can take them, else through `byteRecord`.
  private func fastLines(_ p: UnsafePointer<UInt8>, _ count: Int) {
    var i = 0
    // Lines with spaces or control bytes go byte by byte (lines with quotes that are not
    // simple, to libcsv); after a few such lines this slice does.
    var misses = 0
    let quoted = quotedSlice
    while i < count {
      if misses < 16 {
        if count &- i >= 64 {
          let (next, byByte) = quoted ? quotedBlockRecords(p, i, count) : blockRecords(p, i, count)
          i = next
          if batchCount == CSVReader.batchRecords {
            deliverBatch(p, count)
            continue
          }
          if byByte {
            misses += 1
            deliverBatch(p, count)
            i = quoted ? libcsvRecord(p, i, count, all: false) : byteRecord(p, i, count)
            continue
          }
          // The record at `i`, if any, runs into the last 64 bytes.
          if i == count { break }
        }
        if !quoted {
          let next = wordRecord(p, i, count)
          if next >= 0 {
            i = next
            if batchCount == CSVReader.batchRecords { deliverBatch(p, count) }
            continue
          }
          misses += 1
        }
      }
      deliverBatch(p, count)
      i = quoted ? libcsvRecord(p, i, count, all: misses >= 16 || count &- i < 64) : byteRecord(p, i, count)
    }
    deliverBatch(p, count)
  }

  /// Hands libcsv the record at `start` of `fastLines`' input up to its first line end (`all`:
  /// the rest of the input) and returns where the hand path may go on: after that line end
  /// when libcsv then stands at a record start; else (a quoted field runs on past it) libcsv
  /// reads the rest of the input too.
  private func libcsvRecord(_ p: UnsafePointer<UInt8>, _ start: Int, _ count: Int, all: Bool) -> Int {
    let me = Unmanaged.passUnretained(self).toOpaque()
    var end = count
    if !all {
      end = start
      while end < count && classes[Int(p[end])] != 3 { end += 1 }
      end = min(count, end &+ 1)
    }
    _ = csv_parse(&parser, p + start, end &- start, fieldCallback, recordCallback, me)
    if end < count && !libcsvAtRecordStart {
      _ = csv_parse(&parser, p + end, count &- end, fieldCallback, recordCallback, me)
      return count
    }
    return end
  }

  /// Reads records from `start` of `fastLines`' input into the batch, classifying 64 bytes at a
  /// time (`BlockScan`: separators and other bytes below 33 as the bits of two words), until
  /// the batch is full, fewer than 64 bytes are left, or a record is one `byteRecord` must
  /// read: it holds such a byte (a space to drop, a control byte) or is longer than
  /// `maxRecordBytes`. Records are what
  /// `wordRecord` makes of them. Returns the offset of the first record not read and whether
  /// it is one for `byteRecord`.
  private func blockRecords(_ p: UnsafePointer<UInt8>, _ start: Int, _ count: Int) -> (Int, Bool) {
    let scan = BlockScan(delimiter: delimiter, quote: quote)
    let maxRecord = maxRecordBytes
    var cursor = blockCursor(start)
    defer { store(cursor) }
    var i = start
    while i &+ 64 <= count {
      if i &- cursor.recordStart > maxRecord { return (cursor.recordStart, true) }
      let (separators, others, _) = scan.masks(p + i, findQuotes: false)
      var m = separators
      while m != 0 {
        let bit = m.trailingZeroBitCount
        let pos = i &+ bit
        // A byte for `byteRecord` before this separator is in the current record (one in an
        // earlier record would have stopped the scan there).
        if others != 0 && others & ((1 &<< UInt64(bit)) &- 1) != 0 { return (cursor.recordStart, true) }
        switch cursor.separator(p[pos], at: pos, field: cursor.fieldStart, pos) {
        case .next: break
        case .slow: return (cursor.recordStart, true)
        case .full: return (cursor.recordStart, false)
        }
        m &= m &- 1
      }
      // Such a byte after the last separator is in the record that goes on.
      if others != 0 { return (cursor.recordStart, true) }
      i &+= 64
    }
    return (cursor.recordStart, false)
  }

  /// Reads records from `start` of `fastLines`' input into the batch, classifying 64 bytes at a
  /// time (`BlockScan`: separators, other bytes below 33 and quotes as the bits of three words),
  /// until the batch is full, fewer than 64 bytes are left, or a record is one the byte reader
  /// (or, in a slice with quotes, libcsv) must read: it holds a byte below 33 outside quotes (a
  /// space to drop, a control byte), a quote anywhere but around a whole field (`"…"` right
  /// after a separator and right before the next, none inside: libcsv reads that as the bytes
  /// between the quotes), or it is longer than `maxRecordBytes`. Records are what `wordRecord`
  /// makes of them. Returns the offset of the first record not read and whether it is one for
  /// the byte reader or libcsv.
  private func quotedBlockRecords(_ p: UnsafePointer<UInt8>, _ start: Int, _ count: Int) -> (Int, Bool) {
    let scan = BlockScan(delimiter: delimiter, quote: quote)
    let maxRecord = maxRecordBytes
    let quote = quote
    var cursor = blockCursor(start)
    defer { store(cursor) }
    var i = start
    // Quotes and low bytes of the field being read that lie in blocks before this one.
    var fieldQuotes = 0
    var fieldLow = false
    while i &+ 64 <= count {
      if i &- cursor.recordStart > maxRecord { return (cursor.recordStart, true) }
      let (separators, others, quotes) = scan.masks(p + i)
      var m = separators
      // Bits up to the previous separator of this block.
      var done: UInt64 = 0
      while m != 0 {
        let bit = m.trailingZeroBitCount
        let pos = i &+ bit
        var from = cursor.fieldStart
        var to = pos
        if (others | quotes) != 0 || fieldLow || fieldQuotes != 0 {
          let before: UInt64 = (1 &<< UInt64(bit)) &- 1
          let inField = before & ~done
          let q = fieldQuotes &+ (quotes & inField).nonzeroBitCount
          let low = fieldLow || others & inField != 0
          fieldQuotes = 0
          fieldLow = false
          if q != 0 {
            // `"…"`: libcsv reads the bytes between the quotes, low bytes included.
            guard q == 2 && to &- from >= 2 && p[from] == quote && p[to &- 1] == quote else {
              return (cursor.recordStart, true)
            }
            from &+= 1
            to &-= 1
          } else if low {
            return (cursor.recordStart, true)
          }
          done = before | (1 &<< UInt64(bit))
        }
        switch cursor.separator(p[pos], at: pos, field: from, to) {
        case .next: break
        case .slow: return (cursor.recordStart, true)
        case .full: return (cursor.recordStart, false)
        }
        m &= m &- 1
      }
      // Quotes and low bytes after the last separator are in the field that goes on.
      if (others | quotes) != 0 {
        fieldQuotes &+= (quotes & ~done).nonzeroBitCount
        if others & ~done != 0 { fieldLow = true }
      }
      i &+= 64
    }
    return (cursor.recordStart, false)
  }

  /// Where a block reader stands: the batch it adds to and the record and field it is in (a
  /// value in registers while it reads; `store` writes it back).
  private struct BlockCursor {
    var offsets: FieldOffsets
    var records: Int
    var fields: Int
    var line: Int
    var recordStart: Int
    var fieldStart: Int
    let batchLines: UnsafeMutablePointer<Int>
    let batchFirst: UnsafeMutablePointer<Int>
    let delimiter: UInt8
    let crEndsLines: Bool
    let maxRecord: Int

    enum Step {
      /// Go on with the next separator.
      case next
      /// The record is too long for the batch: the byte reader or libcsv reads it.
      case slow
      /// The record ended and filled the batch.
      case full
    }

    /// Handles the separator `c` at `pos`, which ends the field `from ..< to`: a delimiter
    /// starts the next field; a line end ends the record and its line (a line end at the record
    /// start is a record with no fields: only its line counts).
    @inline(__always) mutating func separator(_ c: UInt8, at pos: Int, field from: Int, _ to: Int) -> Step {
      if c == delimiter {
        offsets.add(from, to, &fields)
        fieldStart = pos &+ 1
        return .next
      }
      if pos != recordStart {
        if pos &+ 1 &- recordStart > maxRecord { return .slow }
        offsets.add(from, to, &fields)
        batchLines[records] = line
        records &+= 1
        batchFirst[records] = fields
      }
      if c == 10 || (c == 13 && crEndsLines) { line &+= 1 }
      recordStart = pos &+ 1
      fieldStart = recordStart
      return records == CSVReader.batchRecords ? .full : .next
    }
  }

  /// A block reader's cursor at the record start `start`.
  @inline(__always) private func blockCursor(_ start: Int) -> BlockCursor {
    BlockCursor(
      offsets: batch, records: batchCount, fields: batchFirst[batchCount], line: line, recordStart: start,
      fieldStart: start, batchLines: batchLines, batchFirst: batchFirst, delimiter: delimiter,
      crEndsLines: crEndsLines, maxRecord: maxRecordBytes)
  }

  /// Takes over where a block reader stopped (a record start: as after `endRecord`).
  @inline(__always) private func store(_ cursor: BlockCursor) {
    line = cursor.line
    recordLine = cursor.line
    batchCount = cursor.records
    batch = cursor.offsets
  }

  /// Hands the batch's records to the sink (or one by one to `onRecord`) and empties it. `line`
  /// stays where tokenizing got to; each record is reported with its own line.
  private func deliverBatch(_ p: UnsafePointer<UInt8>, _ count: Int) {
    guard batchCount > 0 else { return }
    let after = line
    fieldBase = p
    fieldLimit = p + count
    if !stopped {
      if let sink {
        if !sink._withUnsafeGuaranteedRef({ $0.records(self) }) { stopped = true }
      } else {
        for k in 0..<batchCount {
          select(k)
          if !onRecord(self) {
            stopped = true
            break
          }
        }
      }
    }
    batchCount = 0
    fieldCount = 0
    recordBytes = 0
    line = after
    recordLine = after
  }

  /// Makes record `k` of the batch being delivered the current record (`field`, `fieldCount`,
  /// `recordLine`, `recordBytes`).
  @inline(__always) func select(_ k: Int) {
    let f = batchFirst[k]
    let last = batchFirst[k + 1] - 1
    currentStarts = batch.starts + f
    currentEnds = batch.ends + f
    fieldCount = last + 1 - f
    recordLine = batchLines[k]
    line = recordLine
    // Each field's bytes and its delimiter or line end, as libcsv counts them (quotes around a
    // field are not its bytes).
    var bytes = fieldCount
    for j in f...last { bytes &+= batch.ends[j] &- batch.starts[j] }
    recordBytes = bytes
  }

  /// Reads the record at `start` of `fastLines`' input eight bytes at a time when it has no
  /// byte below 33 besides the delimiter, CR and LF (so no spaces to drop, and every byte below
  /// 33 ends a field or the record), is no longer than `maxRecordBytes` and ends before the last
  /// word of the input. Exact byte tests (no carries between bytes) flag delimiters, line ends
  /// and other low bytes; fields are the gaps between flags. The record goes into the batch (a
  /// line end at the start, a record with no fields, only counts its line). Returns the offset
  /// after the record's line end, or -1 (nothing was added) for `byteRecord` to read the record.
  @inline(__always)
  private func wordRecord(_ p: UnsafePointer<UInt8>, _ start: Int, _ count: Int) -> Int {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    let highs: UInt64 = 0x8080_8080_8080_8080
    let delims = ones &* UInt64(delimiter)
    let lfs = ones &* 10
    let crs = ones &* 13
    let maxRecord = maxRecordBytes
    /// High bit of each byte of `y` that is zero.
    @inline(__always) func zeros(_ y: UInt64) -> UInt64 { ~(((y & lows) &+ lows) | y) & highs }
    var offsets = batch
    defer { batch = offsets }
    let first = batchFirst[batchCount]
    var fields = first
    /// Counts the line a record ended with (as `endRecord` does).
    @inline(__always) func lineEnd(_ c: UInt8) {
      if c == 10 || (c == 13 && crEndsLines) { line &+= 1 }
      recordLine = line
    }
    var fieldStart = start
    var i = start
    scan: while i <= count - 8 {
      // A record that may pass the length limit in this word is left to `byteRecord`, which
      // cuts it exactly (checked once per word, not per field).
      if i &+ 8 &- start > maxRecord { break scan }
      let x = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
      let isDelim = zeros(x ^ delims)
      // Bytes below 33 (high bit clear and adding 95 does not reach 128); of those, line ends
      // end the record, and any other that is no delimiter and comes before this record's line
      // end sends it to `byteRecord`.
      let low = ~(((x & lows) &+ (ones &* 95)) | x) & highs
      if low != 0 {
        let isEnd = zeros(x ^ lfs) | zeros(x ^ crs)
        let other = low & ~(isDelim | isEnd)
        if other != 0 && (isEnd == 0 || other.trailingZeroBitCount < isEnd.trailingZeroBitCount) {
          break scan
        }
        if isEnd != 0 {
          let endByte = isEnd.trailingZeroBitCount &>> 3
          let pos = i &+ endByte
          if fields == first && pos == start {
            // A line end at the record start: a record with no fields.
            lineEnd(p[pos])
            return pos &+ 1
          }
          // The fields this word ends before the line end, then the last one.
          var m = isDelim & ((1 &<< UInt64(truncatingIfNeeded: endByte &* 8)) &- 1)
          while m != 0 {
            let at = i &+ (m.trailingZeroBitCount &>> 3)
            m &= m &- 1
            offsets.add(fieldStart, at, &fields)
            fieldStart = at &+ 1
          }
          offsets.add(fieldStart, pos, &fields)
          batchLines[batchCount] = line
          batchCount &+= 1
          batchFirst[batchCount] = fields
          lineEnd(p[pos])
          return pos &+ 1
        }
      }
      var m = isDelim
      while m != 0 {
        let at = i &+ (m.trailingZeroBitCount &>> 3)
        m &= m &- 1
        offsets.add(fieldStart, at, &fields)
        fieldStart = at &+ 1
      }
      i &+= 8
    }
    return -1
  }

  /// Reads the record at `start` of `fastLines`' input byte by byte (spaces dropped as libcsv
  /// drops them, long records cut); returns the offset after its line end.
  private func byteRecord(_ p: UnsafePointer<UInt8>, _ start: Int, _ count: Int) -> Int {
    let cls = UnsafePointer(classes)
    let maxRecord = maxRecordBytes
    // Eight bytes at a time: a byte below 33 (space, tab, CR, LF and other controls) or the
    // delimiter flags a word; bytes before the lowest flagged one are ordinary. (The lowest
    // flag is exact; control bytes that are ordinary are then stepped over one by one.)
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let below33 = ones &* 33
    let delims = ones &* UInt64(delimiter)
    let wordEnd = count - 8
    var i = start
    // Record start: spaces are skipped; a line end here reports an empty record.
    while cls[Int(p[i])] == 1 { i += 1 }
    if cls[Int(p[i])] == 3 {
      endRecord(Int32(p[i]))
      return i + 1
    }
    fieldBase = p
    fieldLimit = p + count
    var recordUsed = 0
    var fields = 0
    var bytes = 0
    var cut = false
    var offsets = own
    while true {
      // A field: from its first byte that is no space to its last one.
      let first = i
      var last = i
      while true {
        if i <= wordEnd {
          let x = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
          let d = x ^ delims
          let flags = ((x &- below33) & ~x & highs) | ((d &- ones) & ~d & highs)
          if flags == 0 {
            i += 8
            last = i
            continue
          }
          let k = flags.trailingZeroBitCount >> 3
          if k > 0 {
            i += k
            last = i
          }
        }
        let k = cls[Int(p[i])]
        if k == 0 {
          i += 1
          last = i
        } else if k == 1 {
          i += 1
        } else {
          break
        }
      }
      let len = last - first
      bytes += len + 1
      if cut || recordUsed + len > maxRecord {
        cut = true
      } else {
        recordUsed += len
        offsets.add(first, last, &fields)
      }
      if cls[Int(p[i])] == 2 {
        i += 1
        while cls[Int(p[i])] == 1 { i += 1 }
        continue
      }
      own = offsets
      fieldCount = fields
      recordBytes = bytes
      if cut {
        overflowed = true
        sawOverflow = true
      }
      endRecord(Int32(p[i]))
      return i + 1
    }
  }

  /// Ends the input. Throws `unterminatedQuote` when the input ended inside a quoted field.
  func finish() throws(CSVReaderError) {
    if insideQuotedField {
      throw CSVReaderError.unterminatedQuote(line: recordLine, field: fieldCount + 1)
    }
    let me = Unmanaged.passUnretained(self).toOpaque()
    csv_fini(&parser, fieldCallback, recordCallback, me)
  }
}

/// What can stop the reader.
enum CSVReaderError: Error {
  case unterminatedQuote(line: Int, field: Int)
}

private let fieldCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void =
  {
    p, n, ctx in
    guard let ctx else { return }
    Unmanaged<CSVReader>.fromOpaque(ctx)._withUnsafeGuaranteedRef { $0.appendField(UnsafeRawPointer(p), n) }
  }

private let recordCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { c, ctx in
  guard let ctx else { return }
  Unmanaged<CSVReader>.fromOpaque(ctx)._withUnsafeGuaranteedRef { $0.endRecord(c) }
}
