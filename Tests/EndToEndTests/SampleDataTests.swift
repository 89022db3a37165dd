import Foundation
import MarketData
import Testing

/// Runs the real binary on SampleData and checks the outputs against the injected effects listed in
/// SampleData/README.md.
@Suite(.serialized) struct SampleDataTests {
  func csv(_ url: URL) throws -> [[String]] {
    let text = try String(contentsOf: url, encoding: .utf8)
    return try CSVText.parse(text).map(\.fields)
  }

  func header(_ url: URL) throws -> [String] { try csv(url).first ?? [] }

  @Test func runWritesEveryReportWithItsDocumentedColumns() throws {
    let out = try Binary.temporaryDirectory()
    let r = try Binary.run([
      "run", "--articles", Binary.sample("articles"), "--prices", Binary.sample("prices"), "--out", out.path,
      "--quiet",
    ])
    #expect(r.status == 0, "stderr: \(r.err)")
    #expect(r.out.isEmpty)
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("market-impact.sqlite").path))
    #expect(
      try header(out.appendingPathComponent("abnormal_returns.csv"))
        == ["event_id", "ticker", "date", "day", "return", "expected", "ar", "sar"])
    #expect(
      try header(out.appendingPathComponent("car.csv"))
        == ["event_id", "ticker", "window_start", "window_end", "car", "bhar", "scar", "t", "p", "outcome"])
    #expect(
      try header(out.appendingPathComponent("excluded.csv"))
        == ["event_id", "ticker", "exchange", "event_date", "outcome", "reason"])
    #expect(
      try header(out.appendingPathComponent("events.csv")).prefix(3) == ["event_id", "ticker", "exchange"])
    #expect(
      try header(out.appendingPathComponent("articles.csv"))
        == ["article", "title", "published", "published_source", "event_count"])
    #expect(
      try header(out.appendingPathComponent("events_extracted.csv")).prefix(2) == ["event_id", "announced"])
    let svg = try String(contentsOf: out.appendingPathComponent("caar.svg"), encoding: .utf8)
    #expect(svg.hasPrefix("<svg"))
  }

  @Test func handWrittenEventsRecoverTheInjectedAbnormalReturns() throws {
    let out = try Binary.temporaryDirectory()
    let db = out.appendingPathComponent("prices.sqlite").path
    let ingest = try Binary.run(["ingest", "--db", db, "--quiet", Binary.sample("prices")])
    #expect(ingest.status == 0, "stderr: \(ingest.err)")
    let study = try Binary.run([
      "study", "--db", db, "--events", Binary.sample("events.csv"), "--out", out.path, "--quiet",
    ])
    #expect(study.status == 0, "stderr: \(study.err)")
    let rows = try csv(out.appendingPathComponent("abnormal_returns.csv"))
    func ar(_ event: String, _ ticker: String, day: Int) -> (date: String, ar: Double)? {
      guard let row = rows.first(where: { $0[0] == event && $0[1] == ticker && $0[3] == String(day) }),
        let v = Double(row[6])
      else { return nil }
      return (row[2], v)
    }
    // SampleData/README.md: MP follows R = 1.6 R_m + e, sd(e) = 1.5%, and on 2025-06-26 e is
    // replaced by +5%. The market-model AR on day 0 is then 0.05 plus the estimation error of
    // alpha and beta, whose sd is about 1.5% * sqrt(1/240 + (R_m0 - mean)^2 / SS_m) ≈ 0.1 to 0.2
    // percentage points. 0.6 points is three times the larger figure.
    let mp = try #require(ar("E2025-06-26", "MP", day: 0))
    #expect(mp.date == "2025-06-26")
    #expect(abs(mp.ar - 0.05) < 0.006)
    // Announced 16:00 ET on 2025-04-02, after the NYSE close: day 0 is the next session, 2025-04-03,
    // where -6% was injected.
    let tariffs = try #require(ar("E2025-04-02", "MP", day: 0))
    #expect(tariffs.date == "2025-04-03")
    #expect(abs(tariffs.ar + 0.06) < 0.006)
    // Shanghai was closed on 2025-04-04 (Qingming): day 0 is 2025-04-07, where +7% was injected
    // (sd(e) = 1.4%, same tolerance reasoning).
    let sse = try #require(ar("E2025-04-04", "600111.SS", day: 0))
    #expect(sse.date == "2025-04-07")
    #expect(abs(sse.ar - 0.07) < 0.006)
    // The 2025-07-10 partnership: +25% on MP.
    let dod = try #require(ar("E2025-07-10", "MP", day: 0))
    #expect(abs(dod.ar - 0.25) < 0.006)
  }
}
