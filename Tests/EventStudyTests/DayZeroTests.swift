import EventStudy
import MarketData
import Testing

/// Day-0 alignment across exchanges, time zones, weekends, holidays and after-close announcements.
/// Session facts checked against ../shared/data/calendars (XNYS, XSHG, XTKS, XASX, XLON, XHKG).
@Suite struct DayZeroTests {
  func place(
    _ date: String, _ time: String? = nil, zone: String? = nil, on exchange: Exchange,
    policy: NonTradingPolicy = .next
  ) -> DayZeroPlacement {
    var dz = DayZero()
    return dz.place(
      date: day(date), minute: time.flatMap(EventFile.parseClock), zone: zone, exchange: exchange,
      calendar: TradingCalendar(exchange: exchange), policy: policy)
  }

  @Test func usEveningIsNextShanghaiMorningAndNextNewYorkSession() {
    // Tuesday 2025-06-24 20:00 EDT (UTC−4) = 2025-06-25 00:00 UTC = Wednesday 08:00 in Shanghai
    // (UTC+8), before the 15:00 close: Wednesday is day 0 in Shanghai. In New York 20:00 is after
    // the 16:00 close: the next session, Wednesday.
    #expect(
      place("2025-06-24", "20:00", zone: "America/New_York", on: .xshg)
        == .session(day("2025-06-25"), .sameSession))
    #expect(
      place("2025-06-24", "20:00", zone: "America/New_York", on: .xnys)
        == .session(day("2025-06-25"), .afterClose))
    // Sydney is UTC+10 in June: 2025-06-25 10:00, the open, still day 0 there.
    #expect(
      place("2025-06-24", "20:00", zone: "America/New_York", on: .xasx)
        == .session(day("2025-06-25"), .sameSession))
    // The same moment seen in Hong Kong: 08:00 Wednesday.
    #expect(
      place("2025-06-24", "20:00", zone: "America/New_York", on: .xhkg)
        == .session(day("2025-06-25"), .sameSession))
  }

  @Test func beforeOpenAndDuringSessionStayOnTheDay() {
    #expect(place("2025-06-24", "08:00", on: .xnys) == .session(day("2025-06-24"), .sameSession))
    #expect(place("2025-06-24", "15:59", on: .xnys) == .session(day("2025-06-24"), .sameSession))
    #expect(place("2025-06-24", "16:00", on: .xnys) == .session(day("2025-06-25"), .afterClose))
    // No time of day: the date's own session.
    #expect(place("2025-06-24", on: .xnys) == .session(day("2025-06-24"), .sameSession))
  }

  @Test func londonCloseFollowsSummerTime() {
    // 15:45 UTC is 16:45 BST in June (after the 16:30 close) but 15:45 GMT in January (before it).
    #expect(place("2025-06-24", "15:45", zone: "UTC", on: .xlon) == .session(day("2025-06-25"), .afterClose))
    #expect(place("2025-01-14", "15:45", zone: "UTC", on: .xlon) == .session(day("2025-01-14"), .sameSession))
  }

  @Test func tokyoCloseMovedTo1530() {
    // 15:15 Tokyo on Friday 2024-11-01 was after the 15:00 close; Monday 2024-11-04 was a holiday
    // (Culture Day observed), so day 0 is Tuesday 2024-11-05. From 2024-11-05 the close is 15:30.
    #expect(place("2024-11-01", "15:15", on: .xtks) == .session(day("2024-11-05"), .afterClose))
    #expect(place("2024-11-05", "15:15", on: .xtks) == .session(day("2024-11-05"), .sameSession))
  }

  @Test func weekendsAndHolidaysFollowThePolicy() {
    // Saturday 2025-04-05.
    #expect(place("2025-04-05", on: .xnys) == .session(day("2025-04-07"), .nonTradingNext))
    #expect(
      place("2025-04-05", on: .xnys, policy: .previous) == .session(day("2025-04-04"), .nonTradingPrevious))
    #expect(place("2025-04-05", on: .xnys, policy: .skip) == .skipped(localDate: day("2025-04-05")))
    #expect(place("2025-04-05", on: .xnys, policy: .error) == .nonTrading(localDate: day("2025-04-05")))
    // NYSE closed 2025-01-09 (national day of mourning).
    #expect(place("2025-01-09", on: .xnys) == .session(day("2025-01-10"), .nonTradingNext))
    // Shanghai's National Day week: closed 2025-10-01…08.
    #expect(place("2025-10-01", on: .xshg) == .session(day("2025-10-09"), .nonTradingNext))
    // A Friday-evening New York announcement is Saturday morning in Shanghai: non-trading → Monday.
    #expect(
      place("2025-06-27", "20:00", zone: "America/New_York", on: .xshg)
        == .session(day("2025-06-30"), .nonTradingNext))
  }

  @Test func unknownZoneIsUnresolved() {
    if case .unresolved = place("2025-06-24", "10:00", zone: "Mars/Olympus", on: .xnys) {
    } else {
      Issue.record("an unknown zone must leave the date unresolved")
    }
  }

  @Test func conversionCrossesTheDateLine() throws {
    var dz = DayZero()
    let converted = dz.convert(
      date: day("2025-01-14"), minute: 23 * 60 + 30, from: "Australia/Sydney", to: "America/New_York")
    let converted2 = dz.convert(
      date: day("2025-01-14"), minute: 20 * 60, from: "America/New_York", to: "Asia/Shanghai")
    // 2025-01-14 23:30 in Sydney (UTC+11, summer) = 12:30 UTC = 07:30 in New York (UTC−5).
    let r = try #require(converted)
    #expect(r.date == day("2025-01-14"))
    #expect(r.minute == 7 * 60 + 30)
    // 2025-01-14 20:00 New York = 2025-01-15 01:00 UTC = 09:00 Shanghai.
    let s = try #require(converted2)
    #expect(s.date == day("2025-01-15"))
    #expect(s.minute == 9 * 60)
  }
}
