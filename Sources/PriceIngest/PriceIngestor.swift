import MarketData

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Loads a price CSV as it comes: sniffs its dialect, streams it through libcsv in chunks, parses
/// fields from bytes, and returns the series found with every refused row and data-quality
/// findings (`IngestedFile`). Rows that cannot be used are rejected with file, line and reason;
/// an error is thrown only when nothing usable was found.
public struct PriceIngestor: Sendable {
  /// The overrides in force.
  public var options: IngestOptions
  /// Bytes read per chunk.
  static let chunkSize = 1 << 20
  /// Rows held before a streaming ingest hands them over (about 30 MB of rows); keeps a 1 GB
  /// file under 300 MB peak memory.
  public static let streamingFlushRows = 1 << 19

  /// Online processors (the default thread count for one file).
  static let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

  /// Creates a loader with the given overrides.
  public init(options: IngestOptions = IngestOptions()) { self.options = options }

  /// Loads a file from disk (streamed in 1 MiB chunks).
  public func load(path: String) throws(PriceIngestError) -> IngestedFile {
    try ingest(path: path) { _ in }
  }

  /// Loads a file already in memory; `name` is used in messages and for the ticker.
  public func load(bytes original: [UInt8], name: String) throws(PriceIngestError) -> IngestedFile {
    let head = Array(original.prefix(Sniffer.sampleBytes))
    let transcoder = Transcoder(from: SourceEncoding.detect(head, complete: head.count == original.count))
    let bytes = transcoder.map { t in original.withUnsafeBytes { t.convert($0, final: true) } } ?? original
    let sampleCount = min(bytes.count, Sniffer.sampleBytes)
    let sample = Array(bytes[0..<sampleCount])
    var dialect = try Sniffer.sniff(
      sample: sample, complete: sampleCount == bytes.count, file: name, options: options)
    dialect.encoding = transcoder?.encoding ?? .utf8
    let loader = Loader(dialect: dialect, file: name, options: options, flushRows: nil, sink: nil)
    var sha = SHA256Digest()
    sha.update(original)
    bytes.withUnsafeBytes { b in
      loader.feed(UnsafeRawBufferPointer(rebasing: b[min(dialect.bomLength, b.count)...]))
    }
    if let e = loader.failure { throw e }
    var file = try loader.finish(sha256: sha.finalizeHex(), byteCount: original.count)
    file.notes = dialect.notes
    return file
  }

  /// Only sniffs: the dialect the loader would use for `bytes` (the first 256 KiB are enough).
  public func sniff(bytes: [UInt8], name: String) throws(PriceIngestError) -> IngestDialect {
    let n = min(bytes.count, Sniffer.sampleBytes)
    let complete = n == bytes.count
    var sample = Array(bytes[0..<n])
    let transcoder = Transcoder(from: SourceEncoding.detect(sample, complete: complete))
    if let transcoder { sample = sample.withUnsafeBytes { transcoder.convert($0, final: complete) } }
    var dialect = try Sniffer.sniff(sample: sample, complete: complete, file: name, options: options)
    dialect.encoding = transcoder?.encoding ?? .utf8
    return dialect
  }

  /// Streams a file from disk. With `flushRows`, accumulated rows are handed to `sink` as
  /// series fragments whenever that many rows are held (memory stays bounded whatever the file
  /// size); the returned file then holds one empty series per security (ticker and exchange
  /// only) besides counts, rejects and findings, and `rowsRead` equals the rows handed to the
  /// sink plus `rejects.count`. Without it, all series are returned.
  public func ingest(path: String, flushRows: Int? = nil, sink: @escaping (PriceSeries) throws -> Void)
    throws(PriceIngestError) -> IngestedFile
  {
    let fd = open(path, O_RDONLY)
    if fd < 0 { throw .cannotRead(file: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var chunk = [UInt8](repeating: 0, count: PriceIngestor.chunkSize)
    var sha = SHA256Digest()
    var total = 0
    // Sample: read until 256 KiB or end of file.
    var sample: [UInt8] = []
    var eof = false
    while sample.count < Sniffer.sampleBytes {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, Sniffer.sampleBytes - sample.count) }
      if n < 0 { throw .cannotRead(file: path, reason: String(cString: strerror(errno))) }
      if n == 0 {
        eof = true
        break
      }
      sample += chunk[0..<n]
    }
    if let transcoder = Transcoder(from: SourceEncoding.detect(sample, complete: eof)) {
      return try ingestTranscoded(
        fd: fd, path: path, sample: sample, eof: eof, transcoder: transcoder, flushRows: flushRows, sink: sink
      )
    }
    let dialect = try Sniffer.sniff(sample: sample, complete: eof, file: path, options: options)
    let loader = Loader(dialect: dialect, file: path, options: options, flushRows: flushRows, sink: sink)
    // However this returns or throws, no fragment is still being settled and handed to the sink
    // afterwards (the caller may close what the sink writes to).
    defer { loader.settler.wait() }
    sha.update(sample)
    total += sample.count
    sample.withUnsafeBytes { b in
      loader.feed(UnsafeRawBufferPointer(rebasing: b[min(dialect.bomLength, b.count)...]))
    }
    if let e = loader.failure { throw e }
    var info = stat()
    let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    // Streamed, the fragments are settled on a thread of their own next to the reader (and,
    // storing, encoded and written on two more): parsing gets one core fewer. On two cores one
    // parse thread was as fast as two for parse-only and storing alike, with less memory.
    let threads =
      options.threads > 0
      ? options.threads : flushRows != nil ? max(1, PriceIngestor.cores - 1) : PriceIngestor.cores
    let digest = BackgroundDigest(continuing: sha)
    if threads > 1 && !eof && dialect.lineEnding != "CR" && size - total > 2 * options.chunkBytes {
      try ParallelRead(
        fd: fd, path: path, loader: loader, dialect: dialect, options: options, sampleCount: sample.count,
        threads: threads
      ).run(digest: digest, total: &total)
      eof = true
    }
    // A few pieces of memory read into in turn: the digest thread hashes a piece in place, and
    // it is read into again only once hashed.
    let ring = eof ? [] : (0..<4).map { _ in ChunkMemory(capacity: PriceIngestor.chunkSize) }
    var turn = 0
    while !eof {
      let memory = ring[turn % ring.count]
      turn += 1
      memory.waitUntilHashed()
      let n = read(fd, memory.base, memory.capacity)
      if n < 0 { throw .cannotRead(file: path, reason: String(cString: strerror(errno))) }
      if n == 0 { break }
      total += n
      digest.update(memory, from: 0, count: n)
      loader.feed(UnsafeRawBufferPointer(start: memory.base, count: n))
      if let e = loader.failure { throw e }
    }
    var file = try loader.finish(sha256: digest.finalizeHex(), byteCount: total)
    file.notes = dialect.notes
    return file
  }

  /// `ingest(path:flushRows:sink:)` for a file in an encoding other than UTF-8 (UTF-16, GB18030):
  /// each piece is converted to UTF-8 before it is sniffed and parsed, in order on this thread;
  /// line numbers are the file's own, the SHA-256 and byte count those of its bytes on disk.
  func ingestTranscoded(
    fd: Int32, path: String, sample: [UInt8], eof: Bool, transcoder: Transcoder, flushRows: Int?,
    sink: @escaping (PriceSeries) throws -> Void
  ) throws(PriceIngestError) -> IngestedFile {
    var sha = SHA256Digest()
    sha.update(sample)
    var total = sample.count
    let first = sample.withUnsafeBytes { transcoder.convert($0, final: eof) }
    var dialect = try Sniffer.sniff(sample: first, complete: eof, file: path, options: options)
    dialect.encoding = transcoder.encoding
    let loader = Loader(dialect: dialect, file: path, options: options, flushRows: flushRows, sink: sink)
    // However this returns or throws, no fragment is still being settled and handed to the sink
    // afterwards (the caller may close what the sink writes to).
    defer { loader.settler.wait() }
    first.withUnsafeBytes { b in
      loader.feed(UnsafeRawBufferPointer(rebasing: b[min(dialect.bomLength, b.count)...]))
    }
    if let e = loader.failure { throw e }
    var chunk = [UInt8](repeating: 0, count: PriceIngestor.chunkSize)
    var done = eof
    while !done {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 { throw .cannotRead(file: path, reason: String(cString: strerror(errno))) }
      done = n == 0
      total += n
      let piece = chunk.withUnsafeBytes { b -> [UInt8] in
        let raw = UnsafeRawBufferPointer(rebasing: b[0..<n])
        sha.update(raw)
        return transcoder.convert(raw, final: done)
      }
      piece.withUnsafeBytes { loader.feed($0) }
      if let e = loader.failure { throw e }
    }
    var file = try loader.finish(sha256: sha.finalizeHex(), byteCount: total)
    file.notes = dialect.notes
    return file
  }

  /// Streams a file without keeping its rows (what `ingest --dry-run` needs): the file with one
  /// empty series per security, as `ingest(path:flushRows:sink:)` returns it, and per security
  /// the rows, date range and kind. Rejects and findings are those of a streaming store.
  public func survey(path: String) throws(PriceIngestError) -> (file: IngestedFile, series: [SeriesSummary]) {
    final class Tally: @unchecked Sendable { var byTicker: [String: SeriesSummary] = [:] }
    let tally = Tally()
    let file = try ingest(path: path, flushRows: PriceIngestor.streamingFlushRows) { s in
      guard let first = s.dates.first, let last = s.dates.last else { return }
      if var t = tally.byTicker[s.ticker] {
        t.rows += s.count
        t.first = min(t.first ?? first, first)
        t.last = max(t.last ?? last, last)
        tally.byTicker[s.ticker] = t
      } else {
        tally.byTicker[s.ticker] = SeriesSummary(
          ticker: s.ticker, exchange: s.exchange, rows: s.count, first: first, last: last,
          isReturns: s.isReturnSeries)
      }
    }
    return (file, file.series.compactMap { tally.byTicker[$0.ticker] })
  }

  /// A readable account of an ingested file for `ingest --dry-run`: dialect, counts, date
  /// ranges per security, the first rejects and findings by kind. `series` replaces the file's
  /// series when it was surveyed (`survey(path:)`).
  public static func report(_ file: IngestedFile, series: [SeriesSummary]? = nil, limit: Int = 10) -> String {
    let summaries =
      series
      ?? file.series.map { s in
        SeriesSummary(
          ticker: s.ticker, exchange: s.exchange, rows: s.count, first: s.dates.first, last: s.dates.last,
          isReturns: s.isReturnSeries)
      }
    let usable = summaries.reduce(0) { $0 + $1.rows }
    var out: [String] = []
    out.append("file: \(file.path) (\(file.byteCount) bytes, sha256 \(file.sha256.prefix(16))…)")
    out.append("dialect: \(file.dialect)")
    out.append(
      "rows: \(file.rowsRead) read, \(usable) usable, \(file.rejects.count) rejected; "
        + "\(summaries.count) securit\(summaries.count == 1 ? "y" : "ies")")
    let first = summaries.compactMap(\.first).min()
    let last = summaries.compactMap(\.last).max()
    if let first, let last { out.append("date range: \(first.iso) .. \(last.iso)") }
    for s in summaries.prefix(limit) {
      let kind = s.isReturns ? "returns" : "prices"
      out.append(
        "  \(s.ticker) [\(s.exchange.mic)] \(s.rows) \(kind) \(s.first?.iso ?? "-") .. \(s.last?.iso ?? "-")")
    }
    if summaries.count > limit { out.append("  … \(summaries.count - limit) more") }
    if !file.rejects.isEmpty {
      out.append("rejected rows:")
      for r in file.rejects.prefix(limit) { out.append("  \(r.message)  [\(r.raw)]") }
      if file.rejects.count > limit { out.append("  … \(file.rejects.count - limit) more") }
    }
    if !file.findings.isEmpty {
      var byKind: [String: Int] = [:]
      for f in file.findings { byKind[f.kind, default: 0] += 1 }
      out.append(
        "findings: "
          + byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
      for f in file.findings.prefix(limit) {
        out.append("  \(f.kind) \(f.ticker)\(f.date.map { " " + $0.iso } ?? ""): \(f.detail)")
      }
      if file.findings.count > limit { out.append("  … \(file.findings.count - limit) more") }
    }
    return out.joined(separator: "\n")
  }
}

/// One security of a surveyed file: how many rows it has and the dates they span.
public struct SeriesSummary: Sendable, Equatable {
  /// The ticker as stored.
  public var ticker: String
  /// Its exchange.
  public var exchange: Exchange
  /// Rows kept (after duplicates were dropped).
  public var rows: Int
  /// The earliest date, if any row.
  public var first: CivilDate?
  /// The latest date, if any row.
  public var last: CivilDate?
  /// `true` for a return series.
  public var isReturns: Bool

  /// Creates a summary.
  public init(
    ticker: String, exchange: Exchange, rows: Int, first: CivilDate?, last: CivilDate?, isReturns: Bool
  ) {
    self.ticker = ticker
    self.exchange = exchange
    self.rows = rows
    self.first = first
    self.last = last
    self.isReturns = isReturns
  }
}
