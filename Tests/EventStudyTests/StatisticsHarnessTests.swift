import EventStudy
import Foundation
import MarketData
import Testing

/// A harness for `Scripts/validate-study`, skipped unless `MI_HARNESS_DIR` is set. It reads
/// `$MI_HARNESS_DIR/events.csv` and every `Date,Close` file in `$MI_HARNESS_DIR/prices/` (ticker =
/// file name, exchange XNYS), runs the default market-model study against SPY with
/// `MI_HARNESS_WINDOWS` (default `-1:1,0:0,-5:5`), summarizes it grouped by `MI_HARNESS_GROUP_BY`,
/// and writes `summary.csv` and `days.csv`, and with `MI_HARNESS_REGRESSION=col,…` the HC1 regression
/// of the first window's CAR on those columns (`regression.csv`), (every column of `WindowSummary`/`DaySummary`, numbers
/// printed in full precision) into `$MI_HARNESS_DIR/out/`.
@Suite struct StatisticsHarness {
  static let directory = ProcessInfo.processInfo.environment["MI_HARNESS_DIR"]

  @Test(.enabled(if: directory != nil)) func run() throws {
    let dir = try #require(Self.directory)
    let env = ProcessInfo.processInfo.environment
    let fm = FileManager.default
    var series: [PriceSeries] = []
    for file in try fm.contentsOfDirectory(atPath: dir + "/prices").sorted() where file.hasSuffix(".csv") {
      let text = try String(contentsOfFile: dir + "/prices/" + file, encoding: .utf8)
      var s = PriceSeries(ticker: String(file.dropLast(4)), exchange: .xnys)
      for line in text.split(whereSeparator: \.isNewline).dropFirst() {
        let f = line.split(separator: ",")
        guard f.count >= 2, let d = CivilDate(iso: String(f[0])), let c = Double(f[1]) else { continue }
        s.append(date: d, close: c)
      }
      series.append(s)
    }
    let events = try EventFile.parse(
      String(contentsOfFile: dir + "/events.csv", encoding: .utf8), file: "events.csv")
    var p = StudyParameters()
    p.market = MarketIndexChoice(defaultTicker: "SPY")
    p.windows = EventWindow.parseList(env["MI_HARNESS_WINDOWS"] ?? "-1:1,0:0,-5:5") ?? p.windows
    let result = try EventStudy.run(events: events, prices: InMemoryPriceSource(series), parameters: p)
    let groupBy = (env["MI_HARNESS_GROUP_BY"] ?? "").split(separator: ",").map(String.init)
    let summary = StudyStatistics.summarize(result, groupBy: groupBy)
    try fm.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
    try Self.write(WindowSummary.columns, summary.windowRows.map(\.cells), to: dir + "/out/summary.csv")
    try Self.write(DaySummary.columns, summary.dayRows.map(\.cells), to: dir + "/out/days.csv")
    let features = (env["MI_HARNESS_REGRESSION"] ?? "").split(separator: ",").map(String.init)
    if !features.isEmpty, let w = p.windows.first {
      let fit = try CrossSectionalRegression.fit(result, window: w, features: features)
      try Self.write(RegressionResult.columns, fit.rows, to: dir + "/out/regression.csv")
    }
  }

  static func write(_ header: [String], _ rows: [[SummaryCell]], to path: String) throws {
    var text = header.joined(separator: ",") + "\n"
    for row in rows {
      text +=
        row.map { cell -> String in
          switch cell {
          case .text(let s): return s
          case .integer(let i): return String(i)
          case .number(let x): return x.isNaN ? "" : "\(x)"
          }
        }.joined(separator: ",") + "\n"
    }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }
}
