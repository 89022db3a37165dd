import EventStudy
import Foundation
import MarketData
import Testing

/// Whole runs on synthetic prices: windows move with day 0 on each exchange's calendar, missing
/// prices stay missing, every pair gets an outcome, overlaps are flagged.
@Suite struct StudyRunTests {
  /// Prices on every session of `exchange` from 2023-06-01 through 2025-12-31, a deterministic
  /// random walk; `drop` removes the rows of some dates.
  static func walk(_ ticker: String, _ exchange: Exchange, seed: UInt64, drop: Set<CivilDate> = [])
    -> PriceSeries
  {
    let cal = TradingCalendar(exchange: exchange)
    var rng = TestRandom(seed: seed)
    var price = 100.0
    var s = PriceSeries(ticker: ticker, exchange: exchange)
    for d in cal.sessions(from: day("2023-06-01"), through: day("2025-12-31")) {
      price *= 1 + 0.01 * rng.normal()
      if !drop.contains(d) { s.append(date: d, close: price) }
    }
    return s
  }

  static func source(_ extra: [PriceSeries] = []) -> InMemoryPriceSource {
    InMemoryPriceSource(
      [
        walk("SPY", .arcx, seed: 1), walk("AAA", .xnys, seed: 2), walk("000300.SS", .xshg, seed: 3),
        walk("600111.SS", .xshg, seed: 4),
      ] + extra)
  }

  static var parameters: StudyParameters {
    var p = StudyParameters()
    p.market = MarketIndexChoice(defaultTicker: "SPY", perExchange: ["XSHG": "000300.SS"])
    return p
  }

  @Test func windowsMoveWithDayZeroOnEachCalendar() throws {
    // Tuesday 2025-06-24 20:00 New York: day 0 is Wednesday 2025-06-25 in New York and Shanghai;
    // estimation ends 11 sessions before it on each calendar (from the calendar files:
    // XNYS 2025-06-09, XSHG 2025-06-10 — the Dragon Boat holiday 2025-05-31…06-02 falls between).
    let e = StudyEvent(
      id: "E1", date: day("2025-06-24"), minute: 20 * 60, timeZone: "America/New_York",
      tickers: ["AAA", "600111.SS"])
    let r = try EventStudy.run(events: [e], prices: Self.source(), parameters: Self.parameters)
    #expect(r.pairs.count == 2)
    let us = r.pairs[0]
    let cn = r.pairs[1]
    #expect(us.outcome == .ok)
    #expect(cn.outcome == .ok)
    #expect(us.day0 == day("2025-06-25"))
    #expect(us.day0Rule == .afterClose)
    #expect(cn.day0 == day("2025-06-25"))
    #expect(cn.day0Rule == .sameSession)
    #expect(us.exchange == "XNYS")
    #expect(cn.exchange == "XSHG")
    #expect(us.marketTicker == "SPY")
    #expect(cn.marketTicker == "000300.SS")
    #expect(us.estimation?.dates.last == day("2025-06-09"))
    #expect(us.estimation?.dates.first == day("2024-06-25"))
    #expect(cn.estimation?.dates.last == day("2025-06-10"))
    #expect(cn.estimation?.dates.first == day("2024-06-13"))
    #expect(us.estimation?.l1 == 240)
    #expect(us.daily.count == 11)
    #expect(us.daily(at: 5)?.date == day("2025-07-02"))
    #expect(cn.daily(at: 5)?.date == day("2025-07-02"))
  }

  @Test func saturdayEventMovesTheWholeWindow() throws {
    let e = StudyEvent(id: "E1", date: day("2025-04-05"), tickers: ["AAA"])
    var p = Self.parameters
    let next = try EventStudy.run(events: [e], prices: Self.source(), parameters: p).pairs[0]
    #expect(next.day0 == day("2025-04-07"))
    #expect(next.day0Rule == .nonTradingNext)
    #expect(next.estimation?.dates.last == day("2025-03-21"))  // XNYS file: 11 sessions before 04-07
    #expect(next.estimation?.dates.first == day("2024-04-08"))
    p.nonTrading = .previous
    let prev = try EventStudy.run(events: [e], prices: Self.source(), parameters: p).pairs[0]
    #expect(prev.day0 == day("2025-04-04"))
    #expect(prev.estimation?.dates.last == day("2025-03-20"))
    p.nonTrading = .skip
    let skip = try EventStudy.run(events: [e], prices: Self.source(), parameters: p).pairs[0]
    #expect(skip.outcome == .nonTradingSkipped)
    p.nonTrading = .error
    #expect(throws: EventStudyError.self) {
      _ = try EventStudy.run(events: [e], prices: Self.source(), parameters: p)
    }
  }

  @Test func missingPricesAreMissingNotZero() throws {
    // BBB has no row on 2025-03-03 (inside the estimation window of a 2025-06-24 event) and none
    // on 2025-06-25 (day +1). The 03-03 return is missing, and the 03-04 return would span two
    // sessions: excluded too. L1 = 240 − 2 = 238. The (0,0) window is complete, (−1,1) is not.
    let bbb = Self.walk("BBB", .xnys, seed: 5, drop: [day("2025-03-03"), day("2025-06-25")])
    let e = StudyEvent(id: "E1", date: day("2025-06-24"), tickers: ["BBB", "AAA"])
    let r = try EventStudy.run(events: [e], prices: Self.source([bbb]), parameters: Self.parameters)
    let b = r.pairs[0]
    #expect(b.outcome == .missingEventData)
    #expect(b.estimation?.l1 == 238)
    #expect(b.gapReturnsExcluded == 1)
    #expect(b.detail.contains("τ=+1"))
    #expect(b.result(for: EventWindow(0, 0))?.complete == true)
    #expect(b.result(for: EventWindow(-1, 1))?.complete == false)
    #expect(b.result(for: EventWindow(-1, 1))?.car.isNaN == true)
    let d1 = try #require(b.daily(at: 1))
    #expect(d1.ret.isNaN)
    let d2 = try #require(b.daily(at: 2))
    #expect(d2.ret.isNaN)  // multi-session return after the gap
    let resid = try #require(r.estimationResiduals(ofPair: 0))
    #expect(resid.residuals.count == 240)
    #expect(resid.dates.count == 240)
    #expect(resid.residuals.filter(\.isNaN).count == 2)
    // Residuals of an OLS fit with an intercept sum to zero over the valid sessions.
    #expect(abs(resid.residuals.filter { !$0.isNaN }.reduce(0, +)) < 1e-12)
    // Stored residuals equal the recomputed ones.
    var keep = Self.parameters
    keep.keepEstimationResiduals = true
    let stored = try EventStudy.run(events: [e], prices: Self.source([bbb]), parameters: keep)
    let storedResid = try #require(stored.pairs[0].estimation?.residuals)
    #expect(storedResid.count == 240)
    for (a, b) in zip(storedResid, resid.residuals) { #expect(a == b || (a.isNaN && b.isNaN)) }
    // The other security in the same event is unaffected.
    #expect(r.pairs[1].outcome == .ok)
  }

  @Test func everyPairGetsAnOutcome() throws {
    let short = Self.walk(
      "NEW", .xnys, seed: 6,
      drop: Set(
        TradingCalendar(exchange: .xnys).sessions(
          from: day("2023-06-01"), through: day("2025-03-01"))))
    let events = [
      StudyEvent(id: "ok", date: day("2025-06-24"), tickers: ["AAA"]),
      StudyEvent(id: "nodata", date: day("2025-06-24"), tickers: ["ZZZZ"]),
      StudyEvent(id: "nodate", date: nil, tickers: ["AAA"]),
      StudyEvent(id: "late", date: day("2026-03-02"), tickers: ["AAA"]),
      StudyEvent(id: "early", date: day("2023-01-03"), tickers: ["AAA"]),
      StudyEvent(id: "young", date: day("2025-06-24"), tickers: ["NEW"]),
      StudyEvent(
        id: "nomarket", date: day("2025-06-24"), tickers: ["AAA"], attributes: [("market", "NOPE")]),
      StudyEvent(id: "noticker", date: day("2025-06-24"), tickers: []),
      StudyEvent(id: "edge", date: day("2025-12-29"), tickers: ["AAA"]),
    ]
    let r = try EventStudy.run(events: events, prices: Self.source([short]), parameters: Self.parameters)
    let outcomes = r.pairs.map(\.outcome)
    #expect(
      outcomes == [
        .ok, .noPrices, .unresolvedDate, .eventOutsideData, .eventOutsideData, .insufficientEstimation,
        .noMarket,
        .noTicker, .missingEventData,
      ])
    #expect(r.pairs.allSatisfy { !$0.detail.isEmpty || $0.outcome == .ok })
    #expect(r.outcomeCounts.first { $0.outcome == .eventOutsideData }?.count == 2)
    // "young" has ~80 returns before day 0: fewer than 100.
    #expect(r.pairs[5].detail.contains("required"))
  }

  @Test func overlappingEventsAreFlagged() throws {
    // Three events for AAA: 2025-06-24, three sessions later (06-27), and 2025-03-03, inside the
    // estimation windows of the first two. Windows span −5…+5: the first two overlap.
    let events = [
      StudyEvent(id: "A", date: day("2025-06-24"), tickers: ["AAA"]),
      StudyEvent(id: "B", date: day("2025-06-27"), tickers: ["AAA"]),
      StudyEvent(id: "C", date: day("2025-03-03"), tickers: ["AAA"]),
    ]
    let r = try EventStudy.run(events: events, prices: Self.source(), parameters: Self.parameters)
    #expect(r.pairs[0].overlapsWith == ["B"])
    #expect(r.pairs[1].overlapsWith == ["A"])
    #expect(r.pairs[2].overlapsWith.isEmpty)
    #expect(r.pairs[0].estimationContainsEvents == ["C"])
    #expect(r.pairs[2].estimationContainsEvents.isEmpty)
  }

  @Test func priceRowsOnNonSessionsAreIgnoredAndReported() throws {
    var s = Self.walk("HOL", .xnys, seed: 7)
    // Insert a row on Saturday 2025-03-01 between 02-28 and 03-03.
    let i = try #require(s.index(of: day("2025-03-03")))
    s.dates.insert(day("2025-03-01"), at: i)
    for kp in [\PriceSeries.open, \.high, \.low, \.adjustedClose, \.volume] {
      s[keyPath: kp].insert(.nan, at: i)
    }
    s.close.insert(1.0, at: i)
    let e = StudyEvent(id: "E", date: day("2025-06-24"), tickers: ["HOL"])
    let pair = try EventStudy.run(events: [e], prices: Self.source([s]), parameters: Self.parameters).pairs[0]
    #expect(pair.outcome == .ok)
    #expect(pair.estimation?.l1 == 240)
    #expect(pair.detail.contains("non-sessions ignored"))
  }

  @Test func resultsDoNotDependOnThreadCount() throws {
    let events = (0..<30).map { i in
      StudyEvent(
        id: "E\(i)", date: day("2025-01-02").adding(days: 7 * i), tickers: ["AAA", "600111.SS", "ZZZ"])
    }
    var p = Self.parameters
    p.threads = 1
    let one = try EventStudy.run(events: events, prices: Self.source(), parameters: p)
    p.threads = 0
    let many = try EventStudy.run(events: events, prices: Self.source(), parameters: p)
    #expect(one.pairs.map(\.outcome) == many.pairs.map(\.outcome))
    for (a, b) in zip(one.pairs, many.pairs) {
      #expect(a.windows == b.windows)
      #expect(a.daily == b.daily)
    }
  }
}

/// Log returns and the calendar inferred from the market index.
@Suite struct StudyOptionTests {
  @Test func logReturnsAreLog1pOfSimpleReturns() throws {
    // Running with --returns log on simple returns must equal running with simple returns on
    // series whose returns are already ln(1 + R); BHAR becomes exp ΣR − exp ΣE.
    let d = ModelArithmeticTests.dates
    let m = ModelArithmeticTests.market
    let y = ModelArithmeticTests.stock
    let events = [StudyEvent(id: "E1", date: day("2025-01-14"), tickers: ["AAA"])]
    var p = StudyParameters()
    p.estimation = (-6, -2)
    p.minimumEstimationReturns = 3
    p.windows = [EventWindow(-1, 1)]
    var logP = p
    logP.returnKind = .log
    let a = try EventStudy.run(
      events: events,
      prices: InMemoryPriceSource([
        returnSeries("SPY", .arcx, dates: d, returns: m), returnSeries("AAA", dates: d, returns: y),
      ]), parameters: logP
    ).pairs[0]
    let b = try EventStudy.run(
      events: events,
      prices: InMemoryPriceSource([
        returnSeries("SPY", .arcx, dates: d, returns: m.map { log1p($0) }),
        returnSeries("AAA", dates: d, returns: y.map { log1p($0) }),
      ]), parameters: p
    ).pairs[0]
    #expect(a.outcome == .ok)
    #expect(near(a.windows[0].car, b.windows[0].car, 1e-14))
    #expect(near(a.windows[0].scar, b.windows[0].scar, 1e-12))
    let sumR = (-1...1).compactMap { a.daily(at: $0)?.ret }.reduce(0, +)
    let sumE = (-1...1).compactMap { a.daily(at: $0)?.expected }.reduce(0, +)
    #expect(near(a.windows[0].bhar, exp(sumR) - exp(sumE), 1e-14))
  }

  @Test func calendarInferredFromTheMarketIndex() throws {
    // The index has no row on Wednesday 2025-06-25: with the inferred calendar that day is not a
    // session, so an event dated 06-25 moves to 06-26 (policy next), while on the built-in XNYS
    // calendar 06-25 is day 0 and AAA's return that day has no market return (missing_event_data).
    let drop: Set<CivilDate> = [day("2025-06-25")]
    let spy = StudyRunTests.walk("SPY", .arcx, seed: 1, drop: drop)
    let source = InMemoryPriceSource([spy, StudyRunTests.walk("AAA", .xnys, seed: 2)])
    let e = StudyEvent(id: "E", date: day("2025-06-25"), tickers: ["AAA"])
    var p = StudyParameters()
    p.calendar = .inferredFromMarket
    let inferred = try EventStudy.run(events: [e], prices: source, parameters: p).pairs[0]
    #expect(inferred.day0 == day("2025-06-26"))
    #expect(inferred.day0Rule == .nonTradingNext)
    p.calendar = .exchange
    let builtIn = try EventStudy.run(events: [e], prices: source, parameters: p).pairs[0]
    #expect(builtIn.day0 == day("2025-06-25"))
    #expect(builtIn.outcome == .missingEventData)
  }
}
