import EventExtraction
import MarketData
import Testing

/// Hand-worked expectations. Reference Thursday 2025-06-26 (ISO week 26).
@Suite struct TemporalTaggerTests {
  let ref = CivilDate(year: 2025, month: 6, day: 26)!

  func values(_ text: String) -> [String] {
    TemporalTagger().tag(text, reference: ref).map(\.value)
  }

  func one(_ text: String) -> TimeExpression? {
    let xs = TemporalTagger().tag(text, reference: ref)
    return xs.count == 1 ? xs[0] : nil
  }

  @Test(arguments: [
    ("The ministry said on Tuesday it would act.", "2025-06-24"),  // most recent Tuesday
    ("Officials met on Thursday.", "2025-06-26"),  // the reference day itself
    ("The rule was published on Friday.", "2025-06-20"),  // past tense: last Friday
    ("The tariffs will take effect on Monday.", "2025-06-30"),  // future: next Monday
    ("Talks resume next Tuesday.", "2025-07-01"),
    ("It was signed last Wednesday.", "2025-06-25"),
    ("Beijing responded yesterday.", "2025-06-25"),
    ("The decision came today.", "2025-06-26"),
    ("A vote is due tomorrow.", "2025-06-27"),
  ])
  func weekdaysAndRelativeDays(text: String, value: String) {
    #expect(values(text) == [value], "\(text)")
  }

  @Test(arguments: [
    ("WASHINGTON, March 26 (Reuters) - The U.S. said", "2025-03-26"),
    ("on 26 March 2025 the ministry", "2025-03-26"),
    ("It was filed on March 26, 2025.", "2025-03-26"),
    ("The order is dated 2025-03-26.", "2025-03-26"),
    ("Date: 26.03.2025", "2025-03-26"),
    ("Filed 3/26/2025 in court", "2025-03-26"),
    ("BEIJING, June 27 (Reuters) -", "2025-06-27"),  // Asian dateline a day ahead of GMT
    ("On December 30 the ministry announced", "2024-12-30"),  // past-biased year
    ("le 26 mars 2025, Paris a annoncé", "2025-03-26"),
    ("am 26. März 2025 beschlossen", "2025-03-26"),
    ("el 26 de marzo de 2025", "2025-03-26"),
    ("2025年3月26日，商务部宣布", "2025-03-26"),
    ("Thu, 26 Jun 2025 14:03:00 GMT", "2025-06-26"),  // the time follows as its own expression
  ])
  func explicitDates(text: String, value: String) {
    #expect(values(text).first == value, "\(text)")
  }

  @Test(arguments: [
    ("It happened last week.", "2025-W25", TimeGranularity.week),
    ("Prices rose this week.", "2025-W26", .week),
    ("It was announced earlier this month.", "2025-06", .month),
    ("Exports fell last month.", "2025-05", .month),
    ("The rule was adopted in May.", "2025-05", .month),
    ("Tariffs rose in September.", "2024-09", .month),  // past: most recent September
    ("The deadline is in July.", "2025-07", .month),  // no tense cue: nearest July
    ("The talks will resume in September.", "2025-09", .month),
    // Reported speech: the clause after "that" has its own tense; "said" does not make it past.
    ("The ministry said that tariffs rise in September.", "2025-09", .month),
    ("He said that tariffs were raised in September.", "2024-09", .month),
    ("Officials said that in September the duties were imposed.", "2024-09", .month),
    ("China said that it will impose controls in September.", "2025-09", .month),
    ("Growth slowed last year.", "2024", .year),
    ("in the third quarter", "2024-Q3", .quarter),
    ("Q1 2025 results", "2025-Q1", .quarter),
    ("in the first half of 2025", "2025-H1", .half),
    ("this summer", "2025-SU", .season),
    ("in the spring of 2024", "2024-SP", .season),
    ("two days ago", "2025-06-24", .day),
    ("three weeks ago", "2025-W23", .week),
    ("a year ago", "2024", .year),
    ("in mid-July", "2025-07", .month),
    ("since the 1990s", "199", .decade),
    ("fiscal 2026", "2026", .year),
  ])
  func relativePeriods(text: String, value: String, granularity: TimeGranularity) {
    let x = one(text)
    #expect(x?.value == value, "\(text)")
    #expect(x?.granularity == granularity, "\(text)")
  }

  @Test(arguments: [
    ("an agreement lasting three years", "P3Y"),
    ("a 90-day pause", "P90D"),
    ("a two-year extension", "P2Y"),
    ("within 24 hours", "PT24H"),
    ("the 72-year-old minister", "P72Y"),
    ("for several years", "PXY"),
    ("a term of P3Y", "P3Y"),
  ])
  func durations(text: String, value: String) {
    let x = one(text)
    #expect(x?.value == value, "\(text)")
    #expect(x?.granularity == .duration, "\(text)")
  }

  @Test func timesWithZones() throws {
    let xs = TemporalTagger().tag("The order was signed on Tuesday at 4:30 p.m. ET.", reference: ref)
    // The time is its own expression (TimeML) and takes the weekday's date.
    #expect(xs.map(\.value) == ["2025-06-24", "2025-06-24T16:30"])
    #expect(xs.last?.text == "4:30 p.m. ET")
    let t = try #require(xs.last)
    #expect(t.minute == 16 * 60 + 30)
    #expect(t.timeZone == "America/New_York")
    let g = TemporalTagger().tag("at 10 a.m. Beijing time", reference: ref)
    #expect(g.first?.timeZone == "Asia/Shanghai")
    #expect(g.first?.minute == 600)
    let z = TemporalTagger().tag("the statement (1430 GMT)", reference: ref)
    #expect(z.first?.minute == 14 * 60 + 30)
  }

  @Test func referencesToNowAndPast() {
    #expect(values("Tariffs are currently 25%.") == ["PRESENT_REF"])
    #expect(values("The ministry recently said") == ["PAST_REF"])
  }

  @Test(arguments: [
    "We expect the ministry to act.",  // "We" is not Wednesday
    "The firm paid $27 million.",  // "$27" is not a date
    "Officials may impose new duties.",  // "may" is a modal
    "Farmers March on the capital.",  // "March" as a verb
    "Sales rose 2025 units.",  // a count, not a year
    "Prices fall when supply rises.",  // "fall" as a verb
    "He said it was the 3rd attempt.",
    "Theresa May said the deal was good.",
    "It costs €2,025 per tonne.",
  ])
  func trapsProduceNothing(text: String) {
    #expect(values(text).isEmpty, "\(text)")
  }

  @Test func spansAreUnicodeScalarOffsets() throws {
    let text = "Zölle: „Am 26. März 2025“ – dann"
    let x = try #require(TemporalTagger().tag(text, reference: ref).first)
    let scalars = Array(text.unicodeScalars)
    var s = ""
    s.unicodeScalars.append(contentsOf: scalars[x.start..<x.end])
    #expect(s == x.text)
    #expect(x.text == "26. März 2025")
    #expect(x.value == "2025-03-26")
  }

  @Test func withoutReferenceOnlyAbsoluteDatesResolve() {
    let xs = TemporalTagger().tag("On Tuesday, and on March 26, 2025, and on March 4.", reference: nil)
    #expect(xs.map(\.value) == ["XXXX-WXX-2", "2025-03-26", "XXXX-03-04"])
    #expect(xs.map { $0.date == nil } == [true, false, true])
  }

  @Test func datesCSVQuotesAndCounts() {
    let csv = ExtractionOutput.datesCSV(TemporalTagger().tag("On March 26, 2025, it rained.", reference: ref))
    #expect(csv == "start,end,text,value,granularity\n3,17,\"March 26, 2025\",2025-03-26,day\n")
  }
}
