import EventStudy
import MarketData

/// The study's charts: `caar.svg` (CAAR over event time with a 95% band, one line per group) and
/// `car_paths.svg` (the cumulative AR paths of the pairs with the largest |CAR|).
public enum StudyCharts {
  /// At most this many lines on one chart (the palette has eight colours).
  public static let maximumLines = 8

  /// CAAR over event time per group, each with its 95% band (cross-sectional t interval of the
  /// pairs' cumulative ARs). Groups beyond `maximumLines` are left out and named in the note.
  public static func caar(_ result: StudyResult, groups: PairGroups) -> SVGChart {
    let shown = groups.groups.filter { !$0.pairs.isEmpty }.prefix(maximumLines)
    // The first group (`all`) gets a shaded band; the others, drawn over it, get interval
    // whiskers, so overlapping bands do not turn into an unreadable smear.
    let series = shown.enumerated().map { k, g in
      let path = CAARPath(pairs: g.pairs)
      var s = SVGChart.Series(
        label: "\(g.name) (N=\(g.pairs.count))", points: path.points.map { (Double($0.day), $0.caar) },
        band: path.points.map { (Double($0.day), $0.low, $0.high) })
      if k > 0 { s.bandStyle = .whiskers }
      return s
    }
    var chart = SVGChart(
      title: "Cumulative average abnormal return (\(result.parameters.model))",
      xLabel: "Event day (trading sessions relative to day 0)", yLabel: "CAAR", series: Array(series))
    chart.emptyMessage = "No pair has abnormal returns (see excluded.csv)"
    let span = result.parameters.eventSpan
    chart.xRange = (Double(span.start), Double(span.end))
    var note = "CAAR cumulated from day \(span.start); 95%: mean ± t(0.975, N−1)·sd/√N of the pairs' CARs."
    if series.count > 1 {
      chart.bandLabel = "95% band (all)"
      chart.whiskerLabel = "95% interval (groups)"
      note += " Groups shifted slightly along x so their intervals stay apart."
    }
    let hidden = groups.groups.filter { !$0.pairs.isEmpty }.count - shown.count
    if hidden > 0 { note += " \(hidden) more group(s) in aar.csv, not drawn." }
    chart.note = note
    return chart
  }

  /// The window pairs are ranked by for `car_paths.svg`: the longest requested window (the first
  /// of equal length).
  public static func rankingWindow(_ parameters: StudyParameters) -> EventWindow? {
    parameters.windows.reduce(nil) { best, w in
      guard let b = best else { return w }
      return w.length > b.length ? w : b
    }
  }

  /// The `ok` pairs with a complete ranking window, by decreasing |CAR| (ties: study order), at
  /// most `top`.
  public static func topPairs(_ result: StudyResult, top: Int) -> [(pair: PairResult, car: Double)] {
    guard let w = rankingWindow(result.parameters) else { return [] }
    let top = max(0, top)
    guard top > 0 else { return [] }
    // The best `top` so far, in rank order: one pass, no sort of the whole study.
    var best: [(index: Int, car: Double)] = []
    best.reserveCapacity(top + 1)
    func before(_ a: (index: Int, car: Double), _ b: (index: Int, car: Double)) -> Bool {
      abs(a.car) != abs(b.car) ? abs(a.car) > abs(b.car) : a.index < b.index
    }
    result.pairs.withUnsafeBufferPointer { pairs in
      for i in pairs.indices where pairs[i].outcome == .ok {
        guard let r = pairs[i].result(for: w), r.complete, r.car.isFinite else { continue }
        let item = (index: i, car: r.car)
        if best.count == top, let last = best.last, !before(item, last) { continue }
        var at = best.count
        while at > 0 && before(item, best[at - 1]) { at -= 1 }
        best.insert(item, at: at)
        if best.count > top { best.removeLast() }
      }
    }
    return best.map { (result.pairs[$0.index], $0.car) }
  }

  /// The cumulative AR path of each of the `top` pairs with the largest |CAR| over the ranking
  /// window, cumulated from the first day of that window.
  public static func carPaths(_ result: StudyResult, top: Int = 8) -> SVGChart {
    let window = rankingWindow(result.parameters) ?? EventWindow(0, 0)
    let series = topPairs(result, top: min(top, maximumLines)).map { item in
      var cum = 0.0
      var points: [(x: Double, y: Double)] = []
      for d in item.pair.daily where d.day >= window.start && d.day <= window.end {
        guard d.ar.isFinite else { break }
        cum += d.ar
        points.append((Double(d.day), cum))
      }
      return SVGChart.Series(
        label: "\(item.pair.eventID) \(item.pair.ticker) (\(signedPercent(item.car)))", points: points)
    }
    var chart = SVGChart(
      title: series.count == 1
        ? "CAR path of the pair with the largest |CAR\(label(window))|"
        : "CAR paths of the \(series.isEmpty ? "" : "\(series.count) ")pairs with the largest |CAR\(label(window))|",
      xLabel: "Event day (trading sessions relative to day 0)", yLabel: "CAR", series: series)
    chart.emptyMessage = "No pair has a complete event window (see car.csv and excluded.csv)"
    chart.xRange = (Double(window.start), Double(window.end))
    chart.note =
      "Each line: one event and security, Σ AR from day \(window.start); legend: CAR\(label(window))."
    return chart
  }

  /// `(−5, +5)`: a window as written in the literature.
  static func label(_ w: EventWindow) -> String {
    func day(_ d: Int) -> String { d > 0 ? "+\(d)" : d < 0 ? "−\(-d)" : "0" }
    return "(\(day(w.start)), \(day(w.end)))"
  }

  /// `+3.2%` / `−4.0%`, one decimal.
  static func signedPercent(_ x: Double) -> String {
    let text = SVGChart.fixed(abs(x) * 100, 1) + "%"
    return (x < 0 ? "−" : "+") + text
  }
}
