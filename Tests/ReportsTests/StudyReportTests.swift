import EventStudy
import Foundation
import MarketData
import Testing

@testable import Reports

/// A small hand-made study: pairs with known daily ARs over the span −1…1 and one window −1:1.
enum Fixture {
  static func pair(_ event: String, _ ticker: String, ars: [Double], type: String, outcome: PairOutcome = .ok)
    -> PairResult
  {
    var p = PairResult(
      eventID: event, eventIndex: 0, ticker: ticker, exchange: "XNYS",
      eventDate: CivilDate(iso: "2025-04-02"),
      eventMinute: nil, outcome: outcome, detail: outcome == .ok ? "" : "no prices for \(ticker)",
      attributes: [("type", type)])
    guard outcome == .ok else { return p }
    p.daily = ars.enumerated().map { i, ar in
      DailyAbnormalReturn(
        date: CivilDate(iso: "2025-04-0\(i + 1)") ?? CivilDate(iso: "2025-04-01")!, day: i - 1,
        ret: ar + 0.001,
        expected: 0.001, ar: ar, sar: ar * 10)
    }
    let car = ars.reduce(0, +)
    p.windows = [
      WindowResult(
        window: EventWindow(-1, 1), complete: true, car: car, bhar: car, sdCAR: 0.01, scar: car / 0.01,
        csar: car / 0.01, t: car / 0.01, p: 0.5)
    ]
    return p
  }

  static func result(_ pairs: [PairResult]) -> StudyResult {
    var parameters = StudyParameters()
    parameters.windows = [EventWindow(-1, 1)]
    let event = StudyEvent(
      id: "E1", date: CivilDate(iso: "2025-04-02"), tickers: ["A"], attributes: [("type", "x")])
    return StudyResult(parameters: parameters, events: [event], pairs: pairs)
  }

  static var sample: StudyResult {
    result([
      pair("E1", "A", ars: [0.01, 0.02, 0.00], type: "tariff"),
      pair("E1", "B", ars: [0.00, -0.05, -0.01], type: "tariff"),
      pair("E2", "A", ars: [0.00, 0.10, 0.01], type: "export_control"),
      pair("E3", "C", ars: [], type: "tariff", outcome: .noPrices),
    ])
  }
}

@Suite struct StudyReportTests {
  @Test func groupsAreAllThenSortedValues() {
    let g = PairGroups(Fixture.sample, groupBy: ["type"])
    #expect(g.groups.map(\.name) == ["all", "type=export_control", "type=tariff"])
    #expect(g.groups.map(\.pairs.count) == [3, 1, 2])
  }

  @Test func topPairsAreRankedByAbsoluteCAR() {
    let top = StudyCharts.topPairs(Fixture.sample, top: 2)
    #expect(top.map { "\($0.pair.eventID) \($0.pair.ticker)" } == ["E2 A", "E1 B"])
    #expect(abs(top[1].car + 0.06) < 1e-15)
  }

  @Test func caarPathCumulatesAndAverages() {
    let path = CAARPath(pairs: Fixture.sample.pairs)
    #expect(path.points.map(\.day) == [-1, 0, 1])
    #expect(path.points.map(\.n) == [3, 3, 3])
    // Cumulative ARs at day 0: 0.03, -0.05, 0.10 → mean 0.08/3.
    #expect(abs(path.points[1].caar - 0.08 / 3) < 1e-15)
    #expect(path.points[1].low < path.points[1].caar && path.points[1].caar < path.points[1].high)
  }

  @Test func chartsDrawOneLinePerGroupAndNameTheTopPairs() {
    let caar = StudyCharts.caar(Fixture.sample, groups: PairGroups(Fixture.sample, groupBy: ["type"]))
      .render()
    #expect(caar.components(separatedBy: "<polyline").count - 1 == 3)
    #expect(caar.contains("type=tariff (N=2)"))
    #expect(caar.contains("95% band (all)"))
    let paths = StudyCharts.carPaths(Fixture.sample).render()
    #expect(paths.contains("E2 A (+11.0%)"))
    #expect(paths.contains("E1 B (−6.0%)"))
    #expect(paths.contains("|CAR(−1, +1)|"))
  }

  @Test func emptyStudyChartsSaySo() {
    let empty = Fixture.result([Fixture.pair("E1", "Z", ars: [], type: "t", outcome: .noPrices)])
    let svg = StudyCharts.caar(empty, groups: PairGroups(empty, groupBy: [])).render()
    #expect(svg.contains("No pair has abnormal returns"))
    #expect(!svg.contains("<polyline"))
    #expect(StudyCharts.carPaths(empty).render().contains("No pair has a complete event window"))
  }

  @Test func pageEscapesUserTextAndLinksItsFiles() {
    var result = Fixture.sample
    result.pairs[0].eventID = "<img src=x onerror=alert(1)>"
    let page = HTMLReport(
      title: "Study & <test>", result: result, summary: CSVTable(header: ["group"], rows: [["<b>"]]),
      charts: [("a chart", "<?xml version=\"1.0\"?>\n<svg></svg>")],
      parameters: [("model", "market-model"), ("factors", "")],
      links: [.init(file: "car.csv", description: "CARs", rows: 3)]
    ).render()
    #expect(page.contains("<title>Study &amp; &lt;test&gt;</title>"))
    #expect(!page.contains("<img"))
    #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"))
    #expect(page.contains("<td>&lt;b&gt;</td>"))
    #expect(!page.contains("<?xml"))
    #expect(page.contains("<a href=\"car.csv\">car.csv</a>"))
    #expect(page.contains("<th>factors</th><td>none</td>"))
    #expect(page.contains("<code>no_prices</code></td><td class=\"num\">1</td>"))
  }

  @Test func summaryCellsKeepFullPrecision() {
    #expect(SummaryTables.cell(.number(0.1 + 0.2)) == "0.30000000000000004")
    #expect(SummaryTables.cell(.number(.nan)) == "")
    #expect(SummaryTables.cell(.integer(-5)) == "-5")
    #expect(SummaryTables.cell(.text("all")) == "all")
  }

  @Test func writerWritesEveryFileAndTheSummaryColumns() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var options = ReportOptions()
    options.groupBy = ["type"]
    let written = try ReportWriter.write(Fixture.sample, to: dir.path, options: options)
    #expect(
      written.map { ($0 as NSString).lastPathComponent }
        == ReportWriter.fileNames.filter { $0 != "regression.csv" })
    let summary = try String(contentsOf: dir.appendingPathComponent("summary.csv"), encoding: .utf8)
    #expect(summary.hasPrefix("group,window_start,window_end,n,caar,abhar,t_cs,p_cs,"))
    #expect(summary.contains("\r\nall,-1,1,3,"))
    let excluded = try String(contentsOf: dir.appendingPathComponent("excluded.csv"), encoding: .utf8)
    #expect(excluded.contains("E3,C,XNYS,2025-04-02,no_prices,no prices for C"))
  }
}
