import EventStudy
import MarketData

/// `report.html`: one self-contained page (inline CSS and SVG, no script, no external resource)
/// with the outcome counts, the summary table, the charts, the largest CARs, the parameters and
/// links to the CSV files beside it. Readable offline; carries no timestamp, so a re-run writes it
/// byte for byte again.
public struct HTMLReport: Sendable {
  /// A file linked from the page.
  public struct Link: Sendable {
    /// File name beside the page.
    public var file: String
    /// What it holds.
    public var description: String
    /// Data rows, when known.
    public var rows: Int?

    /// Creates a link.
    public init(file: String, description: String, rows: Int? = nil) {
      self.file = file
      self.description = description
      self.rows = rows
    }
  }

  /// Page title.
  public var title: String
  /// The study.
  public var result: StudyResult
  /// The per-group, per-window table (the columns of `summary.csv` worth reading on screen).
  public var summary: CSVTable
  /// Charts, inline in this order, with their captions.
  public var charts: [(caption: String, svg: String)]
  /// Parameters shown in the settings table, in order.
  public var parameters: [(name: String, value: String)]
  /// The report files.
  public var links: [Link]
  /// The cross-sectional regressions for reading (`nil`: none was asked for).
  public var regression: CSVTable? = nil
  /// The regressors.
  public var regressionFeatures: [String] = []
  /// Windows that could not be fitted, with the reason.
  public var regressionNotes: [String] = []
  /// Who wrote the page (`MarketImpact 0.1.0`).
  public var footer: String = "MarketImpact"
  /// Number of pairs listed in the largest-CAR table.
  public var topPairs: Int = 10

  /// Creates a page.
  public init(
    title: String, result: StudyResult, summary: CSVTable, charts: [(caption: String, svg: String)],
    parameters: [(name: String, value: String)], links: [Link]
  ) {
    self.title = title
    self.result = result
    self.summary = summary
    self.charts = charts
    self.parameters = parameters
    self.links = links
  }

  /// The HTML document.
  public func render() -> String {
    var h = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(HTMLReport.text(title))</title>
      <style>
      body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
      h1 { font-size: 1.6em; margin-bottom: 0.2em; }
      h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
      p.lead { color: #555; margin-top: 0; }
      table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
      th, td { border: 1px solid #ddd; padding: 0.25em 0.55em; }
      th { background: #f4f4f4; text-align: left; }
      td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
      tr.zero td { color: #999; }
      .scroll { overflow-x: auto; }
      figure { margin: 1em 0; }
      figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
      figcaption { color: #555; font-size: 0.9em; }
      code { background: #f4f4f4; padding: 0 0.2em; }
      </style>
      </head>
      <body>
      <h1>\(HTMLReport.text(title))</h1>

      """
    let ok = result.pairs.reduce(0) { $0 + ($1.outcome == .ok ? 1 : 0) }
    h +=
      "<p class=\"lead\">\(result.events.count) event(s), \(result.pairs.count) (event, security) pair(s), \(ok) used; "
      + "model <code>\(HTMLReport.text(result.parameters.model.description))</code>, estimation window "
      + "[\(result.parameters.estimation.start), \(result.parameters.estimation.end)], event windows "
      + result.parameters.windows.map { "[\($0.start), \($0.end)]" }.joined(separator: ", ") + ".</p>\n"

    h += "<h2>Outcomes</h2>\n<table>\n<tr><th>outcome</th><th>pairs</th></tr>\n"
    for c in result.outcomeCounts {
      h +=
        "<tr\(c.count == 0 ? " class=\"zero\"" : "")><td><code>\(c.outcome.code)</code></td><td class=\"num\">\(c.count)</td></tr>\n"
    }
    h += "<tr><th>total</th><th class=\"num\">\(result.pairs.count)</th></tr>\n</table>\n"
    h += "<p>Pairs not used are listed with their reason in <a href=\"excluded.csv\">excluded.csv</a>.</p>\n"

    h += "<h2>Summary</h2>\n<div class=\"scroll\">\n" + HTMLReport.table(summary) + "</div>\n"
    h += "<p>CAAR: mean CAR over the pairs of the group; ABHAR: mean buy-and-hold abnormal return."
    if links.contains(where: { $0.file == "summary.csv" }) {
      h +=
        " Every test statistic with its p-value and the N it used is in <a href=\"summary.csv\">summary.csv</a>."
    }
    h += "</p>\n"

    if let regression {
      h += "<h2>Cross-sectional regression</h2>\n"
      h +=
        "<p>CAR on \(HTMLReport.text(regressionFeatures.joined(separator: ", "))) per window, OLS with HC1 "
        + "standard errors; full precision in <a href=\"regression.csv\">regression.csv</a>.</p>\n"
      h += "<div class=\"scroll\">\n" + HTMLReport.table(regression) + "</div>\n"
      for note in regressionNotes { h += "<p>Not fitted: \(HTMLReport.text(note))</p>\n" }
    }

    h += "<h2>Charts</h2>\n"
    for c in charts {
      h +=
        "<figure>\n" + HTMLReport.inlineSVG(c.svg)
        + "<figcaption>\(HTMLReport.text(c.caption))</figcaption>\n</figure>\n"
    }

    let top = StudyCharts.topPairs(result, top: topPairs)
    if let w = StudyCharts.rankingWindow(result.parameters), !top.isEmpty {
      h += "<h2>Largest CARs over [\(w.start), \(w.end)]</h2>\n<table>\n"
      h +=
        "<tr><th>event</th><th>ticker</th><th>day 0</th><th>CAR</th><th>BHAR</th><th>t</th><th>p</th></tr>\n"
      for item in top {
        let r = item.pair.result(for: w)
        h += "<tr><td>\(HTMLReport.text(item.pair.eventID))</td><td>\(HTMLReport.text(item.pair.ticker))</td>"
        h += "<td>\(item.pair.day0?.iso ?? "")</td>"
        h += "<td class=\"num\">\(HTMLReport.percent(item.car))</td>"
        h += "<td class=\"num\">\(HTMLReport.percent(r?.bhar ?? .nan))</td>"
        h += "<td class=\"num\">\(HTMLReport.fixed(r?.t ?? .nan, 2))</td>"
        h += "<td class=\"num\">\(HTMLReport.fixed(r?.p ?? .nan, 4))</td></tr>\n"
      }
      h += "</table>\n"
    }

    h += "<h2>Parameters</h2>\n<table>\n"
    for p in parameters {
      let value = p.value.isEmpty ? "none" : "<code>\(HTMLReport.text(p.value))</code>"
      h += "<tr><th>\(HTMLReport.text(p.name))</th><td>\(value)</td></tr>\n"
    }
    h +=
      "</table>\n<p>The exact command, input digests and timings are in <a href=\"run.json\">run.json</a>.</p>\n"

    h += "<h2>Files</h2>\n<table>\n<tr><th>file</th><th>rows</th><th>contents</th></tr>\n"
    for l in links {
      let href = HTMLReport.attribute(l.file)
      h +=
        "<tr><td><a href=\"\(href)\">\(HTMLReport.text(l.file))</a></td><td class=\"num\">\(l.rows.map(String.init) ?? "")</td><td>\(HTMLReport.text(l.description))</td></tr>\n"
    }
    h += "</table>\n<p>Generated by \(HTMLReport.text(footer)).</p>\n</body>\n</html>\n"
    return h
  }

  /// A CSV table as an HTML table; cells that read as numbers are right-aligned.
  static func table(_ t: CSVTable) -> String {
    var h = "<table>\n<tr>" + t.header.map { "<th>\(text($0))</th>" }.joined() + "</tr>\n"
    for row in t.rows {
      h += "<tr>"
      for cell in row {
        let numeric =
          Double(cell) != nil || cell.hasSuffix("%") && Double(cell.dropLast()) != nil || cell.hasSuffix(")")
          || cell.hasSuffix("]") && cell.contains("%")
        h += numeric ? "<td class=\"num\">\(text(cell))</td>" : "<td>\(text(cell))</td>"
      }
      h += "</tr>\n"
    }
    return h + "</table>\n"
  }

  /// The SVG document without anything before its `<svg` element, for inlining.
  static func inlineSVG(_ svg: String) -> String {
    guard let r = svg.range(of: "<svg") else { return "" }
    return String(svg[r.lowerBound...])
  }

  /// Escapes text content.
  public static func text(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      default: out.append(c)
      }
    }
    return out
  }

  /// Escapes an attribute value (double-quoted).
  public static func attribute(_ s: String) -> String {
    text(s).replacingQuotes()
  }

  /// `3.05%`, two decimals; empty for NaN.
  public static func percent(_ x: Double) -> String {
    x.isFinite ? SVGChart.fixed(x * 100, 2) + "%" : ""
  }

  /// Fixed decimals; empty for NaN.
  public static func fixed(_ x: Double, _ decimals: Int) -> String {
    x.isFinite ? SVGChart.fixed(x, decimals) : ""
  }
}

extension String {
  fileprivate func replacingQuotes() -> String {
    var out = ""
    for c in self { if c == "\"" { out += "&quot;" } else { out.append(c) } }
    return out
  }
}
