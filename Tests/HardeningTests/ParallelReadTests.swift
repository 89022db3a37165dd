import Foundation
import MarketData
import PriceIngest
import PriceStore
import Testing

/// A file parsed on several threads (cut into chunks at line ends) gives exactly what a
/// sequential read gives: the same series fragments in the same order, rejects with the same
/// lines and reasons, the same findings, and the same store contents.
@Suite struct ParallelReadTests {
  /// A long-format file of about `rows` rows over many tickers, with planted traps; returns the
  /// bytes and what was planted (counted while writing, not by the loader).
  struct Planted {
    var bytes: [UInt8] = []
    var dataRows = 0
    var rejectLines: [Int] = []
    var duplicateLines: [Int] = []
    var conflictLines: [Int] = []
    var tickers: Set<String> = []
  }

  static func makeFile(rows: Int, crlf: Bool = false, quotedHeader: Bool = false, longLine: Bool = false)
    -> Planted
  {
    var p = Planted()
    var line = 1
    let nl: [UInt8] = crlf ? [13, 10] : [10]
    func emit(_ s: String) {
      p.bytes += Array(s.utf8)
      p.bytes += nl
      line += 1 + s.utf8.filter { $0 == 10 }.count
    }
    emit(
      quotedHeader
        ? "\"Date\",\"Ticker\",\"Open\",\"High\",\"Low\",\"Close\",\"Volume\""
        : "Date,Ticker,Open,High,Low,Close,Volume")
    var state: UInt64 = 12345
    func next() -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33)
    }
    let base = CivilDate(year: 1995, month: 1, day: 2) ?? CivilDate(dayNumber: 9000)
    var k = 0
    var day = 0
    var longDone = false
    while k < rows {
      let date = base.adding(days: day)
      day += 1
      // More tickers join as the file goes on (first seen well after the sniffed sample).
      let active = 5 + min(40, day / 20)
      for t in 0..<active {
        k += 1
        let ticker = "T\(t)"
        let close = Double(100 + next() % 900) / 4
        let volume = next() % 100_000
        let row = "\(date.iso),\(ticker),\(close),\(close + 1),\(close - 1),\(close),\(volume)"
        let quoted = "\(date.iso),\"\(ticker)\",\(close),\(close + 1),\(close - 1),\(close),\(volume)"
        if k % 97 == 0 {
          p.rejectLines.append(line)
          emit("\(date.iso),\(ticker),\(close),\(close),\(close),abc,1")
        } else if k % 131 == 0 {
          p.rejectLines.append(line)
          emit("2024-13-45,\(ticker),1,1,1,1,1")
        } else if k % 173 == 0 {
          p.rejectLines.append(line)
          emit("\(date.iso),\(ticker),1,1")
        } else if k % 307 == 0 {
          p.rejectLines.append(line)
          emit("\(date.iso),\(ticker),,,,,")
        } else if k % 401 == 0 {
          p.rejectLines.append(line)
          emit("\(date.iso),,1,1,1,1,1")
        } else if k % 509 == 0 {
          p.rejectLines.append(line)
          p.bytes += Array("\(date.iso),".utf8) + [0xFF, 0xFE] + Array(",1,1,1,1,1".utf8)
          p.bytes += nl
          line += 1
        } else if k % 601 == 0 {
          // A quoted value holding a line break: the line is where the row starts.
          p.rejectLines.append(line)
          emit("\(date.iso),\(ticker),1,1,1,\"12\n3\",1")
        } else {
          p.tickers.insert(ticker)
          emit(k % 50 == 0 ? quoted : row)
          if k % 211 == 0 {
            p.rejectLines.append(line)
            p.duplicateLines.append(line)
            emit(row)
          } else if k % 223 == 0 {
            p.rejectLines.append(line)
            p.conflictLines.append(line)
            emit("\(date.iso),\(ticker),1,2,0.5,\(close + 3),9")
          }
        }
        if k % 1000 == 0 { emit("") }
        if longLine && !longDone && k >= rows / 2 {
          longDone = true
          p.rejectLines.append(line)
          emit(String(repeating: "9", count: 1_200_000))
        }
      }
      // A ticker whose rows run newest first, and an unsorted one, late in the file.
      if day % 40 == 0 {
        for d in 0..<3 {
          k += 1
          p.tickers.insert("DESC")
          emit("\(base.adding(days: 20_000 - day * 3 - d).iso),DESC,\(d + 1),\(d + 1),\(d + 1),\(d + 1),1")
        }
        for d in [2, 0, 1] {
          k += 1
          p.tickers.insert("MIX")
          emit("\(base.adding(days: day * 3 + d).iso),MIX,5,5,5,5,1")
        }
      }
    }
    p.dataRows =
      k + p.duplicateLines.count + p.conflictLines.count + (longLine ? 1 : 0)
    return p
  }

  struct Run: Equatable {
    var fragments: [PriceSeries] = []
    var rowsRead = 0
    var rejects: [RejectedRow] = []
    var findings: [QualityFinding] = []
    var series: [PriceSeries] = []
    var sha256 = ""
  }

  static func run(_ path: String, threads: Int, chunk: Int, flush: Int?) throws -> Run {
    var o = IngestOptions()
    o.threads = threads
    o.chunkBytes = chunk
    final class Box: @unchecked Sendable { var fragments: [PriceSeries] = [] }
    let box = Box()
    let f = try PriceIngestor(options: o).ingest(path: path, flushRows: flush) { box.fragments.append($0) }
    return Run(
      fragments: box.fragments, rowsRead: f.rowsRead, rejects: f.rejects, findings: f.findings,
      series: f.series, sha256: f.sha256)
  }

  static func write(_ p: Planted, _ name: String) throws -> String {
    let path = (scratchDirectory() as NSString).appendingPathComponent(name)
    try Data(p.bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test(arguments: [(false, false, false), (true, false, false), (false, true, true)])
  func parallelEqualsSequential(crlf: Bool, quotedHeader: Bool, longLine: Bool) throws {
    let p = Self.makeFile(rows: 40_000, crlf: crlf, quotedHeader: quotedHeader, longLine: longLine)
    #expect(p.bytes.count > (1 << 18) + 64 * 1024)
    let path = try Self.write(p, "panel.csv")
    for flush in [nil, 1000] as [Int?] {
      let seq = try Self.run(path, threads: 1, chunk: 4 << 20, flush: flush)
      // What was planted, counted while writing.
      #expect(seq.rowsRead == p.dataRows)
      #expect(seq.rejects.map(\.line) == p.rejectLines)
      func lines(_ kinds: Set<String>) -> [Int] {
        seq.findings.filter { kinds.contains($0.kind) }.compactMap(\.line).sorted()
      }
      #expect(
        lines(["duplicate_date", "conflicting_duplicate"]) == (p.duplicateLines + p.conflictLines).sorted())
      if flush == nil {
        // A streaming read sees a pair split over two fragments as a plain repeat.
        #expect(lines(["duplicate_date"]) == p.duplicateLines)
        #expect(lines(["conflicting_duplicate"]) == p.conflictLines)
        #expect(seq.findings.contains { $0.kind == "newest_first" && $0.ticker == "DESC" })
      }
      #expect(seq.findings.contains { $0.kind == "unsorted" && $0.ticker == "MIX" })
      let stored = (flush == nil ? seq.series : seq.fragments).reduce(0) { $0 + $1.count }
      #expect(stored + seq.rejects.count == seq.rowsRead)
      #expect(Set((flush == nil ? seq.series : seq.fragments).map(\.ticker)) == p.tickers)
      for (threads, chunk) in [(2, 4096), (3, 10_000), (2, 65_536)] {
        let par = try Self.run(path, threads: threads, chunk: chunk, flush: flush)
        // Compared whole (a failure names the run instead of printing both files' contents).
        let same = par == seq
        #expect(same, "threads \(threads), chunk \(chunk), flush \(String(describing: flush))")
      }
    }
  }

  /// Chunk loaders start knowing the securities read so far; a name first given, or a null row
  /// first met, in a chunk reaches the same security as in a sequential read.
  @Test func namesAndNullRowsOfSeededSecuritiesFromChunks() throws {
    var text = "Date,Ticker,Name,Close\n"
    let base = CivilDate(year: 2000, month: 1, day: 3) ?? CivilDate(dayNumber: 11_000)
    for day in 0..<3000 {
      let date = base.adding(days: day).iso
      for t in 0..<12 {
        // Names appear late (well past the sample), some tickers never get one.
        let name = day > 1500 + t * 50 && t % 3 != 0 ? "Company \(t) \(day % 7)" : ""
        let close = day % (97 + t) == 0 ? "" : "\(10 + t).\(day % 100)"
        text += "\(date),T\(t),\(name),\(close)\n"
      }
    }
    let path = (scratchDirectory() as NSString).appendingPathComponent("named_panel.csv")
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    for flush in [nil, 5000] as [Int?] {
      let seq = try Self.run(path, threads: 1, chunk: 4 << 20, flush: flush)
      #expect(seq.series.contains { $0.name != nil })
      #expect(seq.findings.contains { $0.kind == "null_row" })
      for (threads, chunk) in [(2, 4096), (3, 20_000)] {
        let par = try Self.run(path, threads: threads, chunk: chunk, flush: flush)
        let same = par == seq
        #expect(same, "threads \(threads), chunk \(chunk), flush \(String(describing: flush))")
      }
    }
  }

  /// A dry run streams the file: per-security counts and ranges without keeping the rows.
  @Test func surveyCountsWhatLoadKeeps() throws {
    let p = Self.makeFile(rows: 20_000)
    let path = try Self.write(p, "survey_panel.csv")
    let (file, summaries) = try PriceIngestor().survey(path: path)
    let loaded = try PriceIngestor().load(path: path)
    #expect(file.rowsRead == p.dataRows)
    #expect(summaries.reduce(0) { $0 + $1.rows } == p.dataRows - p.rejectLines.count)
    #expect(Set(summaries.map(\.ticker)) == p.tickers)
    #expect(summaries.map(\.ticker) == loaded.series.map(\.ticker))
    #expect(summaries.map(\.rows) == loaded.series.map(\.count))
    #expect(summaries.map(\.first) == loaded.series.map(\.dates.first))
    #expect(summaries.map(\.last) == loaded.series.map(\.dates.last))
    #expect(file.rejects.map(\.line) == p.rejectLines)
    let text = PriceIngestor.report(file, series: summaries)
    #expect(text == PriceIngestor.report(loaded))
  }

  @Test func parallelStoreHoldsTheSameRows() throws {
    let p = Self.makeFile(rows: 30_000)
    let path = try Self.write(p, "store_panel.csv")
    let dir = scratchDirectory()
    var dumps: [[[String]]] = []
    for (threads, chunk) in [(1, 4 << 20), (2, 4096)] {
      var o = IngestOptions()
      o.threads = threads
      o.chunkBytes = chunk
      let store = try PriceStore(path: (dir as NSString).appendingPathComponent("s\(threads).sqlite"))
      let out = try store.storeStreaming { append in
        try PriceIngestor(options: o).ingest(path: path, flushRows: 2000, sink: append)
      }
      #expect(out.rowsStored == p.dataRows - p.rejectLines.count)
      var dump: [[String]] = []
      for q in [
        "SELECT * FROM securities ORDER BY id",
        "SELECT * FROM bars ORDER BY security_id, date",
        "SELECT path, sha256, bytes, dialect, rows_read, rows_stored, rows_rejected, rows_inserted FROM ingest_log",
        "SELECT * FROM rejects ORDER BY rowid",
        "SELECT * FROM findings ORDER BY rowid",
      ] {
        dump += try store.query(q)
      }
      dumps.append(dump)
    }
    #expect(dumps[0].count > p.dataRows)
    let same = dumps[0] == dumps[1]
    #expect(same)
  }
}
