import Dispatch
import MarketData

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Memory a chunk's bytes are read into; used again for a later chunk once the main loader has
/// taken the chunk over (fresh memory for every chunk costs a page fault per 4 KiB).
final class ChunkMemory: @unchecked Sendable {
  let base: UnsafeMutablePointer<UInt8>
  let capacity: Int
  /// Signalled by the digest thread once it has hashed the bytes it was given.
  let hashed = DispatchSemaphore(value: 0)
  /// Whether bytes were given to the digest thread and not yet waited for (reading thread only).
  var hashPending = false

  /// Waits until the digest thread is done with the bytes it was given (before they are
  /// overwritten).
  func waitUntilHashed() {
    if hashPending {
      hashed.wait()
      hashPending = false
    }
  }

  init(capacity: Int) {
    self.capacity = capacity
    base = .allocate(capacity: capacity)
  }

  deinit { base.deallocate() }
}

/// A piece of a file cut after a line end, parsed by its own chunk loader on a worker thread.
final class Chunk: @unchecked Sendable {
  /// Where the bytes are.
  let memory: ChunkMemory
  /// Number of bytes.
  let count: Int
  /// Offset of the first byte in the file.
  let offset: Int
  /// Whether a worker parses it (otherwise the main loader reads the bytes itself).
  let parallel: Bool
  /// A row buffer of an earlier chunk for the worker's loader to use again.
  var rows: RowBuffer? = nil
  /// The chunk's loader, set by the worker when the chunk parsed cleanly: it ended at a record
  /// boundary and no record was cut for length (a cut depends on how input is sliced).
  var parsed: Loader? = nil
  let done = DispatchSemaphore(value: 0)

  init(memory: ChunkMemory, count: Int, offset: Int, parallel: Bool) {
    self.memory = memory
    self.count = count
    self.offset = offset
    self.parallel = parallel
  }

  /// The bytes.
  var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: memory.base, count: count) }
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

  /// Reads to the end of the file, feeding `digest` and updating `total`.
  func run(digest: BackgroundDigest, total: inout Int) throws(PriceIngestError) {
    let chunkBytes = max(4096, options.chunkBytes)
    let queue = DispatchQueue.global()
    var pending: [Chunk] = []
    var carry: [UInt8] = []
    var offset = sampleCount
    var eof = false
    var first = true
    defer { for c in pending where c.parallel { c.done.wait() } }

    // Chunk memory and row buffers of chunks taken over, for later chunks.
    var memoryPool: [ChunkMemory] = []
    var rowPool: [RowBuffer] = []

    func nextChunk() throws(PriceIngestError) -> Chunk? {
      let start = carry.count
      var got = 0
      var failed: Int32 = 0
      // The carried bytes, then up to `chunkBytes` read straight into the chunk's memory.
      let need = start + chunkBytes
      let memory: ChunkMemory
      if let k = memoryPool.firstIndex(where: { $0.capacity >= need }) {
        memory = memoryPool.remove(at: k)
        memory.waitUntilHashed()
      } else {
        memory = ChunkMemory(capacity: need)
      }
      let base = memory.base
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
      var count = start + got
      if failed != 0 { throw .cannotRead(file: path, reason: String(cString: strerror(failed))) }
      // Hashed in place: the memory is not reused before the digest thread is done with it (a
      // copy per chunk cost a fresh mapping, its page faults and a memmove on this thread).
      digest.update(memory, from: start, count: got)
      total += got
      carry = []
      if count == 0 {
        memoryPool.append(memory)
        return nil
      }
      // The first chunk ends at its first line end (the main loader finishes the sample's last
      // line); later ones at their last line end; the tail of the file has none.
      var cut: Int? = nil
      if !eof {
        if first {
          if let p = memchr(base, 10, count) {
            cut = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(p)) + 1
          }
        } else if let k = UnsafeBufferPointer(start: base, count: count).lastIndex(of: 10) {
          cut = k + 1
        }
      }
      if let cut {
        carry = Array(UnsafeBufferPointer(start: base + cut, count: count - cut))
        count = cut
      }
      let chunk = Chunk(memory: memory, count: count, offset: offset, parallel: !first && cut != nil)
      offset += count
      first = false
      return chunk
    }

    func submit(_ c: Chunk) {
      let dialect = dialect
      let options = options
      let path = path
      let seed = loader.tickerSeed()
      c.rows = rowPool.popLast()
      queue.async {
        let w = Loader(
          dialect: dialect, file: path, options: options, flushRows: nil, sink: nil, chunk: true, seed: seed,
          rows: c.rows)
        c.rows = nil
        w.feed(c.bytes)
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
        rowPool.append(w.rows)
      } else {
        if let w = c.parsed { rowPool.append(w.rows) }
        c.parsed = nil
        feedSliced(c)
        if let e = loader.failure { throw e }
      }
      memoryPool.append(c.memory)
      if loader.reader.stopped { break }
    }
  }

  /// Feeds a chunk to the main loader in the slices a sequential read feeds (1 MiB reads after
  /// the sample), so even cut records come out the same.
  func feedSliced(_ c: Chunk) {
    let slice = PriceIngestor.chunkSize
    let b = c.bytes
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
