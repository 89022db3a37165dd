import Foundation
import MarketData

/// The SHA-256, size and row count of an input file, for the run manifest.
public enum Fingerprint {
  /// Hashes a file in 1 MiB chunks; returns the hex digest and byte count, or throws naming it.
  public static func sha256(_ path: String) throws(PipelineError) -> (sha256: String, bytes: Int) {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw .unreadable(path: path, reason: "cannot open to fingerprint it")
    }
    defer { try? handle.close() }
    var digest = SHA256Digest()
    var bytes = 0
    while true {
      let chunk: Data?
      do { chunk = try handle.read(upToCount: 1 << 20) } catch {
        throw .unreadable(path: path, reason: error.localizedDescription)
      }
      guard let chunk, !chunk.isEmpty else { break }
      bytes += chunk.count
      digest.update([UInt8](chunk))
    }
    return (digest.finalizeHex(), bytes)
  }

  /// Number of data records of a CSV file (header excluded); `nil` when it does not parse.
  public static func csvRows(_ text: String) -> Int? {
    guard let records = try? CSVText.parse(text) else { return nil }
    return max(0, records.count - 1)
  }

  /// Number of non-empty lines of a text.
  public static func lines(_ text: String) -> Int {
    text.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }.count
  }

  /// `path` made absolute against the current directory (unchanged when already absolute or `-`).
  public static func absolute(_ path: String) -> String {
    if path.hasPrefix("/") || path == "-" || path.isEmpty { return path }
    let base = FileManager.default.currentDirectoryPath
    return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: base, isDirectory: true))
      .standardizedFileURL.path
  }
}
