import Dispatch
import Foundation
import MarketData

/// A report file as written: its name, where it is, and the fingerprint the run manifest records
/// (SHA-256, size, data rows), computed from the bytes on their way to the disk so the file is
/// never read back.
public struct ReportFile: Sendable, Equatable {
  /// File name inside the output folder.
  public var name: String
  /// Full path.
  public var path: String
  /// Lowercase hex SHA-256 of the file's bytes.
  public var sha256: String
  /// Size in bytes.
  public var bytes: Int
  /// Data rows, header excluded (CSV files; `nil` for the others).
  public var rows: Int?

  /// Creates a record.
  public init(name: String, path: String, sha256: String, bytes: Int, rows: Int?) {
    self.name = name
    self.path = path
    self.sha256 = sha256
    self.bytes = bytes
    self.rows = rows
  }
}

/// SHA-256 of a report file as it is written: a reference-type wrapper around
/// `MarketData.SHA256Digest` (libcrypto, hardware SHA instructions when present) for writers that
/// share one digest.
public final class FileDigest {
  private var digest = SHA256Digest()

  /// A fresh hash state.
  public init() {}

  /// Feeds more bytes.
  public func update(_ bytes: UnsafeRawBufferPointer) { digest.update(bytes) }

  /// Feeds more bytes.
  public func update(_ bytes: [UInt8]) { digest.update(bytes) }

  /// Finishes and returns the lowercase hex digest.
  public func finalizeHex() -> String { digest.finalizeHex() }

  /// The hex digest of `parts` concatenated.
  public static func hex(_ parts: [[UInt8]]) -> String {
    let d = FileDigest()
    for p in parts { d.update(p) }
    return d.finalizeHex()
  }
}

/// Work spread over the processor's cores.
enum Parallel {
  /// Runs `body(i)` for every `i` in `0..<count` on all cores and returns the results in order.
  static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    let slots = Slots<T>(count)
    DispatchQueue.concurrentPerform(iterations: count) { i in slots.set(i, body(i)) }
    return slots.values()
  }

  /// Result slots written by distinct iterations (each index once, through a raw pointer, so no
  /// two threads ever access the same Swift variable), read after all have finished.
  private final class Slots<T>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<T?>
    private let count: Int
    init(_ count: Int) {
      self.count = count
      base = UnsafeMutablePointer<T?>.allocate(capacity: count)
      base.initialize(repeating: nil, count: count)
    }
    deinit {
      base.deinitialize(count: count)
      base.deallocate()
    }
    func set(_ i: Int, _ value: T) { base[i] = value }
    func values() -> [T] { UnsafeBufferPointer(start: base, count: count).compactMap { $0 } }
  }
}

/// Work started on a background thread at once and waited for later.
final class Background<T: Sendable>: @unchecked Sendable {
  private let group = DispatchGroup()
  private var value: T? = nil

  /// Starts `body` on a global queue.
  init(_ body: @escaping @Sendable () -> T) {
    DispatchQueue.global().async(group: group) { self.value = body() }
  }

  /// Waits for the work and returns what it made.
  func wait() -> T? {
    group.wait()
    return value
  }
}

/// Writes byte chunks to a file in large `write(2)` calls.
enum ChunkFile {
  /// Writes `parts` (concatenated) to `path`, replacing it.
  static func write(_ parts: [[UInt8]], to path: String) throws(ReportError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    var failure: String? = nil
    outer: for part in parts {
      let ok = part.withUnsafeBytes { buffer -> Bool in
        var offset = 0
        while offset < buffer.count {
          guard let base = buffer.baseAddress else { return true }
          let n = Foundation.write(fd, base + offset, buffer.count - offset)
          if n < 0 {
            if errno == EINTR { continue }
            failure = String(cString: strerror(errno))
            return false
          }
          offset += n
        }
        return true
      }
      if !ok { break outer }
    }
    if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
    if let failure { throw .cannotWrite(path: path, reason: failure) }
  }
}
