import Foundation

/// Where the stages report to: progress (shown on a terminal only) and warnings.
public struct StageLog {
  /// A step of a long stage (`ingest: MP.csv: 900 rows`); the CLI shows it on a terminal only.
  public var progress: (String) -> Void
  /// Something the user should know about (a skipped file, an unreadable article).
  public var warning: (String) -> Void

  /// Creates a log.
  public init(progress: @escaping (String) -> Void, warning: @escaping (String) -> Void) {
    self.progress = progress
    self.warning = warning
  }

  /// A log that drops everything.
  public static var silent: StageLog { StageLog(progress: { _ in }, warning: { _ in }) }
}

/// Wall-clock timing of a job and its stages, for the run manifest only.
struct Stopwatch {
  let clock = ContinuousClock()
  let start: ContinuousClock.Instant
  let startDate = Date()
  var stages: [String: Double] = [:]

  init() { start = clock.now }

  /// Runs `body`, adding its duration to stage `name`.
  mutating func time<T, E: Error>(_ name: String, _ body: () throws(E) -> T) throws(E) -> T {
    let t0 = clock.now
    defer { stages[name, default: 0] += Stopwatch.seconds(clock.now - t0) }
    return try body()
  }

  /// Seconds since the start.
  var elapsed: Double { Stopwatch.seconds(clock.now - start) }

  static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }

  /// ISO 8601 UTC with milliseconds.
  static func iso(_ date: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    f.timeZone = TimeZone(identifier: "UTC")
    return f.string(from: date)
  }
}
