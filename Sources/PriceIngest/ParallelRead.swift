import Dispatch
import MarketData

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A piece of a file cut after a line end, parsed by its own chunk loader on a worker thread.
final class Chunk: @unchecked Sendable {
  /// The bytes.
  let bytes: [UInt8]
  /// Offset of the first byte in the file.
  let offset: Int
  /// Whether a worker parses it (otherwise the main loader reads the bytes itself).
  let parallel: Bool
  /// The chunk's loader, set by the worker when the chunk parsed cleanly: it ended at a record
  /// boundary and no record was cut for length (a cut depends on how input is sliced).
  var parsed: Loader? = nil
  let done = DispatchSemaphore(value: 0)

  init(bytes: [UInt8], offset: Int, parallel: Bool) {
    self.bytes = bytes
    self.offset = offset
    self.parallel = parallel
  }
}

/// Reads the rest of a file after the sniffed sample on several threads, with exactly the
/// outcome of a sequential read: the file is cut into chunks after line ends; workers parse
/// chunks with their own libcsv parsers and loaders; the main loader takes them over in file
/// order (`Loader.absorb`), which maps securities in first-seen order, moves line numbers on and
/// flushes at the same rows as a sequential read. A chunk is only taken over when the main
/// loader stands at a record boundary where the chunk starts (so a quoted field running over a
/// cut, an unterminated quote or an over-long line make the main loader read that chunk's bytes
/// itself, sliced as a sequential read slices them). Memory stays bounded: at most
/// `2 × threads` chunks are in flight.
struct ParallelRead {
  let fd: Int32
  let path: String
  let loader: Loader
  let dialect: IngestDialect
  let options: IngestOptions
  /// Bytes of the sample already fed (the sequential read's slices start there).
  let sampleCount: Int
  let threads: Int

  /// Reads to the end of the file, updating `sha` and `total`.
  func run(sha: inout SHA256Digest, total: inout Int) throws(PriceIngestError) {
    let chunkBytes = max(4096, options.chunkBytes)
    let queue = DispatchQueue.global()
    var pending: [Chunk] = []
    var carry: [UInt8] = []
    var offset = sampleCount
    var eof = false
    var first = true
    defer { for c in pending where c.parallel { c.done.wait() } }

    func nextChunk() throws(PriceIngestError) -> Chunk? {
      let start = carry.count
      var got = 0
      var failed: Int32 = 0
      // The carried bytes, then up to `chunkBytes` read straight into the new array.
      var buf = [UInt8](unsafeUninitializedCapacity: start + chunkBytes) { b, count in
        guard let base = b.baseAddress else { return }
        carry.withUnsafeBufferPointer { c in
          if let cb = c.baseAddress { base.update(from: cb, count: start) }
        }
        while got < chunkBytes {
          let n = read(fd, base + start + got, chunkBytes - got)
          if n < 0 {
            failed = errno
            break
          }
          if n == 0 {
            eof = true
            break
          }
          got += n
        }
        count = start + got
      }
      if failed != 0 { throw .cannotRead(file: path, reason: String(cString: strerror(failed))) }
      buf.withUnsafeBytes { b in sha.update(UnsafeRawBufferPointer(rebasing: b[start...])) }
      total += got
      carry = []
      if buf.isEmpty { return nil }
      // The first chunk ends at its first line end (the main loader finishes the sample's last
      // line); later ones at their last line end; the tail of the file has none.
      var cut: Int? = nil
      if !eof {
        buf.withUnsafeBytes { b in
          guard let base = b.baseAddress else { return }
          if first {
            if let p = memchr(base, 10, b.count) { cut = base.distance(to: UnsafeRawPointer(p)) + 1 }
          } else if let k = b.lastIndex(of: 10) {
            cut = k + 1
          }
        }
      }
      if let cut {
        carry = Array(buf[cut...])
        buf.removeLast(buf.count - cut)
      }
      let chunk = Chunk(bytes: buf, offset: offset, parallel: !first && cut != nil)
      offset += buf.count
      first = false
      return chunk
    }

    func submit(_ c: Chunk) {
      let dialect = dialect
      let options = options
      let path = path
      let seed = loader.tickerSeed()
      queue.async {
        let w = Loader(
          dialect: dialect, file: path, options: options, flushRows: nil, sink: nil, chunk: true, seed: seed)
        c.bytes.withUnsafeBytes { w.feed($0) }
        if w.failure == nil && w.reader.isAtRecordStart && !w.reader.sawOverflow { c.parsed = w }
        c.done.signal()
      }
    }

    while true {
      while pending.count < 2 * threads && !eof {
        guard let c = try nextChunk() else { break }
        if c.parallel { submit(c) }
        pending.append(c)
      }
      if pending.isEmpty { break }
      let c = pending.removeFirst()
      if c.parallel { c.done.wait() }
      if let w = c.parsed, loader.canAbsorb {
        c.parsed = nil
        if !loader.absorb(w) { break }
      } else {
        c.parsed = nil
        feedSliced(c)
        if let e = loader.failure { throw e }
      }
      if loader.reader.stopped { break }
    }
  }

  /// Feeds a chunk to the main loader in the slices a sequential read feeds (1 MiB reads after
  /// the sample), so even cut records come out the same.
  func feedSliced(_ c: Chunk) {
    let slice = PriceIngestor.chunkSize
    c.bytes.withUnsafeBytes { b in
      var start = 0
      while start < b.count {
        let at = c.offset + start
        let next = sampleCount + ((at - sampleCount) / slice + 1) * slice
        let end = min(b.count, next - c.offset)
        loader.feed(UnsafeRawBufferPointer(rebasing: b[start..<end]))
        start = end
      }
    }
  }
}
