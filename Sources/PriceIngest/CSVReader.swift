import CLibCSV

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Streams bytes through libcsv and hands over one record at a time, with the physical line it
/// started on. Field bytes of the current record are kept in one growable buffer, so a record
/// costs no allocation. Memory is bounded: a record longer than `maxRecordBytes` is cut off
/// (reported as `overflowed`) and a single field longer than `maxFieldBytes` (an unterminated
/// quote or a file that is no CSV) stops the reader with an error.
final class CSVReader {
  private var parser = csv_parser()
  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private(set) var ends: UnsafeMutablePointer<Int>
  private var endsCapacity: Int
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
  /// Whether a lone CR ends lines (old Mac files with no LF at all).
  let crEndsLines: Bool
  let maxRecordBytes: Int
  let maxFieldBytes: Int
  /// Called at the end of each record; return `false` to stop reading.
  var onRecord: (CSVReader) -> Bool = { _ in true }
  /// Receives records instead of `onRecord` when set (no closure call per record). The sink
  /// must outlive the reader (the loader owns its reader).
  unowned(unsafe) var sink: RecordSink? = nil
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
    endsCapacity = 64
    ends = .allocate(capacity: endsCapacity)
    csv_init(&parser, UInt8(CSV_REPALL_NL))
    csv_set_delim(&parser, delimiter)
    csv_set_quote(&parser, quote)
  }

  deinit {
    csv_free(&parser)
    buffer.deallocate()
    ends.deallocate()
  }

  /// The bytes of field `i` of the current record.
  @inline(__always) func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
    let start = i == 0 ? 0 : ends[i - 1]
    return UnsafeBufferPointer(start: buffer + start, count: ends[i] - start)
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
  var isAtRecordStart: Bool {
    parser.pstate == 0 && parser.quoted == 0 && parser.spaces == 0 && parser.entry_pos == 0 && used == 0
      && fieldCount == 0 && !overflowed && recordBytes == 0 && !stopped
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
    if fieldCount == endsCapacity {
      let e = UnsafeMutablePointer<Int>.allocate(capacity: endsCapacity * 2)
      e.update(from: ends, count: fieldCount)
      ends.deallocate()
      ends = e
      endsCapacity *= 2
    }
    ends[fieldCount] = used
    fieldCount += 1
  }

  fileprivate func endRecord(_ c: Int32) {
    if fieldCount > 0 || overflowed {
      if !stopped {
        if let sink {
          if !sink.record(self) { stopped = true }
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
      countNewlines = parser.quoted != 0 || memchr(base + offset, Int32(quote), n) != nil
      _ = csv_parse(&parser, base + offset, n, fieldCallback, recordCallback, me)
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

  /// Ends the input. Throws `unterminatedQuote` when the input ended inside a quoted field.
  func finish() throws(CSVReaderError) {
    if insideQuotedField {
      throw CSVReaderError.unterminatedQuote(line: recordLine, field: fieldCount + 1)
    }
    let me = Unmanaged.passUnretained(self).toOpaque()
    csv_fini(&parser, fieldCallback, recordCallback, me)
  }
}

/// Receives each record of a `CSVReader`.
protocol RecordSink: AnyObject {
  /// Handles the reader's current record; `false` stops reading.
  func record(_ r: CSVReader) -> Bool
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
