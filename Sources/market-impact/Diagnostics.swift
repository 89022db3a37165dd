import Foundation

/// Progress and warnings on stderr, silenced by `--quiet`; stdout carries only data.
struct Diagnostics {
  var quiet: Bool

  func say(_ message: String) {
    guard !quiet else { return }
    FileHandle.standardError.write(Data((message + "\n").utf8))
  }
}
