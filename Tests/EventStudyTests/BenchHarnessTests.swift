import EventStudy
import Foundation
import MarketData
import Testing

/// CPU seconds used by the process so far (all threads).
func cpuSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The Swift side of `Scripts/bench-study` until `market-impact ingest/study` read the store:
/// runs only when `BENCH_STUDY_DIR` names a folder holding `prices.csv` (`Date,Ticker,Close`,
/// long format) and `events.csv`; writes `swift_car.csv` there and prints the timings.
@Suite struct BenchHarnessTests {
  @Test func benchStudy() throws {
    guard let dir = ProcessInfo.processInfo.environment["BENCH_STUDY_DIR"] else { return }
    let clock = ContinuousClock()
    let t0 = clock.now
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/prices.csv")))
    var byTicker: [String: PriceSeries] = [:]
    var current: PriceSeries? = nil
    bytes.withUnsafeBufferPointer { b in
      var i = 0
      let n = b.count
      while i < n && b[i] != 10 { i += 1 }  // header
      i += 1
      while i + 11 < n {
        let ds = i
        while i < n && b[i] != 44 { i += 1 }
        var y = 0
        var mo = 0
        var d = 0
        for k in 0..<4 { y = y * 10 + Int(b[ds + k] - 48) }
        mo = Int(b[ds + 5] - 48) * 10 + Int(b[ds + 6] - 48)
        d = Int(b[ds + 8] - 48) * 10 + Int(b[ds + 9] - 48)
        i += 1
        let ts = i
        while i < n && b[i] != 44 { i += 1 }
        let ticker = String(decoding: UnsafeBufferPointer(rebasing: b[ts..<i]), as: UTF8.self)
        i += 1
        let vs = i
        while i < n && b[i] != 10 && b[i] != 13 { i += 1 }
        var value = Double.nan
        if i > vs {
          value =
            b.baseAddress.map { strtod(UnsafeRawPointer($0 + vs).assumingMemoryBound(to: CChar.self), nil) }
            ?? .nan
        }
        while i < n && (b[i] == 10 || b[i] == 13) { i += 1 }
        guard let date = CivilDate(year: y, month: mo, day: d) else { continue }
        if current?.ticker != ticker {
          if let c = current { byTicker[c.ticker] = c }
          current = byTicker[ticker] ?? PriceSeries(ticker: ticker, exchange: .xnys)
        }
        current?.dates.append(date)
        current?.close.append(value)
      }
    }
    if let c = current { byTicker[c.ticker] = c }
    let series = byTicker.values.map { s in
      PriceSeries(
        ticker: s.ticker, exchange: s.ticker == "SPY" ? .arcx : .xnys, dates: s.dates, close: s.close)
    }
    let events = try EventFile.parse(
      String(contentsOfFile: dir + "/events.csv", encoding: .utf8), file: "events.csv")
    let source = InMemoryPriceSource(series)
    let t1 = clock.now
    let c1 = cpuSeconds()
    var p = StudyParameters()
    p.windows = [EventWindow(-1, 1), EventWindow(-5, 5)]
    p.market = MarketIndexChoice(defaultTicker: "SPY")
    if let th = ProcessInfo.processInfo.environment["BENCH_THREADS"], let n = Int(th) { p.threads = n }
    let result = try EventStudy.run(events: events, prices: source, parameters: p)
    let t2 = clock.now
    let c2 = cpuSeconds()
    var out = "event_id,ticker,window,car,scar,outcome\n"
    out.reserveCapacity(result.pairs.count * 2 * 60)
    for pr in result.pairs {
      for w in pr.windows {
        out += pr.eventID + "," + pr.ticker + "," + w.window.description + ","
        out += (w.car.isNaN ? "" : String(w.car)) + "," + (w.scar.isNaN ? "" : String(w.scar)) + ","
        out += pr.outcome.code + "\n"
      }
    }
    try out.write(toFile: dir + "/swift_car.csv", atomically: false, encoding: .utf8)
    let t3 = clock.now
    func s(_ d: Duration) -> String {
      String(Double(d.components.attoseconds) / 1e18 + Double(d.components.seconds))
    }
    let ok = result.pairs.filter { $0.outcome == .ok }.count
    print(
      "BENCH pairs=\(result.pairs.count) ok=\(ok) load=\(s(t1 - t0)) compute=\(s(t2 - t1)) write=\(s(t3 - t2)) total=\(s(t3 - t0)) compute_cpu=\(c2 - c1)"
    )
  }
}
