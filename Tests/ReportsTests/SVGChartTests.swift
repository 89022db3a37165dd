import Testing

@testable import Reports

@Suite struct SVGChartTests {
  @Test func ticksAreRoundAndCoverTheRange() {
    // Range -0.013..0.052 over 6 intervals is ~0.0108 → step 0.02: -0.02, 0, 0.02, 0.04, 0.06.
    let ticks = SVGChart.niceTicks(min: -0.013, max: 0.052)
    #expect(ticks.count == 5)
    #expect(abs(ticks[0] + 0.02) < 1e-12)
    #expect(abs(ticks[4] - 0.06) < 1e-12)
  }

  @Test func rendersTitleAxesAndEscapesText() {
    let chart = SVGChart(
      title: "CAAR <all>", xLabel: "Event day", yLabel: "CAAR",
      series: [.init(label: "a&b", points: [(-1, 0.0), (0, 0.05), (1, 0.04)])])
    let svg = chart.render()
    #expect(svg.hasPrefix("<svg"))
    #expect(svg.contains("CAAR &lt;all&gt;"))
    #expect(svg.contains("a&amp;b"))
    #expect(svg.contains("Event day"))
    #expect(svg.contains("<polyline"))
  }

  @Test func ticksWasteLittleRoom() {
    // -0.105..0.274: steps of 0.05 (−15%…30%) rather than 0.1 (−20%…30%).
    let ticks = SVGChart.niceTicks(min: -0.105, max: 0.274)
    #expect(abs((ticks.first ?? 0) + 0.15) < 1e-12)
    #expect(abs((ticks.last ?? 0) - 0.3) < 1e-12)
    #expect(ticks.count <= 10)
  }

  @Test func whiskerSeriesAreDodgedAndLegendsNameTheBands() {
    var a = SVGChart.Series(
      label: "all", points: [(0, 0.01), (1, 0.02)], band: [(0, 0, 0.02), (1, 0.01, 0.03)])
    a.bandStyle = .fill
    var b = SVGChart.Series(
      label: "g1", points: [(0, 0.0), (1, 0.01)], band: [(0, -0.01, 0.01), (1, 0, 0.02)])
    b.bandStyle = .whiskers
    var c = b
    c.label = "g2"
    var chart = SVGChart(title: "t", xLabel: "x", yLabel: "y", series: [a, b, c])
    chart.note = "a note"
    let svg = chart.render()
    #expect(svg.contains("<polygon"))
    #expect(svg.components(separatedBy: "<path").count - 1 == 4 + 1)
    #expect(svg.contains(">95% band</text>"))
    #expect(svg.contains(">95% interval</text>"))
    #expect(svg.contains(">a note</text>"))
  }
}
