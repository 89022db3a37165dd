/// Errors while writing reports.
public enum ReportError: Error, CustomStringConvertible {
  /// A report file could not be written.
  case cannotWrite(path: String, reason: String)

  /// A one-line message naming the file.
  public var description: String {
    switch self {
    case .cannotWrite(let p, let r): return "\(p): cannot write report (\(r))"
    }
  }
}
