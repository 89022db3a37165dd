import MarketData
import Testing

@Suite struct TradingCalendarTests {
  func day(_ s: String) throws -> CivilDate { try #require(CivilDate(iso: s)) }

  @Test func newYorkHolidaysFromTablesAndRules() throws {
    let nyse = TradingCalendar(exchange: .xnys)
    #expect(!nyse.isSession(try day("2025-01-09")))  // national day of mourning (table only)
    #expect(!nyse.isSession(try day("2025-04-18")))  // Good Friday
    #expect(nyse.isSession(try day("2025-04-17")))
    // Beyond the tables the rules apply: 2027-03-26 is Good Friday (Easter 2027-03-28),
    // 2027-06-18 is Juneteenth observed (the 19th is a Saturday), 2027-11-25 is Thanksgiving.
    #expect(!nyse.isSession(try day("2027-03-26")))
    #expect(!nyse.isSession(try day("2027-06-18")))
    #expect(!nyse.isSession(try day("2027-11-25")))
    #expect(nyse.isSession(try day("2027-11-26")))
  }

  @Test func steppingAcrossWeekendsAndHolidays() throws {
    let sse = TradingCalendar(exchange: .xshg)
    // Shanghai closed 2025-10-01..08 for National Day and Mid-Autumn; 2025-09-30 is a Tuesday.
    #expect(sse.sessionOnOrAfter(try day("2025-10-01")) == (try day("2025-10-09")))
    #expect(sse.session(1, from: try day("2025-09-30")) == (try day("2025-10-09")))
    #expect(sse.session(-1, from: try day("2025-10-09")) == (try day("2025-09-30")))
    let asx = TradingCalendar(exchange: .xasx)
    #expect(!asx.isSession(try day("2025-01-27")))  // Australia Day observed (26th is a Sunday)
  }

  @Test func inferredCalendarUsesObservedDates() throws {
    let dates = try ["2025-01-02", "2025-01-03", "2025-01-07"].map(day)
    let cal = TradingCalendar(sessions: dates)
    #expect(!cal.isSession(try day("2025-01-06")))
    #expect(cal.session(1, from: try day("2025-01-03")) == (try day("2025-01-07")))
  }
}
