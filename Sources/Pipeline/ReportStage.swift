import EventStudy
import Foundation
import MarketData
import Reports

/// Writes a study's reports.
public enum ReportStage {
  /// Writes every report of `result` into `out` (created when missing); returns the paths.
  public static func write(
    _ result: StudyResult, to out: String, options: ReportOptions = ReportOptions()
  ) throws(PipelineError) -> [String] {
    try Inputs.makeDirectory(out)
    do { return try ReportWriter.write(result, to: out, options: options) } catch {
      throw .stage(error.description)
    }
  }

  /// Writes every report of `result` and its aggregates into `out` (created when missing).
  public static func write(
    _ result: StudyResult, aggregates: StudyAggregates, to out: String, options: ReportOptions
  ) throws(PipelineError) -> [String] {
    try Inputs.makeDirectory(out)
    do { return try ReportWriter.write(result, aggregates: aggregates, to: out, options: options) } catch {
      throw .stage(error.description)
    }
  }

  /// The aggregate statistics of `result` with the settings' grouping, regression and bootstrap.
  static func aggregates(_ result: StudyResult, settings: StudySettings, log: StageLog) -> StudyAggregates {
    let a = aggregates(result, settings: settings)
    for problem in a.regressionProblems { log.warning("regression: \(problem)") }
    return a
  }

  /// The aggregate statistics of `result` with the settings' grouping, regression and bootstrap.
  static func aggregates(_ result: StudyResult, settings: StudySettings) -> StudyAggregates {
    StudyAggregates.compute(
      result, groupBy: settings.groupBy, regress: settings.regress, bootstrapDraws: settings.bootstrapDraws,
      seed: settings.seed)
  }

  /// Computes the aggregate statistics of `result` while the per-pair reports are formatted on the
  /// other cores, then writes every report into `out` (created when missing). Returns the files
  /// with their fingerprints, the aggregates, and the seconds the statistics took (they overlap
  /// the writing).
  static func statisticsAndReports(
    _ result: StudyResult, settings: StudySettings, to out: String, options: ReportOptions, log: StageLog
  ) throws(PipelineError) -> (files: [ReportFile], aggregates: StudyAggregates, statisticsSeconds: Double) {
    try Inputs.makeDirectory(out)
    let seconds = SecondsBox()
    let made: (files: [ReportFile], aggregates: StudyAggregates)
    do {
      made = try ReportWriter.writeFiles(
        result,
        aggregating: {
          let clock = ContinuousClock()
          let t0 = clock.now
          let a = ReportStage.aggregates(result, settings: settings)
          seconds.set(Stopwatch.seconds(clock.now - t0))
          return a
        }, to: out, options: options)
    } catch { throw .stage(error.description) }
    for problem in made.aggregates.regressionProblems { log.warning("regression: \(problem)") }
    return (made.files, made.aggregates, seconds.get())
  }

  /// The report options for a job: grouping and the settings table of `report.html`.
  static func options(_ settings: StudySettings, resolved: ResolvedStudy, extraLinks: [HTMLReport.Link])
    -> ReportOptions
  {
    var o = ReportOptions()
    o.groupBy = settings.groupBy
    let market =
      resolved.marketPerExchange.isEmpty
      ? resolved.marketDefault
      : ([resolved.marketDefault]
        + resolved.marketPerExchange.keys.sorted().map { "\($0)=\(resolved.marketPerExchange[$0] ?? "")" })
        .joined(separator: ", ")
    o.parameters = [
      ("model", resolved.model),
      ("estimation window", resolved.estimation),
      ("minimum estimation returns", String(resolved.minimumEstimationReturns)),
      ("event windows", resolved.windows.joined(separator: ", ")),
      ("non-trading event day", resolved.nonTrading),
      ("returns", resolved.returns),
      ("market index (default, per exchange)", market),
      ("factor files", settings.factors.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")),
      ("group by", settings.groupBy.joined(separator: ", ")),
      ("regression features", settings.regress.joined(separator: ", ")),
      ("bootstrap resamples", String(settings.bootstrapDraws)),
      ("bootstrap seed", String(settings.seed)),
    ]
    o.extraLinks = extraLinks
    o.generator = "MarketImpact \(MarketImpactVersion.current)"
    return o
  }

  /// A short human summary: outcome counts and, per window, N and CAAR.
  public static func summary(_ result: StudyResult) -> String {
    var lines: [String] = []
    let counts = result.outcomeCounts.filter { $0.count > 0 }.map { "\($0.outcome.code) \($0.count)" }
    lines.append("pairs: \(result.pairs.count) (\(counts.joined(separator: ", ")))")
    // One pass over the pairs, without copying them: sum and count of complete CARs per window.
    let windows = result.parameters.windows
    var sums = [Double](repeating: 0, count: windows.count)
    var n = [Int](repeating: 0, count: windows.count)
    result.pairs.withUnsafeBufferPointer { pairs in
      for i in pairs.indices where pairs[i].outcome == .ok {
        for (k, w) in windows.enumerated() {
          guard let r = pairs[i].result(for: w), r.complete else { continue }
          sums[k] += r.car
          n[k] += 1
        }
      }
    }
    for (k, w) in windows.enumerated() where n[k] > 0 {
      lines.append("window \(w.start):\(w.end): N=\(n[k]) CAAR=\(percent(sums[k] / Double(n[k])))")
    }
    return lines.joined(separator: "\n")
  }

  static func percent(_ x: Double) -> String {
    let v = (x * 10000).rounded() / 100
    return "\(v)%"
  }

  /// Fingerprints the written reports and writes `run.json` beside them; returns its path.
  static func writeManifest(_ manifest: RunManifest, out: String) throws(PipelineError) -> String {
    let path = (out as NSString).appendingPathComponent(RunManifest.fileName)
    try Inputs.write(try manifest.render(), to: path)
    return path
  }
}

/// A number written by one task and read after it finished.
final class SecondsBox: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0.0
  func set(_ v: Double) {
    lock.lock()
    value = v
    lock.unlock()
  }
  func get() -> Double {
    lock.lock()
    defer { lock.unlock() }
    return value
  }
}
