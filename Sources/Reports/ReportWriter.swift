import EventStudy
import Foundation
import MarketData

/// Writes a study's reports into a folder: the CSV tables, the CAAR chart and the HTML page.
public enum ReportWriter {
  /// The files `write` produces, in the order it writes them.
  public static let fileNames = [
    "abnormal_returns.csv", "car.csv", "excluded.csv", "events.csv", "caar.svg",
  ]

  /// Writes every report file of `result` into `directory` (which must exist) and returns their paths.
  public static func write(_ result: StudyResult, to directory: String) throws(ReportError) -> [String] {
    var written: [String] = []
    func put(_ name: String, _ text: String) throws(ReportError) {
      let path = (directory as NSString).appendingPathComponent(name)
      guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
        throw .cannotWrite(path: path, reason: "cannot create file")
      }
      written.append(path)
    }
    try put("abnormal_returns.csv", StudyTables.abnormalReturns(result).render())
    try put("car.csv", StudyTables.cumulative(result).render())
    try put("excluded.csv", StudyTables.excluded(result).render())
    try put("events.csv", StudyTables.eventsUsed(result).render())
    try put("caar.svg", caarChart(result).render())
    return written
  }

  /// CAAR over event time with its 95% band, all `ok` pairs.
  public static func caarChart(_ result: StudyResult) -> SVGChart {
    let path = CAARPath(pairs: result.pairs)
    let n = path.points.map(\.n).max() ?? 0
    let series = SVGChart.Series(
      label: "all (N=\(n))", points: path.points.map { (Double($0.day), $0.caar) },
      band: path.points.map { (Double($0.day), $0.low, $0.high) })
    return SVGChart(
      title: "Cumulative average abnormal return (\(result.parameters.model))",
      xLabel: "Event day (trading sessions relative to day 0)", yLabel: "CAAR", series: [series])
  }
}
