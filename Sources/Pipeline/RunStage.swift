import EventExtraction
import EventStudy
import Foundation
import MarketData
import PriceIngest
import Reports

/// The whole job in one call, as `market-impact run` does it: ingest the price CSVs into
/// `OUT/market-impact.sqlite`, extract events from the articles into `OUT/events_extracted.csv`,
/// run the study on those events and write every report into `OUT`.
public enum RunStage {
  /// What a run produced.
  public struct Outcome: Sendable {
    /// Per price file.
    public var ingested: [IngestFileReport]
    /// Extracted articles and events.
    public var extraction: ExtractionResult
    /// The study.
    public var study: StudyResult
    /// Every file written.
    public var written: [String]
  }

  /// Runs ingest → extract → study → reports.
  public static func run(
    articles: [String], prices: [String], out: String, ingest: IngestSettings, extract: ExtractSettings,
    study: StudySettings, progress: (String) -> Void
  ) throws(PipelineError) -> Outcome {
    try Inputs.makeDirectory(out)
    let db = (out as NSString).appendingPathComponent("market-impact.sqlite")
    progress("ingest: reading price files")
    let ingested = try IngestStage.run(
      paths: prices, database: db, settings: ingest, dryRun: false,
      onFile: { r in progress("ingest: \(IngestReportText.line(r))") }, onError: { progress("ingest: \($0)") }
    )
    progress("extract: reading articles")
    let extraction = try ExtractStage.run(
      paths: articles, settings: extract, onWarning: { progress("extract: \($0)") })
    let eventsPath = (out as NSString).appendingPathComponent("events_extracted.csv")
    let articlesPath = (out as NSString).appendingPathComponent("articles.csv")
    try Inputs.write(ExtractionOutput.eventsCSV(extraction.events), to: eventsPath)
    try Inputs.write(ExtractionOutput.articlesCSV(extraction.articles), to: articlesPath)
    progress("extract: \(extraction.events.count) event(s) in \(extraction.articles.count) article(s)")
    let events: [StudyEvent]
    do { events = try EventFile.parse(ExtractionOutput.eventsCSV(extraction.events), file: eventsPath) } catch
    {
      throw .stage("\(error)")
    }
    let store = try IngestStage.openStore(db)
    progress("study: \(events.count) event(s)")
    let result = try StudyStage.run(events: events, prices: store, settings: study)
    var written = [db, eventsPath, articlesPath]
    written += try ReportStage.write(result, to: out)
    return Outcome(ingested: ingested, extraction: extraction, study: result, written: written)
  }
}

/// Writes a study's reports.
public enum ReportStage {
  /// Writes every report of `result` into `out` (created when missing); returns the paths.
  public static func write(_ result: StudyResult, to out: String) throws(PipelineError) -> [String] {
    try Inputs.makeDirectory(out)
    do { return try ReportWriter.write(result, to: out) } catch { throw .stage(error.description) }
  }

  /// A short human summary: outcome counts and, per window, N and CAAR.
  public static func summary(_ result: StudyResult) -> String {
    var lines: [String] = []
    let counts = result.outcomeCounts.filter { $0.count > 0 }.map { "\($0.outcome.code) \($0.count)" }
    lines.append("pairs: \(result.pairs.count) (\(counts.joined(separator: ", ")))")
    for w in result.parameters.windows {
      let cars = result.okPairs.compactMap { $0.result(for: w) }.filter(\.complete).map(\.car)
      guard !cars.isEmpty else { continue }
      let mean = cars.reduce(0, +) / Double(cars.count)
      lines.append("window \(w.start):\(w.end): N=\(cars.count) CAAR=\(percent(mean))")
    }
    return lines.joined(separator: "\n")
  }

  static func percent(_ x: Double) -> String {
    let v = (x * 10000).rounded() / 100
    return "\(v)%"
  }
}

/// One-line descriptions of ingest results for progress output.
public enum IngestReportText {
  /// `file: N rows stored, M rejected (dialect)`.
  public static func line(_ r: IngestFileReport) -> String {
    let f = r.file
    var s = "\(f.path): \(f.rowsStored) row(s) stored"
    if !f.rejects.isEmpty { s += ", \(f.rejects.count) rejected" }
    s += " [\(f.series.map(\.ticker).joined(separator: ","))]"
    if let o = r.outcome, o.unchanged { s += " (unchanged since last ingest)" }
    return s
  }
}

extension IngestReportText {
  /// What `ingest --dry-run` prints for one file: the loader's own description of what it detected.
  public static func dryRun(_ r: IngestFileReport) -> String { PriceIngestor.report(r.file) }
}
