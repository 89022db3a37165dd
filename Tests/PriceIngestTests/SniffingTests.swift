import MarketData
import Testing

@testable import PriceIngest

@Suite struct SniffingTests {
  @Test func investingComBOMQuotedSuffixesNewestFirst() throws {
    let text =
      "\u{FEFF}\"Date\",\"Price\",\"Open\",\"High\",\"Low\",\"Vol.\",\"Change %\"\n"
      + "\"04/30/2025\",\"3,279.03\",\"3,286.65\",\"3,290.00\",\"3,270.10\",\"43.58B\",\"-0.23%\"\n"
      + "\"04/29/2025\",\"3,286.65\",\"3,280.00\",\"3,295.50\",\"3,275.00\",\"1.5M\",\"0.10%\"\n"
      + "\"04/28/2025\",\"3,283.37\",\"3,270.00\",\"3,290.00\",\"3,260.00\",\"\",\"0.05%\"\n"
    let f = try load(text, name: "000300.csv")
    let s = try #require(f.series.first)
    #expect(s.dates == [day("2025-04-28"), day("2025-04-29"), day("2025-04-30")])
    #expect(s.close == [3283.37, 3286.65, 3279.03])
    #expect(s.open == [3270.0, 3280.0, 3286.65])
    #expect(s.volume[0].isNaN)
    #expect(s.volume[1] == 1_500_000)
    #expect(s.volume[2] == 43_580_000_000)
    #expect(f.dialect.contains("BOM"))
    #expect(f.findings.contains { $0.kind == "newest_first" })
  }

  @Test func yfinanceTimestampsWithOffsets() throws {
    let f = try load(
      """
      Date,Open,High,Low,Close,Volume,Dividends,Stock Splits
      2020-06-22 00:00:00-04:00,9.9,10.0,9.9,10.0,1600,0.0,0.0
      2020-06-23 00:00:00-04:00,10.0,10.075,9.91,9.91,1100,0.0,0.0
      """, name: "MP.csv")
    let s = try #require(f.series.first)
    #expect(s.dates == [day("2020-06-22"), day("2020-06-23")])
    #expect(s.close == [10.0, 9.91])
  }

  @Test func yahooWebTableCopyWithIndexMonthNamesStarsAndFootnote() throws {
    let f = try load(
      """
      ,Date,Open,High,Low,Close*,Adj Close**,Volume
      0,"Dec 24, 2020",131.32,133.46,131.10,131.97,130.61,"54,930,100"
      1,"Dec 23, 2020",132.16,132.43,130.78,130.96,129.61,"88,223,700"
      2,"*Close price adjusted for splits.**Adjusted close price adjusted for splits and dividend and/or capital gain distributions.",,,,,,
      """, name: "AAPL.csv")
    let s = try #require(f.series.first)
    #expect(s.dates == [day("2020-12-23"), day("2020-12-24")])
    #expect(s.close == [130.96, 131.97])
    #expect(s.adjustedClose == [129.61, 130.61])
    #expect(s.volume == [88_223_700, 54_930_100])
    #expect(f.rejects.count == 1)
    #expect(f.rejects.first?.line == 4)
    #expect(f.rowsRead == 3)
  }

  @Test func alphaVantageAdjustedCloseNewestFirst() throws {
    let f = try load(
      """
      timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient
      2024-03-01,15.35,15.615,14.91,15.47,15.47,2187767,0.0000,1.0
      2024-02-29,15.55,15.75,15.16,15.21,15.21,2130228,0.0000,1.0
      """, name: "MP.csv")
    let s = try #require(f.series.first)
    #expect(s.adjustedClose == [15.21, 15.47])
    #expect(s.referencePrice == [15.21, 15.47])
  }

  @Test func fredBlankHolidayIsRejectedWithReason() throws {
    let f = try load(
      """
      observation_date,DGS10
      2024-01-12,3.94
      2024-01-15,
      2024-01-16,4.06
      """, name: "DGS10.csv")
    let s = try #require(f.series.first)
    #expect(s.ticker == "DGS10")
    #expect(s.dates == [day("2024-01-12"), day("2024-01-16")])
    #expect(s.close == [3.94, 4.06])
    #expect(f.rejects.count == 1)
    #expect(f.rejects.first?.line == 3)
    #expect(f.rowsRead == f.rowsStored + f.rejects.count)
  }

  @Test func crspReturnsWithLetterCodes() throws {
    let f = try load(
      """
      PERMNO,date,RET
      10001,20240102,0.012
      10001,20240103,C
      10001,20240104,-0.004
      10002,20240102,B
      10002,20240103,0.1
      10002,20240104,-99.0
      """, name: "crsp.csv")
    #expect(f.series.map(\.ticker) == ["10001", "10002"])
    #expect(f.series[0].returns == [0.012, -0.004])
    #expect(f.series[0].isReturnSeries)
    #expect(f.series[1].returns == [0.1])
    #expect(f.rejects.map(\.line) == [3, 5, 7])
    #expect(f.rejects[0].reason.contains("no valid previous price"))
    #expect(f.rowsRead == 6)
  }

  @Test func headerlessExchangeDumpWithCompactDates() throws {
    let f = try load(
      """
      BHP,20240301,45.10,45.60,44.90,45.50,5400000
      RIO,20240301,120.00,121.50,119.80,121.00,1200000
      """, name: "asx_20240301.txt",
      options: {
        var o = IngestOptions(); o.exchange = .xasx; return o
      }())
    #expect(f.series.map(\.ticker) == ["BHP.AX", "RIO.AX"])
    #expect(f.series[0].open == [45.10])
    #expect(f.series[0].close == [45.50])
    #expect(f.series[1].volume == [1_200_000])
    #expect(f.dialect.contains("no header"))
    #expect(f.rowsRead == 2)
  }

  @Test func germanSemicolonDecimalCommaDottedDatesBOM() throws {
    let text =
      "\u{FEFF}Datum;Eröffnung;Hoch;Tief;Schluss;Volumen\r\n"
      + "28.10.2021;87,669;88,1;86,9;87,4;1.234.567\r\n"
      + "29.10.2021;87,4;89,0;87,1;88,75;998.000\r\n"
    let f = try load(text, name: "SAP.DE.csv")
    let s = try #require(f.series.first)
    #expect(s.dates == [day("2021-10-28"), day("2021-10-29")])
    #expect(s.open == [87.669, 87.4])
    #expect(s.close == [87.4, 88.75])
    #expect(s.volume == [1_234_567, 998_000])
    #expect(f.dialect.contains("decimal comma"))
    #expect(f.dialect.contains("';'"))
    #expect(f.dialect.contains("CRLF"))
  }

  @Test func chineseVendorWithPreambleLine() throws {
    let f = try load(
      """
      数据来源：某某数据，仅供参考
      股票代码,股票名称,交易日期,开盘价,最高价,最低价,收盘价,成交量
      600111,北方稀土,2024-03-01,20.10,20.55,19.98,20.40,35123400
      600111,北方稀土,2024-03-04,20.40,20.90,20.30,20.85,41000000
      """, name: "cn.csv")
    let s = try #require(f.series.first)
    #expect(s.ticker == "600111")
    #expect(s.exchange == .xshg)
    #expect(s.close == [20.40, 20.85])
    #expect(s.open == [20.10, 20.40])
    #expect(s.name == "北方稀土")
    #expect(f.dialect.contains("1 preamble line"))
    #expect(f.dialect.contains("header line 2"))
  }

  @Test func famaFrenchPreamblePercentPaddingCRLFFooter() throws {
    let text =
      "This file was created by using the 202509 CRSP database.\r\n"
      + "The Tbill return is the simple daily rate that, over the number of trading days\r\n"
      + "\r\n"
      + ",Mkt-RF,SMB,HML,RF\r\n"
      + "19260701,    0.09,   -0.25,   -0.27,    0.01\r\n"
      + "19260702,    0.45,   -0.33,   -0.06,    0.01\r\n"
      + "\r\n"
      + " Copyright 2025 Eugene F. Fama and Kenneth R. French\r\n"
    let f = try load(text, name: "F-F_Research_Data_Factors_daily.csv")
    #expect(f.series.map(\.ticker) == ["Mkt-RF", "SMB", "HML", "RF"])
    let mkt = f.series[0]
    #expect(mkt.isReturnSeries)
    #expect(mkt.dates == [day("1926-07-01"), day("1926-07-02")])
    #expect(abs(mkt.returns[0] - 0.0009) < 1e-15)
    #expect(abs(mkt.returns[1] - 0.0045) < 1e-15)
    #expect(abs(f.series[2].returns[0] + 0.0027) < 1e-15)
    #expect(f.dialect.contains("returns in percent"))
    #expect(f.dialect.contains("header line 4"))
    // The footer is refused once per series column, with its line.
    #expect(f.rejects.allSatisfy { $0.line == 8 })
    #expect(f.rowsRead == f.rowsStored + f.rejects.count)
  }

  @Test func dayMonthDecidedByComponentOver12() throws {
    let f = try load("Date,Close\n01/02/2024,10\n13/02/2024,11\n", name: "X.csv")
    #expect(f.series[0].dates == [day("2024-02-01"), day("2024-02-13")])
    let g = try load("Date,Close\n02/01/2024,10\n02/13/2024,11\n", name: "X.csv")
    #expect(g.series[0].dates == [day("2024-02-01"), day("2024-02-13")])
  }

  @Test func ambiguousDayMonthDecidedBySequence() throws {
    // Daily rows 2024-03-04..2024-03-08 written D/M: read M/D they would jump by months.
    let f = try load(
      "Date,Close\n04/03/2024,1\n05/03/2024,2\n06/03/2024,3\n07/03/2024,4\n08/03/2024,5\n", name: "X.csv")
    #expect(f.series[0].dates.first == day("2024-03-04"))
    #expect(f.series[0].dates.last == day("2024-03-08"))
    #expect(f.dialect.contains("DD/MM/YYYY"))
  }

  @Test func wideLayoutOneColumnPerSecurity() throws {
    let f = try load(
      """
      Date,AAPL,MSFT
      2024-01-02,185.64,370.87
      2024-01-03,184.25,
      """, name: "wide.csv")
    #expect(f.series.map(\.ticker) == ["AAPL", "MSFT"])
    #expect(f.series[0].close == [185.64, 184.25])
    #expect(f.series[1].close == [370.87])
    #expect(f.rejects.count == 1)
    #expect(f.rowsRead == 4)
  }

  @Test func tabAndPipeDelimiters() throws {
    let f = try load("Date\tClose\tVolume\n2024-01-02\t1.5\t100\n2024-01-03\t1.6\t200\n", name: "T.tsv")
    #expect(f.series[0].close == [1.5, 1.6])
    let g = try load("Date|Close\n2024-01-02|1.5\n", name: "T.csv")
    #expect(g.series[0].close == [1.5])
  }

  @Test func yahooNullRowsAndNoFinalNewline() throws {
    let f = try load(
      "Date,Open,High,Low,Close,Adj Close,Volume\n2020-01-01,null,null,null,null,null,null\n2020-01-02,1,2,0.5,1.5,1.5,100",
      name: "^GSPC.csv")
    #expect(f.series[0].close == [1.5])
    #expect(f.rejects.count == 1)
    #expect(f.rejects[0].reason.contains("null row"))
    #expect(f.findings.contains { $0.kind == "null_row" })
  }

  @Test func overridesForDelimiterDatesDecimalColumnsAndReturns() throws {
    var o = IngestOptions()
    o.delimiter = 59
    o.dateFormat = "DD.MM.YYYY"
    o.decimalComma = true
    o.columns = ["close": "Letzter", "date": "Tag"]
    o.ticker = "XYZ"
    let f = try load("Tag;Letzter;Anders\n01.02.2024;1,5;x\n02.02.2024;1,75;y\n", name: "a.csv", options: o)
    #expect(f.series[0].ticker == "XYZ")
    #expect(f.series[0].dates == [day("2024-02-01"), day("2024-02-02")])
    #expect(f.series[0].close == [1.5, 1.75])
    var r = IngestOptions()
    r.returns = true
    let g = try load("Date,Close\n2024-01-02,0.01\n2024-01-03,-0.02\n", name: "R.csv", options: r)
    #expect(g.series[0].returns == [0.01, -0.02])
    // Prices forced on a file whose header says returns (--no-returns): RET read as closes.
    let text = "date,RET\n2024-01-02,1.5\n2024-01-03,1.75\n"
    // (Sniffed: returns in percent, as values this size are.)
    #expect(try load(text, name: "P.csv").series[0].returns.map { ($0 * 1e4).rounded() } == [150, 175])
    var p = IngestOptions()
    p.returns = false
    let h = try load(text, name: "P.csv", options: p)
    #expect(h.series[0].close == [1.5, 1.75])
    #expect(!h.series[0].isReturnSeries)
  }

  @Test func badOverridesAreErrors() throws {
    var o = IngestOptions()
    o.columns = ["close": "Nope"]
    #expect(throws: PriceIngestError.self) { try load("Date,Close\n2024-01-02,1\n", options: o) }
    var p = IngestOptions()
    p.dateFormat = "whenever"
    #expect(throws: PriceIngestError.self) { try load("Date,Close\n2024-01-02,1\n", options: p) }
  }

  @Test func dryRunReportNamesLayoutColumnsDatesCountsAndRange() throws {
    let f = try load("Date,Ticker,Close\n2024-01-02,A,1\n2024-01-03,A,x\n2024-01-03,B,2\n", name: "p.csv")
    let report = PriceIngestor.report(f)
    #expect(report.contains("layout long"))
    #expect(report.contains("date=Date ticker=Ticker close=Close"))
    #expect(report.contains("dates YYYY-MM-DD"))
    #expect(report.contains("rows: 3 read, 2 usable, 1 rejected; 2 securities"))
    #expect(report.contains("date range: 2024-01-02 .. 2024-01-03"))
    #expect(report.contains("p.csv:3:3"))
  }

  @Test func numbersInEveryNotation() {
    func n(_ s: String, comma: Bool = false) -> Double? {
      if case .value(let v) = Array(s.utf8).parsedNumber(decimalComma: comma) { return v }
      return nil
    }
    #expect(n("$15.47") == 15.47)
    #expect(n("2,187,767") == 2_187_767)
    #expect(n("87,669", comma: true) == 87.669)
    #expect(n("1.234,5", comma: true) == 1234.5)
    #expect(n("43.58B") == 43_580_000_000)
    #expect(n("12.5K") == 12_500)
    #expect(n("-0.23%") == -0.0023)
    #expect(n("(1.5)") == -1.5)
    #expect(n("   -0.25") == -0.25)
    #expect(n("1e-3") == 0.001)
    #expect(n("€12.00") == 12)
    #expect(n("7.199282646179199") == 7.199282646179199)
    #expect(n("abc") == nil)
    // Thousands groups are three digits: anything else is refused, not run together.
    #expect(n("1 234") == 1234)
    #expect(n("1'234.5") == 1234.5)
    #expect(n("1,234,567.25") == 1_234_567.25)
    #expect(n("12,50") == nil)  // a decimal comma read with a decimal point: not 1250
    #expect(n("1,23M") == nil)
    #expect(n("1,2345") == nil)
    #expect(n(",123") == nil)
    #expect(n("1.23", comma: true) == nil)  // and the other way round: not 123
    #expect(n("1.234.567,5", comma: true) == 1_234_567.5)
    #expect(n("980,50K", comma: true) == 980_500)
    for missing in ["", "null", "NaN", "N/A", "-", "."] {
      if case .missing = Array(missing.utf8).parsedNumber(decimalComma: false) {
      } else {
        Issue.record("\(missing) should be missing")
      }
    }
  }

  @Test func datesInEveryNotation() {
    func d(_ s: String, _ f: DateFormat) -> CivilDate? { Array(s.utf8).parsedDate(f) }
    #expect(d("2024-03-01", .yearMonthDay) == day("2024-03-01"))
    #expect(d("2024/3/1", .yearMonthDay) == day("2024-03-01"))
    #expect(d("2024年3月1日", .yearMonthDay) == day("2024-03-01"))
    #expect(d("2020-06-22T00:00:00+08:00", .yearMonthDay) == day("2020-06-22"))
    #expect(d("20240301", .compact) == day("2024-03-01"))
    #expect(d("3/1/2024", .monthDayYear) == day("2024-03-01"))
    #expect(d("1.3.2024", .dayMonthYear) == day("2024-03-01"))
    #expect(d("Mar 1, 2024", .monthNameDayYear) == day("2024-03-01"))
    #expect(d("March 1 2024", .monthNameDayYear) == day("2024-03-01"))
    #expect(d("01-Mar-2024", .dayMonthNameYear) == day("2024-03-01"))
    #expect(d("2024-02-30", .yearMonthDay) == nil)
    #expect(DateFormat(pattern: "DD.MM.YYYY") == .dayMonthYear)
    #expect(DateFormat(pattern: "Mon D, YYYY") == .monthNameDayYear)
  }
}
