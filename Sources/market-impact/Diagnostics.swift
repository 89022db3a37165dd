import Foundation
import Pipeline

/// Progress and warnings on stderr; stdout carries only data. Progress shows only when stderr is a
/// terminal; `--quiet` silences everything but errors.
struct Diagnostics {
  var quiet: Bool

  /// `true` when progress lines are shown: not quiet and stderr is a terminal.
  var showsProgress: Bool { !quiet && isatty(STDERR_FILENO) != 0 }

  /// A summary line or warning (unless quiet).
  func say(_ message: String) {
    guard !quiet else { return }
    FileHandle.standardError.write(Data((message + "\n").utf8))
  }

  /// A progress line of a long stage (terminal only).
  func progress(_ message: String) {
    guard showsProgress else { return }
    FileHandle.standardError.write(Data((message + "\n").utf8))
  }

  /// The stages' log: progress on a terminal, warnings unless quiet.
  var log: StageLog { StageLog(progress: progress, warning: { say("warning: \($0)") }) }
}
