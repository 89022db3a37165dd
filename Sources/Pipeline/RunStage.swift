import EventExtraction
import EventStudy
import Foundation
import MarketData
import PriceIngest
import Reports

/// A `run` job: the whole pipeline, as `market-impact run` does it.
public struct RunJob: Sendable, Equatable {
  /// Article files or folders.
  public var articles: [String]
  /// Price CSV files or folders.
  public var prices: [String]
  /// The output folder.
  public var out: String
  /// Ingest options.
  public var ingest: IngestSettings
  /// Extract options.
  public var extract: ExtractSettings
  /// Study options.
  public var study: StudySettings

  /// Creates a job.
  public init(
    articles: [String], prices: [String], out: String, ingest: IngestSettings = IngestSettings(),
    extract: ExtractSettings = ExtractSettings(), study: StudySettings = StudySettings()
  ) {
    self.articles = articles
    self.prices = prices
    self.out = out
    self.ingest = ingest
    self.extract = extract
    self.study = study
  }
}

/// The whole job in one call, as `market-impact run` does it: ingest the price CSVs into
/// `OUT/market-impact.sqlite`, extract events from the articles into `OUT/events_extracted.csv`,
/// run the study on those events, write every report and `run.json` into `OUT`.
public enum RunStage {
  /// The price store's file name inside the output folder.
  public static let databaseName = "market-impact.sqlite"

  /// Runs ingest → extract → study → reports → manifest.
  public static func perform(
    _ job: RunJob, argv: [String], log: StageLog, rerunOf: String? = nil
  ) throws(PipelineError) -> JobOutcome {
    var watch = Stopwatch()
    let out = job.out
    try Inputs.makeDirectory(out)
    let articlePaths = job.articles.map(Fingerprint.absolute)
    let pricePaths = job.prices.map(Fingerprint.absolute)
    var extractSettings = job.extract
    extractSettings.tickerFiles = extractSettings.tickerFiles.map(Fingerprint.absolute)
    let study = job.study.absolutePaths
    let db = (out as NSString).appendingPathComponent(databaseName)
    var inputs: [InputFile] = []

    log.progress("ingest: reading price files")
    let ingested = try watch.time("ingest") { () throws(PipelineError) in
      try IngestStage.run(
        paths: pricePaths, database: db, settings: job.ingest, dryRun: false,
        onFile: { r in log.progress("ingest: \(IngestReportText.line(r))") },
        onError: { log.warning("ingest: \($0)") })
    }
    for r in ingested {
      let f = r.file
      inputs.append(
        InputFile(
          role: "price_file", path: Fingerprint.absolute(f.path), sha256: f.sha256, bytes: f.byteCount,
          rows: f.rowsRead, checked: true,
          detail:
            "\(f.rowsStored) rows stored, \(f.rejects.count) rejected; \(f.series.map(\.ticker).joined(separator: " "))"
        ))
    }

    log.progress("extract: reading articles")
    let extraction = try watch.time("extract") { () throws(PipelineError) in
      try ExtractStage.run(
        paths: articlePaths, settings: extractSettings, onWarning: { log.warning("extract: \($0)") })
    }
    inputs += try watch.time("fingerprint") { () throws(PipelineError) in
      var more: [InputFile] = []
      for file in try Inputs.files(articlePaths, extensions: ExtractStage.extensions) {
        let count = extraction.articles.filter { article in
          let key = article.article.split(separator: "#").first.map(String.init) ?? article.article
          return file == key || file.hasSuffix("/" + key)
        }.count
        more.append(try InputFile.of(file, role: "article_file", rows: count))
      }
      for f in extractSettings.tickerFiles {
        more.append(
          try InputFile.of(f, role: "tickers", rows: Fingerprint.csvRows(try Inputs.readText(f)) ?? 0))
      }
      return more + (try StudyStage.factorInputs(study))
    }
    let eventsPath = (out as NSString).appendingPathComponent("events_extracted.csv")
    let articlesPath = (out as NSString).appendingPathComponent("articles.csv")
    let eventsText = ExtractionOutput.eventsCSV(extraction.events)
    try Inputs.write(eventsText, to: eventsPath)
    try Inputs.write(ExtractionOutput.articlesCSV(extraction.articles), to: articlesPath)
    log.progress("extract: \(extraction.events.count) event(s) in \(extraction.articles.count) article(s)")
    let events: [StudyEvent]
    do { events = try EventFile.parse(eventsText, file: eventsPath) } catch { throw .stage("\(error)") }

    let store = try IngestStage.openStore(db)
    log.progress("study: \(events.count) event(s)")
    let result = try watch.time("study") { () throws(PipelineError) in
      try StudyStage.run(events: events, prices: store, settings: study)
    }
    for warning in StudyStage.marketWarnings(result, settings: study) { log.warning("study: \(warning)") }
    let resolved = ResolvedStudy(result.parameters, settings: study)
    log.progress("statistics: aggregates and tests")
    log.progress("reports: writing into \(out)")
    let links: [HTMLReport.Link] = [
      .init(
        file: "events_extracted.csv", description: "events found in the articles (the study's input)",
        rows: extraction.events.count),
      .init(file: "articles.csv", description: "one row per article read", rows: extraction.articles.count),
      .init(
        file: RunManifest.fileName, description: "run manifest: command, parameters, input digests, timings"),
    ]
    let reports = try watch.time("reports") { () throws(PipelineError) in
      try ReportStage.statisticsAndReports(
        result, settings: study, to: out,
        options: ReportStage.options(study, resolved: resolved, extraLinks: links), log: log)
    }
    watch.stages["statistics"] = reports.statisticsSeconds
    let parameters = JobParameters(
      articles: articlePaths, prices: pricePaths, out: Fingerprint.absolute(out), study: study,
      ingest: IngestParameters(job.ingest), extract: ExtractParameters(extractSettings))
    return try StudyStage.finish(
      command: "run", argv: argv, parameters: parameters, resolved: resolved, inputs: inputs, result: result,
      others: [db, eventsPath, articlesPath], reports: reports.files, out: out, watch: watch, rerunOf: rerunOf
    )
  }
}

/// One-line descriptions of ingest results for progress output.
public enum IngestReportText {
  /// `file: N rows stored, M rejected (dialect)`.
  public static func line(_ r: IngestFileReport) -> String {
    let f = r.file
    // Streaming ingest hands the rows to the store as it reads, so the store's count is the truth.
    let stored = r.outcome?.rowsStored ?? r.summaries?.reduce(0) { $0 + $1.rows } ?? f.rowsStored
    var s = "\(f.path): \(stored) row(s) stored"
    if !f.rejects.isEmpty { s += ", \(f.rejects.count) rejected" }
    let tickers = f.series.map(\.ticker)
    let shown = tickers.prefix(5).joined(separator: ",")
    s += tickers.count > 5 ? " [\(shown), … \(tickers.count) securities]" : " [\(shown)]"
    if let o = r.outcome, o.unchanged { s += " (unchanged since last ingest)" }
    for note in f.notes { s += "\n  note: \(note)" }
    return s
  }
}

extension IngestReportText {
  /// What `ingest --dry-run` prints for one file: the loader's own description of what it detected.
  public static func dryRun(_ r: IngestFileReport) -> String {
    PriceIngestor.report(r.file, series: r.summaries)
  }
}
