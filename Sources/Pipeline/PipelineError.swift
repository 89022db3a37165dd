/// Errors raised while wiring the stages together: bad arguments, unreadable inputs, stage failures,
/// each with a one-line message naming the file and what is wrong.
public enum PipelineError: Error, CustomStringConvertible {
  /// An argument the user gave cannot be used.
  case invalidArgument(String)
  /// An input file or directory cannot be read.
  case unreadable(path: String, reason: String)
  /// An output cannot be written.
  case unwritable(path: String, reason: String)
  /// A stage failed; the message is the stage's own.
  case stage(String)

  /// The one-line message shown to the user.
  public var description: String {
    switch self {
    case .invalidArgument(let m): return m
    case .unreadable(let p, let r): return "\(p): \(r)"
    case .unwritable(let p, let r): return "\(p): cannot write (\(r))"
    case .stage(let m): return m
    }
  }
}
