import Foundation
import MarketData
import Testing

/// The report files of `study` on SampleData: their columns, and values checked against numbers
/// computed here independently (from the report's own rows and from the raw SampleData prices).
@Suite(.serialized) struct ReportFilesTests {
  /// One ingest of SampleData/prices and one study on SampleData/events.csv, shared by the tests.
  struct Study {
    let dir: URL
    let db: String
    let out: URL
    let args: [String]
    let result: (status: Int32, out: String, err: String)
  }

  static let shared: Result<Study, Error> = Result {
    let dir = try Binary.temporaryDirectory()
    let db = dir.appendingPathComponent("prices.sqlite").path
    let ingest = try Binary.run(["ingest", "--db", db, "--quiet", Binary.sample("prices")])
    guard ingest.status == 0 else { throw Failure(message: "ingest failed: \(ingest.err)") }
    let out = dir.appendingPathComponent("study")
    let args = [
      "study", "--db", db, "--events", Binary.sample("events.csv"), "--out", out.path, "--group-by", "type",
      "--regress", "direction",
    ]
    return Study(dir: dir, db: db, out: out, args: args, result: try Binary.run(args))
  }

  struct Failure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
  }

  func study() throws -> Study {
    let s = try Self.shared.get()
    #expect(s.result.status == 0, "stderr: \(s.result.err)")
    return s
  }

  static func table(_ url: URL) throws -> (header: [String], rows: [[String]]) {
    let records = try CSVText.parse(try String(contentsOf: url, encoding: .utf8)).map(\.fields)
    return (records.first ?? [], Array(records.dropFirst()))
  }

  @Test func everyFileIsWrittenWithItsDocumentedColumns() throws {
    let s = try study()
    let names = try FileManager.default.contentsOfDirectory(atPath: s.out.path).sorted()
    for f in [
      "abnormal_returns.csv", "car.csv", "excluded.csv", "events.csv", "caar.svg", "car_paths.svg",
      "report.html",
      "run.json",
    ] {
      #expect(names.contains(f), "missing \(f) in \(names)")
    }
    #expect(
      try Self.table(s.out.appendingPathComponent("abnormal_returns.csv")).header
        == ["event_id", "ticker", "date", "day", "return", "expected", "ar", "sar"])
    #expect(
      try Self.table(s.out.appendingPathComponent("car.csv")).header
        == ["event_id", "ticker", "window_start", "window_end", "car", "bhar", "scar", "t", "p", "outcome"])
    #expect(
      try Self.table(s.out.appendingPathComponent("excluded.csv")).header
        == ["event_id", "ticker", "exchange", "event_date", "outcome", "reason"])
    #expect(
      try Self.table(s.out.appendingPathComponent("events.csv")).header
        == [
          "event_id", "ticker", "exchange", "announced", "announced_time", "timezone", "day0", "day0_rule",
          "market",
          "outcome", "overlaps_with", "type", "direction", "description",
        ])
    let summary = try Self.table(s.out.appendingPathComponent("summary.csv")).header
    #expect(
      Array(summary.prefix(28))
        == [
          "group", "window_start", "window_end", "n", "caar", "abhar", "t_cs", "p_cs", "cda_t", "p_cda",
          "patell_z",
          "p_patell", "bmp_t", "p_bmp", "kp_t", "p_kp", "rank_z", "p_rank", "grank_t", "p_grank", "gsign_z",
          "p_gsign",
          "wilcoxon_z", "p_wilcoxon", "skew_t", "p_skew", "boot_lo", "boot_hi",
        ])
    // The N each test used follows.
    #expect(summary.contains("n_cs") && summary.contains("n_patell") && summary.contains("n_wilcoxon"))
    #expect(
      Array(try Self.table(s.out.appendingPathComponent("aar.csv")).header.prefix(6))
        == ["group", "day", "n", "aar", "caar", "caar_se"])
    #expect(
      try Self.table(s.out.appendingPathComponent("regression.csv")).header
        == ["window_start", "window_end", "term", "estimate", "se_hc1", "t", "p", "n", "r2"])
    // RFC 4180: CRLF line ends, header first.
    let raw = try String(contentsOf: s.out.appendingPathComponent("car.csv"), encoding: .utf8)
    #expect(raw.hasPrefix("event_id,ticker,window_start,window_end,car,bhar,scar,t,p,outcome\r\n"))
  }

  @Test func rowCountsMatchTheStudy() throws {
    let s = try study()
    // 7 events naming 20 (event, ticker) pairs, all usable; 3 windows; span -5..5 = 11 days.
    let car = try Self.table(s.out.appendingPathComponent("car.csv")).rows
    #expect(car.count == 20 * 3)
    #expect(car.allSatisfy { $0[9] == "ok" })
    let ar = try Self.table(s.out.appendingPathComponent("abnormal_returns.csv")).rows
    #expect(ar.count == 20 * 11)
    #expect(try Self.table(s.out.appendingPathComponent("excluded.csv")).rows.isEmpty)
    let events = try Self.table(s.out.appendingPathComponent("events.csv")).rows
    #expect(events.count == 20)
    // Day 0 per exchange: the after-close announcement of 2025-04-02 moves to the next session.
    let tariff = try #require(events.first { $0[0] == "E2025-04-02" && $0[1] == "MP" })
    #expect(tariff[6] == "2025-04-03")
    #expect(tariff[7] == "after_close")
  }

  @Test func carEqualsTheSumOfTheDailyAbnormalReturns() throws {
    let s = try study()
    let ar = try Self.table(s.out.appendingPathComponent("abnormal_returns.csv")).rows
    let car = try Self.table(s.out.appendingPathComponent("car.csv")).rows
    var checked = 0
    for row in car {
      let (event, ticker) = (row[0], row[1])
      let start = try #require(Int(row[2]))
      let end = try #require(Int(row[3]))
      let days = ar.filter { $0[0] == event && $0[1] == ticker }
        .compactMap { r -> (Int, Double, Double, Double)? in
          guard let d = Int(r[3]), let a = Double(r[6]), let ret = Double(r[4]), let e = Double(r[5]) else {
            return nil
          }
          return (d, a, ret, e)
        }
        .filter { $0.0 >= start && $0.0 <= end }
      #expect(days.count == end - start + 1)
      let sum = days.reduce(0.0) { $0 + $1.1 }
      let reported = try #require(Double(row[4]))
      #expect(
        abs(sum - reported) < 1e-12, "\(event) \(ticker) \(start):\(end): Σ AR \(sum) vs CAR \(reported)")
      // BHAR = Π(1 + R) − Π(1 + E[R]).
      let bhar = days.reduce(1.0) { $0 * (1 + $1.2) } - days.reduce(1.0) { $0 * (1 + $1.3) }
      #expect(abs(bhar - (Double(row[5]) ?? .nan)) < 1e-12)
      // AR = R − E[R] on every day.
      for d in days { #expect(abs(d.1 - (d.2 - d.3)) < 1e-15) }
      checked += 1
    }
    #expect(checked == 60)
  }

  @Test func summaryAgreesWithThePairRows() throws {
    let s = try study()
    let car = try Self.table(s.out.appendingPathComponent("car.csv")).rows
    let ar = try Self.table(s.out.appendingPathComponent("abnormal_returns.csv")).rows
    let events = try Self.table(s.out.appendingPathComponent("events.csv")).rows
    let summary = try Self.table(s.out.appendingPathComponent("summary.csv"))
    let col = Dictionary(summary.header.enumerated().map { ($1, $0) }) { a, _ in a }
    func value(_ row: [String], _ name: String) -> Double { Double(row[col[name] ?? 0]) ?? .nan }
    // Groups: all, then one per event type in sorted order, each with the study's three windows.
    let groups = summary.rows.map { $0[0] }
    #expect(
      groups
        == ["all", "type=agreement", "type=export_control", "type=subsidy", "type=tariff"].flatMap {
          [$0, $0, $0]
        })
    let typeOf = Dictionary(events.map { ("\($0[0])|\($0[1])", $0[11]) }) { a, _ in a }
    for row in summary.rows {
      let (start, end) = (row[1], row[2])
      let members = car.filter { r in
        r[2] == start && r[3] == end
          && (row[0] == "all" || "type=" + (typeOf["\(r[0])|\(r[1])"] ?? "") == row[0])
      }
      let cars = members.compactMap { Double($0[4]) }
      let bhars = members.compactMap { Double($0[5]) }
      let n = Double(cars.count)
      #expect(Int(row[3]) == cars.count)
      let mean = cars.reduce(0, +) / n
      #expect(abs(value(row, "caar") - mean) < 1e-12, "\(row[0]) \(start):\(end) CAAR")
      #expect(abs(value(row, "abhar") - bhars.reduce(0, +) / n) < 1e-12)
      if cars.count > 1 {
        // Cross-sectional t: CAAR / (sd / √N), sd with divisor N − 1.
        let sd = (cars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        #expect(abs(value(row, "t_cs") - mean / (sd / n.squareRoot())) < 1e-9)
        #expect(value(row, "p_cs") > 0 && value(row, "p_cs") < 1)
        #expect(value(row, "boot_lo") <= mean && mean <= value(row, "boot_hi"))
      }
      if row[0] == "all" {
        // Every test that needs the estimation residuals (the engine does not keep them by
        // default; the statistics recompute them) is present for the whole sample.
        for name in ["cda_t", "kp_t", "rank_z", "grank_t", "gsign_z", "kp_patell_z"] {
          #expect(value(row, name).isFinite, "\(name) missing for all \(start):\(end)")
        }
      }
    }
    // aar.csv: AAR on each day of `all` is the mean AR of that day; CAAR cumulates it.
    let aar = try Self.table(s.out.appendingPathComponent("aar.csv")).rows.filter { $0[0] == "all" }
    #expect(aar.map { $0[1] } == (-5...5).map(String.init))
    var cumulated = 0.0
    for row in aar {
      let day = row[1]
      let ars = ar.filter { $0[3] == day }.compactMap { Double($0[6]) }
      #expect(ars.count == 20)
      let mean = ars.reduce(0, +) / Double(ars.count)
      cumulated += mean
      #expect(abs((Double(row[3]) ?? .nan) - mean) < 1e-12, "AAR day \(day)")
      #expect(abs((Double(row[4]) ?? .nan) - cumulated) < 1e-12, "CAAR day \(day)")
    }
  }

  /// Reads `date → price` from a SampleData file with an ISO date in column 0.
  static func prices(_ file: String, column: Int) throws -> [(date: String, price: Double)] {
    let text = try String(contentsOfFile: Binary.sample("prices/" + file), encoding: .utf8)
    return try CSVText.parse(text).dropFirst().compactMap { r in
      guard r.fields.count > column, let p = Double(r.fields[column]) else { return nil }
      return (r.fields[0], p)
    }
  }

  @Test func marketModelARMatchesAnIndependentOLSOnTheRawPrices() throws {
    let s = try study()
    // MP (Yahoo layout, Adj Close in column 5) against SPY (Stooq layout, Close in column 4).
    let mp = try Self.prices("MP.csv", column: 5)
    let spy = Dictionary(try Self.prices("spy_us_d.csv", column: 4).map { ($0.date, $0.price) }) { a, _ in a }
    // Both series cover every NYSE session of the sample; returns on consecutive sessions.
    var dates: [String] = []
    var r: [Double] = []
    var m: [Double] = []
    for i in 1..<mp.count {
      guard let p0 = spy[mp[i - 1].date], let p1 = spy[mp[i].date] else { continue }
      dates.append(mp[i].date)
      r.append(mp[i].price / mp[i - 1].price - 1)
      m.append(p1 / p0 - 1)
    }
    let ar = try Self.table(s.out.appendingPathComponent("abnormal_returns.csv")).rows
    for (event, day0) in [
      ("E2025-06-26", "2025-06-26"), ("E2025-10-09", "2025-10-09"), ("E2023-07-03", "2023-07-03"),
    ] {
      let i0 = try #require(dates.firstIndex(of: day0))
      // Estimation window [-250, -11] relative to day 0, OLS of R on R_m.
      let est = (i0 - 250)...(i0 - 11)
      let n = Double(est.count)
      let mx = est.reduce(0.0) { $0 + m[$1] } / n
      let my = est.reduce(0.0) { $0 + r[$1] } / n
      let sxy = est.reduce(0.0) { $0 + (m[$1] - mx) * (r[$1] - my) }
      let sxx = est.reduce(0.0) { $0 + (m[$1] - mx) * (m[$1] - mx) }
      let beta = sxy / sxx
      let alpha = my - beta * mx
      for day in [-1, 0, 1] {
        let expected = alpha + beta * m[i0 + day]
        let row = try #require(ar.first { $0[0] == event && $0[1] == "MP" && $0[3] == String(day) })
        #expect(row[2] == dates[i0 + day])
        let reportedReturn = try #require(Double(row[4]))
        let reportedAR = try #require(Double(row[6]))
        #expect(abs(reportedReturn - r[i0 + day]) < 1e-12)
        #expect(abs(reportedAR - (r[i0 + day] - expected)) < 1e-10, "\(event) day \(day)")
      }
    }
  }

  @Test func reportPageIsSelfContained() throws {
    let s = try study()
    let html = try String(contentsOf: s.out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    // Readable offline: no script, no external resource, charts inline.
    #expect(!html.contains("<script"))
    #expect(!html.contains("src="))
    // The only URL is the SVG namespace name, which is never fetched.
    let urls = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
    #expect(!urls.contains("http://") && !urls.contains("https://") && !urls.contains("url("))
    #expect(html.components(separatedBy: "<svg").count - 1 == 2)
    for f in ["abnormal_returns.csv", "car.csv", "excluded.csv", "events.csv", "run.json"] {
      #expect(html.contains("href=\"\(f)\""), "no link to \(f)")
    }
    // Outcome counts and the summary table with its groups.
    #expect(html.contains("<code>ok</code></td><td class=\"num\">20</td>"))
    #expect(html.contains("<td>type=export_control</td>"))
  }

  @Test func chartsHaveLabelledAxesALineAndABandPerGroup() throws {
    let s = try study()
    let caar = try String(contentsOf: s.out.appendingPathComponent("caar.svg"), encoding: .utf8)
    #expect(caar.hasPrefix("<svg"))
    #expect(caar.contains("Event day (trading sessions relative to day 0)"))
    #expect(caar.contains(">CAAR</text>"))
    // all + 4 event types.
    #expect(caar.components(separatedBy: "<polyline").count - 1 == 5)
    #expect(caar.contains("all (N=20)"))
    #expect(caar.contains("type=export_control (N=10)"))
    #expect(caar.contains("<polygon"))
    let paths = try String(contentsOf: s.out.appendingPathComponent("car_paths.svg"), encoding: .utf8)
    #expect(paths.components(separatedBy: "<polyline").count - 1 == 8)
    // The largest |CAR(-5,5)| is MP's +25% partnership.
    let legend = try #require(paths.range(of: "E2025-07-10 MP"))
    let others = paths.range(of: "E2025-10-09")
    #expect(others == nil || legend.lowerBound < (others?.lowerBound ?? legend.lowerBound))
  }

  @Test func stdoutStaysEmptyAndProgressNeedsATerminal() throws {
    let s = try study()
    #expect(s.result.out.isEmpty)
    // stderr is a pipe here: the summary is printed, no progress lines.
    #expect(s.result.err.contains("pairs: 20"))
    #expect(!s.result.err.contains("study: "))
    let quiet = try Binary.run(s.args + ["--quiet", "--out", s.dir.appendingPathComponent("quiet").path])
    #expect(quiet.status == 0)
    #expect(quiet.out.isEmpty && quiet.err.isEmpty)
  }
}
