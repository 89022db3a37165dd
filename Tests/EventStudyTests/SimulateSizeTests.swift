import Dispatch
import EventStudy
import Foundation
import MarketData
import Testing

/// Monte-Carlo size and power of every aggregate test, run by `Scripts/simulate-size` and skipped
/// unless `MI_SIMULATE=1`. Each replication simulates N = 50 securities on 272 XNYS sessions with
/// R_m ~ N(0.0003, 0.01²), R_it = β_i R_mt + ε_it, β_i ~ U(0.5, 1.5), ε_it = 0.02(√ρ c_t + √(1 − ρ) e_it)
/// with a common shock c_t (ρ = 0: iid; ρ = 0.05: equicorrelated), all 50 events on the same day
/// (clustered, so residual correlation matters), optionally +1% added to every stock's day-0
/// return. The real engine (`EventStudy.run`, market model, estimation [−250, −11]) and
/// `StudyStatistics.summarize` (999 bootstrap draws) run on each sample; the table gives the share
/// of replications rejecting at 5% (bootstrap: the 95% interval excludes 0).
/// `MI_SIMULATE_REPS` (default 1000) sets the replications; `MI_SIMULATE_OUT` a file for the table.
@Suite struct SimulateSize {
  static let enabled = ProcessInfo.processInfo.environment["MI_SIMULATE"] == "1"

  struct Scenario: Sendable {
    var name: String
    var rho: Double
    var effect: Double
  }

  static let testNames = [
    "cross-sectional t", "CDA (Brown-Warner)", "Patell Z", "BMP", "KP-adjusted BMP", "KP-adjusted Patell",
    "Corrado rank", "GRANK", "generalized sign", "Wilcoxon", "skew-adjusted t", "bootstrap CI",
  ]

  static func rejections(_ w: WindowSummary) -> [Bool] {
    let t = w.tests
    let tests = [
      t.crossSectional, t.crudeDependence, t.patell, t.bmp, t.kpBMP, t.kpPatell, t.corrado, t.grank,
      t.generalizedSign, t.wilcoxon, t.skewnessAdjusted,
    ]
    return tests.map { $0.p < 0.05 } + [w.bootstrapLow > 0 || w.bootstrapHigh < 0]
  }

  static func replicate(_ s: Scenario, rep: Int, sessions: [CivilDate]) throws -> [[Bool]] {
    var rng = TestRandom(
      seed: 0x5EED_0000 &+ UInt64(rep) &* 7919 &+ UInt64(s.rho * 1000) &* 31 &+ UInt64(s.effect * 1e4))
    let n = 50
    let day0 = 260
    let market = sessions.map { _ in 0.0003 + 0.01 * rng.normal() }
    let common = sessions.map { _ in rng.normal() }
    var series = [PriceSeries(ticker: "MKT", exchange: .arcx, dates: sessions, returns: market)]
    for i in 0..<n {
      let beta = 0.5 + rng.uniform()
      var r = [Double](repeating: 0, count: sessions.count)
      for t in sessions.indices {
        let e = 0.02 * (s.rho.squareRoot() * common[t] + (1 - s.rho).squareRoot() * rng.normal())
        r[t] = beta * market[t] + e
      }
      r[day0] += s.effect
      series.append(PriceSeries(ticker: "S\(i)", exchange: .xnys, dates: sessions, returns: r))
    }
    let events = [StudyEvent(id: "E", date: sessions[day0], tickers: (0..<n).map { "S\($0)" })]
    var p = StudyParameters()
    p.market = MarketIndexChoice(defaultTicker: "MKT")
    p.windows = [EventWindow(0, 0), EventWindow(-1, 1)]
    p.threads = 1
    let result = try EventStudy.run(events: events, prices: InMemoryPriceSource(series), parameters: p)
    let summary = StudyStatistics.summarize(result, groupBy: [], seed: UInt64(rep))
    return (summary.group("all")?.windows ?? []).map(rejections)
  }

  @Test(.enabled(if: enabled)) func table() throws {
    let env = ProcessInfo.processInfo.environment
    let reps = Int(env["MI_SIMULATE_REPS"] ?? "") ?? 1000
    let sessions = Array(
      TradingCalendar(exchange: .xnys).sessions(from: day("2023-01-03"), through: day("2024-12-31")).prefix(
        272))
    let scenarios = [
      Scenario(name: "size iid", rho: 0, effect: 0), Scenario(name: "size rho=.05", rho: 0.05, effect: 0),
      Scenario(name: "power iid", rho: 0, effect: 0.01),
      Scenario(name: "power rho=.05", rho: 0.05, effect: 0.01),
    ]
    // counts[scenario][window][test]
    var columns: [(String, [Double])] = []
    for s in scenarios {
      let results = UnsafeMutableBufferPointer<[[Bool]]>.allocate(capacity: reps)
      results.initialize(repeating: [])
      defer { results.deallocate() }
      let out = ResultSlots(results)
      DispatchQueue.concurrentPerform(iterations: reps) { rep in
        out.buffer[rep] = (try? Self.replicate(s, rep: rep, sessions: sessions)) ?? []
      }
      for (wi, w) in ["(0,0)", "(-1,1)"].enumerated() {
        var rate = [Double](repeating: 0, count: Self.testNames.count)
        var used = 0
        for r in results where r.count == 2 {
          used += 1
          for (k, x) in r[wi].enumerated() where x { rate[k] += 1 }
        }
        columns.append(("\(s.name) \(w)", rate.map { $0 / Double(max(used, 1)) * 100 }))
      }
    }
    var text =
      "Rejection rates at 5% (%), \(reps) replications, N = 50 pairs per sample, clustered event day\n"
    text += "test".padding(toLength: 20, withPad: " ", startingAt: 0)
    for c in columns { text += " | " + c.0.padding(toLength: 20, withPad: " ", startingAt: 0) }
    text += "\n"
    for (k, name) in Self.testNames.enumerated() {
      text += name.padding(toLength: 20, withPad: " ", startingAt: 0)
      for c in columns {
        let v = String(format: "%5.1f", c.1[k])
        text += " | " + v.padding(toLength: 20, withPad: " ", startingAt: 0)
      }
      text += "\n"
    }
    print(text)
    if let path = env["MI_SIMULATE_OUT"] { try text.write(toFile: path, atomically: true, encoding: .utf8) }
  }
}

/// Lets concurrent replications write their own slot.
struct ResultSlots: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<[[Bool]]>
  init(_ b: UnsafeMutableBufferPointer<[[Bool]]>) { buffer = b }
}
