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
}
