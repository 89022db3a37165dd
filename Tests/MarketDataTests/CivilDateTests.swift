import MarketData
import Testing

@Suite struct CivilDateTests {
  @Test func epochAndKnownDays() throws {
    // 1970-01-01 is day 0; 2000-03-01 is day 11017 (30 years incl. 7 leap days + Jan + Feb 2000).
    #expect(CivilDate(year: 1970, month: 1, day: 1)?.dayNumber == 0)
    #expect(CivilDate(year: 2000, month: 3, day: 1)?.dayNumber == 11017)
    #expect(CivilDate(year: 1969, month: 12, day: 31)?.dayNumber == -1)
    // 2025-06-26 = 20,265 days after the epoch (55 years × 365 + 14 leap days + 176 days).
    #expect(CivilDate(year: 2025, month: 6, day: 26)?.dayNumber == Int32(55 * 365 + 14 + 176))
  }

  @Test func roundTripsEveryDayOfFourCenturies() throws {
    var d = try #require(CivilDate(year: 1900, month: 1, day: 1))
    let end = try #require(CivilDate(year: 2300, month: 1, day: 1))
    while d < end {
      let (y, m, dd) = d.components
      #expect(CivilDate(year: y, month: m, day: dd) == d)
      d = d.adding(days: 1)
    }
  }

  @Test func weekdaysAndInvalidDates() throws {
    #expect(CivilDate(year: 2025, month: 6, day: 26)?.weekday == 4)  // a Thursday
    #expect(CivilDate(year: 2025, month: 4, day: 5)?.isWeekend == true)  // a Saturday
    #expect(CivilDate(year: 2025, month: 2, day: 29) == nil)
    #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
    #expect(CivilDate(iso: "2025-06-26")?.iso == "2025-06-26")
    #expect(CivilDate(iso: "20250626")?.iso == "2025-06-26")
    #expect(CivilDate(iso: "2025-6-26") == nil)
  }
}
