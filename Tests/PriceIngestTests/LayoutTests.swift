import MarketData
import Testing

@testable import PriceIngest

func load(_ text: String, name: String = "TEST.csv", options: IngestOptions = IngestOptions()) throws
  -> IngestedFile
{
  try PriceIngestor(options: options).load(bytes: Array(text.utf8), name: name)
}

func day(_ s: String) -> CivilDate {
  CivilDate(iso: s) ?? CivilDate(dayNumber: 0)
}

@Suite struct LayoutTests {
  @Test func yahooDownload() throws {
    let f = try load(
      """
      Date,Open,High,Low,Close,Adj Close,Volume
      2020-06-22,9.900000,10.000000,9.900000,10.000000,10.000000,1600
      2020-06-23,10.000000,10.075000,9.910000,9.910000,9.800000,1100
      2020-06-24,9.800000,9.800000,9.780000,9.780000,9.780000,400100
      """, name: "data/yahoo/MP.csv")
    #expect(f.series.count == 1)
    let s = try #require(f.series.first)
    #expect(s.ticker == "MP")
    #expect(s.exchange == .xnys)
    #expect(s.dates == [day("2020-06-22"), day("2020-06-23"), day("2020-06-24")])
    #expect(s.open == [9.9, 10.0, 9.8])
    #expect(s.high == [10.0, 10.075, 9.8])
    #expect(s.low == [9.9, 9.91, 9.78])
    #expect(s.close == [10.0, 9.91, 9.78])
    #expect(s.adjustedClose == [10.0, 9.8, 9.78])
    #expect(s.volume == [1600, 1100, 400100])
    #expect(f.rowsRead == 3)
    #expect(f.rejects.isEmpty)
    #expect(f.byteCount > 0)
    #expect(f.sha256.count == 64)
  }

  @Test func nasdaqNewestFirstDollarsAndQuotedThousands() throws {
    let f = try load(
      """
      Date,Close/Last,Volume,Open,High,Low
      03/01/2024,$15.47,"2,187,767",$15.35,$15.615,$14.91
      02/29/2024,$15.21,"2,130,228",$15.55,$15.75,$15.16
      02/28/2024,$15.23,"1,894,623",$15.44,$15.70,$15.2025

      """, name: "MP.csv")
    let s = try #require(f.series.first)
    #expect(s.dates == [day("2024-02-28"), day("2024-02-29"), day("2024-03-01")])
    #expect(s.close == [15.23, 15.21, 15.47])
    #expect(s.volume == [1_894_623, 2_130_228, 2_187_767])
    #expect(s.low == [15.2025, 15.16, 14.91])
    #expect(f.findings.contains { $0.kind == "newest_first" })
    #expect(f.dialect.contains("MM/DD/YYYY"))
  }

  @Test func stooqFileNameGivesTicker() throws {
    let f = try load(
      """
      Date,Open,High,Low,Close,Volume
      2015-01-02,206.38,206.88,204.18,205.43,121465865
      2015-01-05,204.17,204.37,201.35,201.72,169632646
      """, name: "/tmp/spy_us_d.csv")
    let s = try #require(f.series.first)
    #expect(s.ticker == "SPY")
    #expect(s.close == [205.43, 201.72])
    #expect(s.adjustedClose.allSatisfy { $0.isNaN })
  }

  @Test func alphaVantageFileNameGivesTicker() throws {
    let csv = "timestamp,open,high,low,close,volume\n2025-11-25,12.10,12.20,11.95,12.08,980500\n"
    #expect(try load(csv, name: "/tmp/daily_MP.csv").series.first?.ticker == "MP")
    #expect(try load(csv, name: "daily_adjusted_IBM.csv").series.first?.ticker == "IBM")
    #expect(try load(csv, name: "weekly_600111.SS.csv").series.first?.exchange == .xshg)
    // A file named after nothing but the prefix keeps its name.
    #expect(try load(csv, name: "daily_.csv").series.first?.ticker == "DAILY_")
  }

  @Test func vendorsGenericFileNamesAreNoted() throws {
    let csv = "Date,Close/Last\n11/25/2025,$12.08\n11/26/2025,$12.34\n"
    for name in [
      "HistoricalData_1732650000000.csv", "MP Materials Stock Price History.csv", "REMX Historical Data.csv",
      "download (3).csv", "data.csv",
    ] {
      let f = try load(csv, name: name)
      #expect(f.series.first?.close == [12.08, 12.34])
      #expect(f.notes.count == 1 && f.notes[0].hasSuffix("name it with --ticker"), "\(name)")
    }
    #expect(try load(csv, name: "MP.csv").notes.isEmpty)
    var options = IngestOptions()
    options.ticker = "MP"
    let named = try PriceIngestor(options: options).load(bytes: Array(csv.utf8), name: "HistoricalData_1.csv")
    #expect(named.notes.isEmpty && named.series.first?.ticker == "MP")
  }

  @Test func dateCloseOnly() throws {
    let f = try load("Date,Close\n2020-06-22,10.0\n2020-06-23,9.90999984741211\n", name: "USAR.csv")
    let s = try #require(f.series.first)
    #expect(s.ticker == "USAR")
    #expect(s.close == [10.0, 9.90999984741211])
    #expect(s.open.allSatisfy { $0.isNaN })
  }

  @Test func longPanelDateTickerClose() throws {
    let f = try load(
      """
      Date,Ticker,Close
      2024-01-02,AAPL,185.64
      2024-01-02,MSFT,370.87
      2024-01-03,AAPL,184.25
      2024-01-03,MSFT,370.60
      2024-01-04,AAPL,181.91
      """, name: "panel.csv")
    #expect(f.series.map(\.ticker) == ["AAPL", "MSFT"])
    #expect(f.series[0].close == [185.64, 184.25, 181.91])
    #expect(f.series[1].close == [370.87, 370.60])
    #expect(f.series[1].dates == [day("2024-01-02"), day("2024-01-03")])
    #expect(f.rowsRead == 5)
    #expect(f.rowsStored == 5)
    #expect(f.dialect.contains("layout long"))
  }

  @Test func longTickerFirstOHLCVWithExchangeFromFileName() throws {
    let f = try load(
      """
      Ticker,Date,Open,High,Low,Close,Volume
      LYC,2017-12-08,.21,.215,.2,.205,1000
      LYC,2017-12-11,1.9,1.95,1.8,1.855,2000
      XJO,2017-12-08,5990.1,6010.2,5980.3,6000.4,0
      """, name: "prices/asx-long/LYC.AX.csv")
    #expect(f.series.map(\.ticker) == ["LYC.AX", "XJO.AX"])
    #expect(f.series.allSatisfy { $0.exchange == .xasx })
    let lyc = f.series[0]
    #expect(lyc.open == [0.21, 1.9])
    #expect(lyc.close == [0.205, 1.855])
    #expect(lyc.volume == [1000, 2000])
    // 0.205 → 1.855 is +805%: a 10:1 consolidation.
    let jump = try #require(f.findings.first { $0.kind == "possible_split" })
    #expect(jump.ticker == "LYC.AX")
    #expect(jump.date == day("2017-12-11"))
  }

  @Test func tickerAndExchangeOverrides() throws {
    var o = IngestOptions()
    o.ticker = "600111.SS"
    let f = try load("date,close\n2024-03-01,20.5\n", name: "x.csv", options: o)
    #expect(f.series[0].ticker == "600111.SS")
    #expect(f.series[0].exchange == .xshg)
    var o2 = IngestOptions()
    o2.exchange = .xasx
    let g = try load("Ticker,Date,Close\nBHP,2024-03-01,45.1\n", name: "x.csv", options: o2)
    #expect(g.series[0].ticker == "BHP.AX")
  }
}

/// investing.com in a German locale: comma-separated, every field quoted, decimal commas inside.
@Suite struct LocaleExportTests {
  @Test func germanInvestingComExport() throws {
    let f = try load(
      """
      "Datum","Zuletzt","Eröffn.","Hoch","Tief","Vol.","+/- %"
      "26.11.2025","12,34","12,00","12,50","11,90","1,23M","2,15%"
      "25.11.2025","12,08","12,10","12,20","11,95","980,50K","-0,41%"
      """, name: "BAS.DE.csv")
    let s = try #require(f.series.first)
    #expect(f.dialect.contains("decimal comma"))
    #expect(s.ticker == "BAS.DE" && s.exchange == .xfra)
    #expect(s.dates.map(\.iso) == ["2025-11-25", "2025-11-26"])
    #expect(s.close == [12.08, 12.34])
    #expect(s.open == [12.10, 12.00])
    #expect(s.high == [12.20, 12.50])
    #expect(s.low == [11.95, 11.90])
    #expect(s.volume == [980_500, 1_230_000])
  }

  @Test func quotedThousandsInACommaFileStayThousands() throws {
    // Nasdaq-style quoted numbers with thousands commas and a decimal point.
    let f = try load(
      """
      "Date","Close","Volume"
      "11/25/2025","1,234.50","2,187,767"
      "11/26/2025","1,240.25","1,000,000"
      """, name: "X.csv")
    #expect(f.dialect.contains("decimal point"))
    #expect(f.series.first?.close == [1234.5, 1240.25])
    #expect(f.series.first?.volume == [2_187_767, 1_000_000])
  }
}

/// Headers with units in parentheses, and Japanese vendors' headers.
@Suite struct HeaderUnitTests {
  @Test func unitsInParenthesesAreIgnored() throws {
    let f = try load(
      "交易日期,开盘价(元),最高价(元),最低价(元),收盘价(元),成交量（股）\n20250102,10.5,10.9,10.4,10.8,123400\n",
      name: "600111.SS.csv")
    let s = try #require(f.series.first)
    #expect(s.open == [10.5] && s.high == [10.9] && s.low == [10.4] && s.close == [10.8])
    #expect(s.volume == [123_400])
    let usd = try load("Date,Close (USD),Volume (shares)\n2025-01-02,10.8,500\n", name: "MP.csv")
    #expect(usd.series.first?.close == [10.8] && usd.series.first?.volume == [500])
  }

  @Test func japaneseHeaders() throws {
    let f = try load(
      "日付,始値,高値,安値,終値,出来高,調整後終値\n2025/01/06,3000,3050,2990,3020,1200000,3020\n", name: "7203.T.csv")
    let s = try #require(f.series.first)
    #expect(s.exchange == .xtks)
    #expect(s.open == [3000] && s.high == [3050] && s.low == [2990] && s.close == [3020])
    #expect(s.volume == [1_200_000] && s.adjustedClose == [3020])
  }
}
