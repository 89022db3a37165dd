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
    /// How the band is drawn.
    public var bandStyle: BandStyle = .fill

    /// Creates a series.
    public init(
      label: String, points: [(x: Double, y: Double)], band: [(x: Double, low: Double, high: Double)] = []
    ) {
      self.label = label
      self.points = points
      self.band = band
    }
  }

  /// How a series' band is drawn.
  public enum BandStyle: Sendable {
    /// A shaded area behind the line.
    case fill
    /// A vertical interval (whisker with caps) at each point; series drawn this way are shifted
    /// slightly apart along x so their intervals do not hide each other.
    case whiskers
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
  /// A short note shown under the x-axis label (e.g. what the shaded band is); empty for none.
  public var note: String = ""
  /// Legend text of the shaded band swatch (shown when any series has a filled band).
  public var bandLabel: String = "95% band"
  /// Legend text of the whisker swatch (shown when any series has whiskers).
  public var whiskerLabel: String = "95% interval"
  /// X range drawn even where no series has points (e.g. the event span); `nil` = the data's.
  public var xRange: (low: Double, high: Double)? = nil
  /// Text shown in the middle of the plot when no series has a point.
  public var emptyMessage: String = "No data to plot"
  /// Width in pixels.
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
    let longest = series.map { SVGChart.legendText($0.label).count }.max() ?? 0
    let right = min(330, max(140, 75 + 7.5 * Double(longest)))
    let top = 50.0
    // The note sits under the x-axis label, wrapped to the chart's width (~6 px a character at 11 px).
    let noteLines = note.isEmpty ? [] : SVGChart.wrap(note, width: Int((width - left - 20) / 6))
    let bottom = 60.0 + 14 * Double(noteLines.count)
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
    let xMin = min(xs.min() ?? xRange?.low ?? 0, xRange?.low ?? .infinity)
    let xMax = max(xs.max() ?? xRange?.high ?? 1, xRange?.high ?? -.infinity, xMin + 1)
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
      "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotH + 45))\" text-anchor=\"middle\">\(SVGChart.xml(xLabel))</text>\n"
    s +=
      "<text transform=\"translate(20 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVGChart.xml(yLabel))</text>\n"
    // Whisker series are shifted apart along x by a tenth of a unit (at most 0.4 in all).
    let whiskerSeries = series.indices.filter {
      !series[$0].band.isEmpty && series[$0].bandStyle == .whiskers
    }
    let dodgeStep = whiskerSeries.count > 1 ? min(0.1, 0.4 / Double(whiskerSeries.count - 1)) : 0
    var dx = [Double](repeating: 0, count: series.count)
    for (k, i) in whiskerSeries.enumerated() {
      dx[i] = (Double(k) - Double(whiskerSeries.count - 1) / 2) * dodgeStep
    }
    // Bands, then lines, then legend.
    for (i, ser) in series.enumerated() where !ser.band.isEmpty {
      let color = SVGChart.palette[i % SVGChart.palette.count]
      let pts = ser.band.filter { $0.low.isFinite && $0.high.isFinite }
      guard !pts.isEmpty else { continue }
      switch ser.bandStyle {
      case .fill:
        let upper = pts.map { "\(f(px($0.x))),\(f(py($0.high)))" }
        let lower = pts.reversed().map { "\(f(px($0.x))),\(f(py($0.low)))" }
        s +=
          "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.15\" stroke=\"none\"/>\n"
      case .whiskers:
        for b in pts {
          let x = px(b.x + dx[i])
          s +=
            "<path d=\"M\(f(x)),\(f(py(b.low)))V\(f(py(b.high)))M\(f(x - 3)),\(f(py(b.low)))h6M\(f(x - 3)),\(f(py(b.high)))h6\" stroke=\"\(color)\" stroke-opacity=\"0.6\" fill=\"none\"/>\n"
        }
      }
    }
    for (i, ser) in series.enumerated() {
      let color = SVGChart.palette[i % SVGChart.palette.count]
      let pts = ser.points.filter { $0.y.isFinite }.map { "\(f(px($0.x + dx[i]))),\(f(py($0.y)))" }
      if pts.count > 1 {
        s +=
          "<polyline points=\"\(pts.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
      }
      for p in ser.points where p.y.isFinite && ser.points.count <= 60 {
        s += "<circle cx=\"\(f(px(p.x + dx[i])))\" cy=\"\(f(py(p.y)))\" r=\"2.5\" fill=\"\(color)\"/>\n"
      }
      let ly = top + 10 + Double(i) * 20
      s +=
        "<line x1=\"\(f(left + plotW + 15))\" y1=\"\(f(ly))\" x2=\"\(f(left + plotW + 40))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"3\"/>\n"
      s +=
        "<text x=\"\(f(left + plotW + 46))\" y=\"\(f(ly + 4))\">\(SVGChart.xml(SVGChart.legendText(ser.label)))</text>\n"
    }
    var swatchY = top + 10 + Double(series.count) * 20
    if let i = series.indices.first(where: { !series[$0].band.isEmpty && series[$0].bandStyle == .fill }) {
      let color = SVGChart.palette[i % SVGChart.palette.count]
      s +=
        "<rect x=\"\(f(left + plotW + 15))\" y=\"\(f(swatchY - 7))\" width=\"25\" height=\"14\" fill=\"\(color)\" fill-opacity=\"0.15\"/>\n"
      s += "<text x=\"\(f(left + plotW + 46))\" y=\"\(f(swatchY + 4))\">\(SVGChart.xml(bandLabel))</text>\n"
      swatchY += 20
    }
    if !whiskerSeries.isEmpty {
      let x = left + plotW + 27.5
      s +=
        "<path d=\"M\(f(x)),\(f(swatchY - 7))V\(f(swatchY + 7))M\(f(x - 3)),\(f(swatchY - 7))h6M\(f(x - 3)),\(f(swatchY + 7))h6\" stroke=\"#555\" fill=\"none\"/>\n"
      s +=
        "<text x=\"\(f(left + plotW + 46))\" y=\"\(f(swatchY + 4))\">\(SVGChart.xml(whiskerLabel))</text>\n"
    }
    if xs.isEmpty {
      s +=
        "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotH * 0.35))\" text-anchor=\"middle\" font-size=\"15\" fill=\"#777\">\(SVGChart.xml(emptyMessage))</text>\n"
    }
    for (i, line) in noteLines.enumerated() {
      s +=
        "<text x=\"\(f(left))\" y=\"\(f(height - 10 - Double(noteLines.count - 1 - i) * 14))\" font-size=\"11\" fill=\"#555\">\(SVGChart.xml(line))</text>\n"
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
    // Of the round steps giving at most 10 ticks, the one whose ticks waste the least room
    // (ties: the larger step).
    var best: [Double] = []
    for step in [1.0, 2, 5, 10, 20].map({ $0 * mag }) {
      var t = (lo / step).rounded(.down) * step
      var out: [Double] = []
      while t <= hi + step * 1e-9 {
        out.append(abs(t) < step * 1e-9 ? 0 : t)
        t += step
      }
      if let last = out.last, last < hi { out.append(last + step) }
      guard out.count <= 10, let first = out.first, let last = out.last else { continue }
      if let bf = best.first, let bl = best.last, last - first > bl - bf + step * 1e-9 { continue }
      best = out
    }
    return best.isEmpty ? [lo, hi] : best
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

  /// A legend label, shortened to 36 characters.
  static func legendText(_ label: String) -> String {
    label.count > 36 ? String(label.prefix(35)) + "…" : label
  }

  /// Splits `text` into lines of at most `width` characters at spaces.
  static func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
      if current.isEmpty {
        current = String(word)
      } else if current.count + 1 + word.count <= width {
        current += " " + word
      } else {
        lines.append(current)
        current = String(word)
      }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
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
