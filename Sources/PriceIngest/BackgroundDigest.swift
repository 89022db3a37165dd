import Dispatch
import MarketData

/// The SHA-256 of a file, computed on a thread of its own while the file is parsed.
///
/// Hashing is ~11% of reading a file on one thread; on its own thread it leaves the reading
/// thread, which all later stages wait for. Pieces are hashed in the order they are given; at
/// most `maxPending` wait, so memory stays bounded if hashing falls behind.
final class BackgroundDigest: @unchecked Sendable {
  private var digest: SHA256Digest
  private let queue = DispatchQueue(label: "PriceIngest.sha256")
  private let pending = DispatchSemaphore(value: BackgroundDigest.maxPending)
  /// Pieces queued at most (1–4 MiB each).
  static let maxPending = 8

  /// Continues `digest`.
  init(continuing digest: SHA256Digest) { self.digest = digest }

  /// Queues the bytes of `bytes` from `start` on (the array is kept until hashed, not copied).
  func update(_ bytes: [UInt8], from start: Int = 0) {
    guard start < bytes.count else { return }
    pending.wait()
    queue.async {
      bytes.withUnsafeBytes { self.digest.update(UnsafeRawBufferPointer(rebasing: $0[start...])) }
      self.pending.signal()
    }
  }

  /// Queues `count` bytes of `memory` from `start` on without copying them: `memory` is kept
  /// until hashed and then marked so (`ChunkMemory.waitUntilHashed`), after which it may be
  /// written again.
  func update(_ memory: ChunkMemory, from start: Int, count: Int) {
    guard count > 0 else { return }
    pending.wait()
    memory.hashPending = true
    queue.async {
      self.digest.update(UnsafeRawBufferPointer(start: memory.base + start, count: count))
      memory.hashed.signal()
      self.pending.signal()
    }
  }

  /// Waits for the queued pieces and returns the hex digest.
  func finalizeHex() -> String { queue.sync { digest.finalizeHex() } }
}
