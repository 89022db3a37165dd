/// A line chart rendered to standalone SVG by the project itself (no browser, no plotting runtime):
/// labelled axes with round ticks, one coloured line per series, an optional shaded band per series,
/// a zero line and a legend.
public struct SVGChart: Sendable {
  /// One line of the chart.
  public struct Series: Sendable {
    /// Legend label.
    public var label: String
    /// Points (x, y), in x order.
    public var points: [(x: Double, y: Double)]
    /// Optional band (x, low, high) drawn shaded behind the line, e.g. a 95% confidence band.
    public var band: [(x: Double, low: Double, high: Double)]

    /// Creates a series.
    public init(
      label: String, points: [(x: Double, y: Double)], band: [(x: Double, low: Double, high: Double)] = []
    ) {
      self.label = label
      self.points = points
      self.band = band
    }
  }

  /// Chart title.
  public var title: String
  /// X-axis label.
  public var xLabel: String
  /// Y-axis label.
  public var yLabel: String
  /// The lines.
  public var series: [Series]
  /// Format y tick values as percentages.
  public var yAsPercent: Bool
  /// Width and height in pixels.
  public var width: Double = 800
  /// Height in pixels.
  public var height: Double = 480

  /// Creates a chart.
  public init(title: String, xLabel: String, yLabel: String, series: [Series], yAsPercent: Bool = true) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.yAsPercent = yAsPercent
  }

  static let palette = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
  ]

  /// The SVG document.
  public func render() -> String {
    let left = 80.0
    let right = 180.0
    let top = 50.0
    let bottom = 60.0
    let plotW = width - left - right
    let plotH = height - top - bottom
    var xs: [Double] = []
    var ys: [Double] = [0]
    for s in series {
      for p in s.points where p.y.isFinite {
        xs.append(p.x)
        ys.append(p.y)
      }
      for b in s.band where b.low.isFinite && b.high.isFinite {
        ys.append(b.low)
        ys.append(b.high)
      }
    }
    let xMin = xs.min() ?? 0
    let xMax = max(xs.max() ?? 1, xMin + 1)
    let yTicks = SVGChart.niceTicks(min: ys.min() ?? 0, max: ys.max() ?? 1)
    let yMin = yTicks.first ?? 0
    let yMax = max(yTicks.last ?? 1, yMin + 1e-12)
    func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotW }
    func py(_ y: Double) -> Double { top + (yMax - y) / (yMax - yMin) * plotH }
    func f(_ v: Double) -> String { String(Double((v * 10).rounded()) / 10) }
    var s = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
      viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="13">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(f(width / 2))" y="28" text-anchor="middle" font-size="17" font-weight="bold">\(SVGChart.xml(title))</text>

      """
    // Grid and y ticks.
    for t in yTicks {
      let y = py(t)
      s +=
        "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#e5e5e5\"/>\n"
      let label =
        yAsPercent
        ? SVGChart.percent(t, step: (yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1)) : SVGChart.plain(t)
      s += "<text x=\"\(f(left - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(label)</text>\n"
    }
    // X ticks: integers.
    let xStep = max(1.0, ((xMax - xMin) / 10).rounded(.up))
    var xt = (xMin / xStep).rounded(.up) * xStep
    while xt <= xMax + 1e-9 {
      let x = px(xt)
      s +=
        "<line x1=\"\(f(x))\" y1=\"\(f(top + plotH))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH + 5))\" stroke=\"#333\"/>\n"
      s +=
        "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 20))\" text-anchor=\"middle\">\(SVGChart.plain(xt))</text>\n"
      xt += xStep
    }
    // Axes and zero line.
    s +=
      "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotH))\" stroke=\"#333\"/>\n"
    s +=
      "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\" stroke=\"#333\"/>\n"
    if yMin < 0 && yMax > 0 {
      s +=
        "<line x1=\"\(f(left))\" y1=\"\(f(py(0)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(0)))\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n"
    }
    if xMin <= 0 && xMax >= 0 {
      s +=
        "<line x1=\"\(f(px(0)))\" y1=\"\(f(top))\" x2=\"\(f(px(0)))\" y2=\"\(f(top + plotH))\" stroke=\"#888\" stroke-dasharray=\"2 3\"/>\n"
    }
    s +=
      "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 15))\" text-anchor=\"middle\">\(SVGChart.xml(xLabel))</text>\n"
    s +=
      "<text transform=\"translate(20 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVGChart.xml(yLabel))</text>\n"
    // Bands, then lines, then legend.
    for (i, ser) in series.enumerated() where !ser.band.isEmpty {
      let color = SVGChart.palette[i % SVGChart.palette.count]
      let pts = ser.band.filter { $0.low.isFinite && $0.high.isFinite }
      guard !pts.isEmpty else { continue }
      let upper = pts.map { "\(f(px($0.x))),\(f(py($0.high)))" }
      let lower = pts.reversed().map { "\(f(px($0.x))),\(f(py($0.low)))" }
      s +=
        "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.15\" stroke=\"none\"/>\n"
    }
    for (i, ser) in series.enumerated() {
      let color = SVGChart.palette[i % SVGChart.palette.count]
      let pts = ser.points.filter { $0.y.isFinite }.map { "\(f(px($0.x))),\(f(py($0.y)))" }
      if pts.count > 1 {
        s +=
          "<polyline points=\"\(pts.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
      }
      for p in ser.points where p.y.isFinite {
        s += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"2.5\" fill=\"\(color)\"/>\n"
      }
      let ly = top + 10 + Double(i) * 20
      s +=
        "<line x1=\"\(f(left + plotW + 15))\" y1=\"\(f(ly))\" x2=\"\(f(left + plotW + 40))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"3\"/>\n"
      s +=
        "<text x=\"\(f(left + plotW + 46))\" y=\"\(f(ly + 4))\">\(SVGChart.xml(String(ser.label.prefix(18))))</text>\n"
    }
    s += "</svg>\n"
    return s
  }

  /// Round tick values covering [min, max] (1, 2 or 5 times a power of ten apart).
  static func niceTicks(min lo: Double, max hi: Double) -> [Double] {
    var lo = lo
    var hi = hi
    if !(lo.isFinite && hi.isFinite) { return [0, 1] }
    if hi - lo < 1e-12 {
      lo -= 0.01
      hi += 0.01
    }
    let raw = (hi - lo) / 6
    let mag = pow10(Int((log10(raw)).rounded(.down)))
    let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
    var t = (lo / step).rounded(.down) * step
    var out: [Double] = []
    while t <= hi + step * 1e-9 {
      out.append(abs(t) < step * 1e-9 ? 0 : t)
      t += step
    }
    if let last = out.last, last < hi { out.append(last + step) }
    return out
  }

  static func pow10(_ e: Int) -> Double {
    var r = 1.0
    if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
    return r
  }

  static func log10(_ x: Double) -> Double {
    // Natural log via the exponent and a short series is unnecessary here: tick magnitudes only
    // need the decimal exponent, found by scaling.
    var e = 0.0
    var v = x
    while v >= 10 {
      v /= 10
      e += 1
    }
    while v < 1 && v > 0 {
      v *= 10
      e -= 1
    }
    return e
  }

  static func percent(_ v: Double, step: Double) -> String {
    let decimals = step * 100 >= 1 ? 0 : (step * 100 >= 0.1 ? 1 : 2)
    return fixed(v * 100, decimals) + "%"
  }

  static func plain(_ v: Double) -> String {
    v == v.rounded() ? String(Int(v)) : fixed(v, 2)
  }

  static func fixed(_ v: Double, _ decimals: Int) -> String {
    let scale = pow10(decimals)
    let r = (v * scale).rounded() / scale
    if decimals == 0 { return String(Int(r)) }
    let neg = r < 0
    let a = abs(r)
    let whole = Int(a)
    var frac = String(Int(((a - Double(whole)) * scale).rounded()))
    while frac.count < decimals { frac = "0" + frac }
    return (neg ? "-" : "") + String(whole) + "." + frac
  }

  /// Escapes text for XML.
  static func xml(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(c)
      }
    }
    return out
  }
}
