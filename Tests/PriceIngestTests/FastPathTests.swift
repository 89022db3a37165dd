import Foundation
import MarketData
import Testing

@testable import PriceIngest

/// The hand tokenizer for quote-free slices (`CSVReader.fastLines`) reports exactly the records,
/// fields, lines and cut records libcsv reports, and the loader built on it stores and rejects
/// exactly the same rows.
@Suite struct FastPathTests {
  /// Everything a reader reports, record by record, and its state at the end.
  struct Transcript: Equatable {
    var records: [String] = []
    var end = ""
  }

  final class Box: @unchecked Sendable { var t = Transcript() }

  static func transcript(
    _ bytes: [UInt8], pieces: [Int], fast: Bool, delimiter: UInt8 = 44, crEndsLines: Bool = false,
    maxRecord: Int = 1 << 20, maxField: Int = 1 << 20, stopAfter: Int = .max
  ) -> Transcript {
    let r = CSVReader(
      delimiter: delimiter, crEndsLines: crEndsLines, maxRecordBytes: maxRecord, maxFieldBytes: maxField)
    r.fastPath = fast
    let box = Box()
    r.onRecord = { r in
      let fields = (0..<r.fieldCount).map { r.fieldBytes($0).map(String.init).joined(separator: ".") }
      box.t.records.append(
        "\(r.recordLine)/\(r.line) n=\(r.fieldCount) over=\(r.overflowed) bytes=\(r.recordBytes) [\(fields.joined(separator: "|"))]"
      )
      return box.t.records.count < stopAfter
    }
    var at = 0
    for n in pieces where at < bytes.count {
      let e = min(bytes.count, at + n)
      bytes[at..<e].withUnsafeBytes { r.feed($0) }
      at = e
    }
    if at < bytes.count { bytes[at...].withUnsafeBytes { r.feed($0) } }
    var thrown = ""
    do { try r.finish() } catch { thrown = "\(error)" }
    box.t.end =
      "line \(r.line) record \(r.recordLine) quoted \(r.insideQuotedField) start \(r.isAtRecordStart) overflow \(r.sawOverflow) stopped \(r.stopped) \(thrown)"
    return box.t
  }

  struct Rng {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
  }

  /// Random bytes over an alphabet rich in delimiters, spaces, tabs, CR, LF (and, in some
  /// inputs, quotes), cut into random pieces: both tokenizers report the same.
  @Test func handTokenizerMatchesLibcsvOnRandomInput() {
    var rng = Rng(state: 99)
    let alphabets: [[UInt8]] = [
      [97, 49, 46, 32, 9, 44, 13, 10],
      [97, 32, 32, 9, 44, 44, 13, 10, 10, 0, 0xFF, 0xC3],
      [97, 49, 32, 9, 44, 59, 13, 10, 34],
      [120, 32, 9, 124, 10, 10, 13],
      [97, 97, 97, 97, 98, 49, 50, 46, 33, 31, 1, 0x7F, 0x80, 0xFF, 32, 32, 9, 44, 10, 13],
      [97, 98, 99, 100, 101, 49, 50, 51, 52, 53, 46, 44, 10],
    ]
    for round in 0..<3000 {
      let alphabet = alphabets[round % alphabets.count]
      let delimiter: UInt8 =
        round % alphabets.count == 3 ? 124 : (round % 7 == 0 ? 9 : (round % 11 == 0 ? 32 : 44))
      let length = rng.next(round % 10 == 0 ? 3000 : 200)
      let bytes = (0..<length).map { _ in alphabet[rng.next(alphabet.count)] }
      var pieces: [Int] = []
      for _ in 0..<6 { pieces.append(1 + rng.next(round % 3 == 0 ? 8 : 90)) }
      let cr = round % 5 == 0
      let maxRecord = round % 4 == 0 ? 1 + rng.next(24) : 1 << 20
      let maxField = round % 6 == 0 ? 1 + rng.next(24) : 1 << 20
      let stop = round % 9 == 0 ? 1 + rng.next(5) : Int.max
      let a = Self.transcript(
        bytes, pieces: pieces, fast: false, delimiter: delimiter, crEndsLines: cr, maxRecord: maxRecord,
        maxField: maxField, stopAfter: stop)
      let b = Self.transcript(
        bytes, pieces: pieces, fast: true, delimiter: delimiter, crEndsLines: cr, maxRecord: maxRecord,
        maxField: maxField, stopAfter: stop)
      #expect(a == b, "round \(round): \(bytes)")
      if a != b { return }
    }
  }

  /// Reads `bytes` with libcsv alone and with the hand tokenizer, in random pieces of up to
  /// `longestPiece` bytes, with (depending on `round`) lone CRs ending lines, a small record
  /// limit or an early stop; expects and returns that both report the same.
  static func tokenizersAgree(_ bytes: [UInt8], round: Int, longestPiece: Int, _ rng: inout Rng) -> Bool {
    var pieces: [Int] = []
    for _ in 0..<8 { pieces.append(1 + rng.next(longestPiece)) }
    let cr = round % 7 == 0
    let maxRecord = round % 6 == 0 ? 1 + rng.next(120) : 1 << 20
    let stop = round % 11 == 0 ? 1 + rng.next(40) : Int.max
    let a = transcript(
      bytes, pieces: pieces, fast: false, crEndsLines: cr, maxRecord: maxRecord, stopAfter: stop)
    let b = transcript(
      bytes, pieces: pieces, fast: true, crEndsLines: cr, maxRecord: maxRecord, stopAfter: stop)
    #expect(a == b, "round \(round): \(bytes)")
    return a == b
  }

  /// Long inputs of mostly ordinary bytes with few separators, spaces, tabs and control bytes,
  /// in pieces of up to a few hundred bytes: records run across the 64-byte blocks of
  /// `blockRecords`, across slices, into the last 64 bytes of a slice and past small record
  /// limits; both tokenizers report the same.
  @Test func blockTokenizerMatchesLibcsvOnLongInput() {
    var rng = Rng(state: 2024)
    for round in 0..<1500 {
      var bytes: [UInt8] = []
      let length = 64 + rng.next(round % 5 == 0 ? 6000 : 700)
      let lineLength = 1 + rng.next(round % 4 == 0 ? 200 : 40)
      let rare = round % 3 == 0 ? 400 : 4000
      while bytes.count < length {
        let r = rng.next(rare)
        let b: UInt8
        switch r {
        case 0: b = 32
        case 1: b = 9
        case 2: b = 13
        case 3: b = 1
        case 4: b = 10
        default:
          b = rng.next(lineLength) == 0 ? 10 : (rng.next(6) == 0 ? 44 : UInt8(97 + rng.next(26)))
        }
        bytes.append(b)
      }
      if !Self.tokenizersAgree(bytes, round: round, longestPiece: round % 2 == 0 ? 400 : 130, &rng) { return }
    }
  }

  /// Long inputs of quoted and plain fields (`"abc",de,"f g"`), with rare quotes, delimiters,
  /// spaces and line ends inside the quotes, doubled quotes, spaces around quoted fields and
  /// unterminated quotes, in pieces of up to a few hundred bytes: the hand path reads the
  /// simply quoted fields itself and hands every other record to libcsv, and both report the
  /// same records, lines and end state.
  @Test func quotedFieldsMatchLibcsv() {
    var rng = Rng(state: 4242)
    for round in 0..<1500 {
      var bytes: [UInt8] = []
      let length = 64 + rng.next(round % 5 == 0 ? 6000 : 900)
      let rare = round % 3 == 0 ? 30 : 300
      while bytes.count < length {
        let fields = 1 + rng.next(6)
        for f in 0..<fields {
          if f > 0 { bytes.append(44) }
          let n = rng.next(12)
          let word = (0..<n).map { _ in UInt8(97 + rng.next(26)) }
          if rng.next(3) > 0 {
            // A quoted field, now and then with a space around it or a special byte inside.
            if rng.next(rare) == 0 { bytes.append(32) }
            bytes.append(34)
            for c in word {
              switch rng.next(rare) {
              case 0: bytes.append(44)
              case 1: bytes.append(10)
              case 2: bytes += [34, 34]
              case 3: bytes.append(32)
              case 4: bytes.append(13)
              default: break
              }
              bytes.append(c)
            }
            if rng.next(rare * 4) != 0 { bytes.append(34) }
            if rng.next(rare) == 0 { bytes.append(32) }
          } else {
            bytes += word
            if rng.next(rare) == 0 { bytes.append(34) }
          }
        }
        bytes += rng.next(5) == 0 ? [13, 10] : [10]
      }
      if !Self.tokenizersAgree(bytes, round: round, longestPiece: round % 2 == 0 ? 500 : 150, &rng) { return }
    }
  }

  /// `BlockScan` flags exactly the bytes a byte-by-byte test flags, with its vector and its
  /// word implementation, for every byte value in every position and for several delimiters.
  @Test func blockScanFlagsEachByteExactly() {
    var rng = Rng(state: 5)
    for (delimiter, quote): (UInt8, UInt8) in [
      (44, 34), (59, 34), (9, 34), (32, 39), (124, 34), (0xFF, 0x80),
    ] {
      let scan = BlockScan(delimiter: delimiter, quote: quote)
      for round in 0..<600 {
        // Every byte value lands in every position over the rounds.
        let block = (0..<64).map { k in round < 256 ? UInt8((round + k * 7) & 0xFF) : UInt8(rng.next(256)) }
        var separators: UInt64 = 0
        var others: UInt64 = 0
        var quotes: UInt64 = 0
        for (k, b) in block.enumerated() {
          if b == delimiter || b == 10 || b == 13 {
            separators |= 1 << UInt64(k)
          } else if b < 33 {
            others |= 1 << UInt64(k)
          }
          if b == quote { quotes |= 1 << UInt64(k) }
        }
        block.withUnsafeBufferPointer { p in
          guard let base = p.baseAddress else { return }
          let word = scan.wordMasks(base)
          #expect(
            word.separators == separators && word.others == others && word.quotes == quotes,
            "delimiter \(delimiter) \(block)")
          let any = scan.masks(base)
          #expect(
            any.separators == separators && any.others == others && any.quotes == quotes,
            "delimiter \(delimiter) \(block)")
        }
      }
    }
  }

  @Test func handTokenizerMatchesLibcsvOnHostileLines() {
    let cases: [String] = [
      "Date,Ticker,Close\n2024-01-02,AAA,1.5\n",
      "  a , b ,c  \n\n   \n,\n,,\n a\t,\tb\t\n",
      "a,b\r\nc,d\r\n\r\ne,f",
      "a,b\rc,d\re",
      "x,\"q,uoted\",y\nnext,line,here\n",
      "x,\"open quote\nstill open",
      "\u{FEFF}Date,Close\n2024-01-02,1\n",
      "trailing,delimiter,\n,leading\n ,\t, \n",
      "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,aa,bb,cc,dd,ee,ff,gg,hh,ii,jj,kk,ll,mm,nn,oo,pp,qq,rr,ss,tt,uu,vv,ww,xx,yy,zz,a1,b1,c1,d1,e1,f1,g1,h1,i1,j1,k1,l1,m1,n1,o1\n",
    ]
    for text in cases {
      let bytes = Array(text.utf8)
      for pieces in [[1 << 20], [1], [3, 5, 7], [2, 11]] {
        for delimiter: UInt8 in [44, 9] {
          let a = Self.transcript(bytes, pieces: pieces, fast: false, delimiter: delimiter)
          let b = Self.transcript(bytes, pieces: pieces, fast: true, delimiter: delimiter)
          #expect(a == b, "\(text.debugDescription) pieces \(pieces)")
        }
      }
    }
  }

  struct Run: Equatable {
    var fragments: [PriceSeries] = []
    var rowsRead = 0
    var rejects: [RejectedRow] = []
    var findings: [QualityFinding] = []
    var series: [PriceSeries] = []
    var sha256 = ""
    var error = ""
  }

  static func run(_ path: String, fast: Bool, threads: Int, chunk: Int, flush: Int?) -> Run {
    var o = IngestOptions()
    o.threads = threads
    o.chunkBytes = chunk
    o.handTokenizer = fast
    final class Fragments: @unchecked Sendable { var all: [PriceSeries] = [] }
    let box = Fragments()
    do {
      let f = try PriceIngestor(options: o).ingest(path: path, flushRows: flush) { box.all.append($0) }
      return Run(
        fragments: box.all, rowsRead: f.rowsRead, rejects: f.rejects, findings: f.findings, series: f.series,
        sha256: f.sha256)
    } catch {
      return Run(fragments: box.all, error: "\(error)")
    }
  }

  /// A long file with planted traps after the sniffed sample: every kind of bad row, quoted
  /// fields (some holding delimiters and line breaks), CRLF, blank and space-only lines,
  /// padded fields, NUL and invalid UTF-8 bytes, duplicates and a line over 1 MiB.
  static func hostileFile(crlf: Bool, bom: Bool, longLine: Bool) -> [UInt8] {
    var out: [UInt8] = bom ? [0xEF, 0xBB, 0xBF] : []
    let nl: [UInt8] = crlf ? [13, 10] : [10]
    func emit(_ s: String) { out += Array(s.utf8) + nl }
    emit("Date,Ticker,Open,High,Low,Close,Volume")
    var rng = Rng(state: 7)
    let base = CivilDate(year: 2001, month: 1, day: 2) ?? CivilDate(dayNumber: 11_000)
    for k in 0..<40_000 {
      let date = base.adding(days: k / 9).iso
      let t = "T\(k % 9)"
      let c = Double(100 + rng.next(900)) / 8
      // Quotes only in some stretches, so that many slices and chunks have none (hand
      // tokenizer) and others do (libcsv), with records running from one into the other.
      let quotes = k < 20_000 && (k / 3000) % 2 == 1
      switch k % 211 {
      case 3 where quotes: emit("\(date),\"\(t)\",\(c),\(c),\(c),\(c),\"1,000\"")
      case 7: emit("\(date),\(t),\(c),\(c)")
      case 11: emit("\(date),\(t),\(c),\(c),\(c),\(c),5,extra")
      case 13: emit("\(date),\(t),\(c),\(c),\(c),\(c),5,,")
      case 17: emit("  \(date) ,\t\(t)\t, \(c) ,\(c),\(c),\(c) , 7 ")
      case 19: emit("")
      case 23: emit("    ")
      case 29 where k > 8000: emit("\(date),\(t),x\u{0}y,\(c),\(c),\(c),1")
      case 31: out += Array("\(date),".utf8) + [0xFF, 0xFE] + Array(",1,1,1,1,1".utf8) + nl
      case 37 where quotes: emit("\(date),\"\(t)\nbroken\",1,1,1,1,1")
      case 41: emit("\(date),\(t),,,,,")
      case 43: emit("\(date),\(t),null,null,null,null,null")
      case 47: emit("\(date),\(t),$1\(c),\(c)K,(\(c)),\(c)%,1.5e3")
      case 53: out += Array("\(date),\(t),1,1,1,1,1".utf8) + [13]
      case 59: emit("\(date),T0,\(c),\(c),\(c),\(c),9")
      case 61 where quotes: emit("\"\(date)\",\"T1\",\"\(c)\",\"\(c)\",\"\(c)\",\"\(c)\",\"3\"")
      case 67: emit("note: a footer line in the middle")
      case 71 where longLine && k > 30_000: emit(String(repeating: "9", count: (1 << 20) + 100))
      default: emit("\(date),\(t),\(c),\(c + 1),\(c - 1),\(c),\(rng.next(100_000))")
      }
    }
    emit("2030-01-01,END,1,1,1,1,1")
    return out
  }

  @Test(arguments: [(false, false, false), (true, true, true)])
  func loaderResultsAreTheSameWithEitherTokenizer(crlf: Bool, bom: Bool, longLine: Bool) throws {
    let bytes = Self.hostileFile(crlf: crlf, bom: bom, longLine: longLine)
    #expect(bytes.count > (1 << 20) + Sniffer.sampleBytes + 300_000)
    let path = tempFile(bytes, name: "hostile.csv")
    for (threads, chunk, flush) in [(1, 4 << 20, nil), (2, 65_536, 3000)] as [(Int, Int, Int?)] {
      let slow = Self.run(path, fast: false, threads: threads, chunk: chunk, flush: flush)
      let fast = Self.run(path, fast: true, threads: threads, chunk: chunk, flush: flush)
      #expect(slow.error.isEmpty, "\(slow.error)")
      #expect(slow.rejects.count > 1000)
      let same = slow == fast
      #expect(same, "threads \(threads) chunk \(chunk) flush \(String(describing: flush))")
    }
    // In memory too (one slice for the whole file).
    let a = try PriceIngestor(
      options: {
        var o = IngestOptions(); o.handTokenizer = false; return o
      }()
    )
    .load(bytes: bytes, name: "hostile.csv")
    let b = try PriceIngestor().load(bytes: bytes, name: "hostile.csv")
    #expect(a.series == b.series)
    #expect(a.rejects == b.rejects)
    #expect(a.findings == b.findings)
  }
}

/// `FieldParsers.plainDecimal` (the loader's first try) gives exactly what `parseNumber` gives
/// whenever it answers.
@Suite struct PlainDecimalTests {
  @Test func agreesWithParseNumber() {
    var rng = FastPathTests.Rng(state: 5)
    let alphabet = Array("0123456789012345678901234567890123456789..,,--+ \te%K$".utf8)
    var answered = 0
    for round in 0..<200_000 {
      let n = rng.next(round % 10 == 0 ? 22 : 11)
      let bytes = (0..<n).map { _ in alphabet[rng.next(alphabet.count)] }
      for comma in [false, true] {
        bytes.withUnsafeBufferPointer { b in
          guard let base = b.baseAddress else { return }
          guard let x = FieldParsers.plainDecimal(base, b.count, point: comma ? 44 : 46) else { return }
          answered += 1
          guard case .value(let y) = FieldParsers.parseNumber(base, b.count, decimalComma: comma) else {
            Issue.record("\(String(decoding: bytes, as: UTF8.self)): plainDecimal \(x), parseNumber no value")
            return
          }
          #expect(x.bitPattern == y.bitPattern, "\(String(decoding: bytes, as: UTF8.self))")
        }
      }
    }
    #expect(answered > 10_000)
    for s in ["-0", "0.", ".5", "-.5", "123456789012345", "1234567890.12345", "00012.3400"] {
      let b = Array(s.utf8)
      #expect(
        b.withUnsafeBufferPointer { FieldParsers.plainDecimal($0.baseAddress!, $0.count, point: 46) } != nil,
        "\(s)")
    }
    for s in ["-", ".", "-.", "1234567890123456", "1.2.3", " 1", "1 ", "+1", "1e3", "1,000"] {
      let b = Array(s.utf8)
      #expect(
        b.withUnsafeBufferPointer { FieldParsers.plainDecimal($0.baseAddress!, $0.count, point: 46) } == nil,
        "\(s)")
    }
  }
}

/// The word-at-a-time path of `plainDecimal(_:_:point:readableTo:)` gives exactly what the
/// byte loop gives, whatever follows the field in memory.
@Suite struct WordDecimalTests {
  @Test func agreesWithTheByteLoop() {
    var rng = FastPathTests.Rng(state: 17)
    let alphabet =
      Array("01234567890123456789012345678901234567890123456789..,,--+ e\n\u{0}\u{7F}".utf8) + [0xFF, 0x80]
    var answered = 0
    for round in 0..<300_000 {
      let n = rng.next(round % 10 == 0 ? 14 : 10)
      // The field, then bytes that are no part of it (the word path reads them but must not use them).
      let bytes = (0..<(n + 16)).map { _ in alphabet[rng.next(alphabet.count)] }
      for comma in [false, true] {
        bytes.withUnsafeBufferPointer { b in
          guard let base = b.baseAddress else { return }
          let point: UInt8 = comma ? 44 : 46
          let loop = FieldParsers.plainDecimal(base, n, point: point)
          let word = FieldParsers.plainDecimal(base, n, point: point, readableTo: base + b.count)
          if loop != nil { answered += 1 }
          #expect(
            loop?.bitPattern == word?.bitPattern,
            "\(String(decoding: bytes.prefix(n), as: UTF8.self)): \(String(describing: loop)) \(String(describing: word))"
          )
        }
      }
    }
    #expect(answered > 20_000)
    for s in [
      "-0", "0.", ".5", "-.5", "12345678", "-12345678", "1234.5678", "-1.234567", "99999999", "00000001",
    ] {
      let b = Array(s.utf8) + Array(repeating: UInt8(57), count: 8)
      b.withUnsafeBufferPointer { p in
        guard let base = p.baseAddress else { return }
        let n = s.utf8.count
        #expect(
          FieldParsers.plainDecimal(base, n, point: 46, readableTo: base + p.count)?.bitPattern
            == FieldParsers.plainDecimal(base, n, point: 46)?.bitPattern, "\(s)")
        #expect(FieldParsers.plainDecimal(base, n, point: 46) != nil, "\(s)")
      }
    }
  }
}

/// Dates the loader takes from the previous row (same bytes, or same `YYYY-MM-` and a day up to
/// the 28th) are the dates `parseDate` reads; impossible days are still rejected.
@Suite struct DateReuseTests {
  @Test func datesFromThePreviousRowMatchParseDate() throws {
    var text = "Date,Close\n"
    var expected: [String: CivilDate] = [:]
    var bad = 0
    var d = CivilDate(year: 1999, month: 12, day: 1) ?? CivilDate(dayNumber: 10_000)
    var k = 0
    while d.year < 2005 {
      k += 1
      var s = d.iso
      if k % 37 == 0 {
        // An impossible day of the same month right after a good row.
        let (y, m, _) = d.components
        s = String(format: "%04d-%02d-%02d", y, m, [0, 29, 30, 31, 32, 45, 99][k % 7])
      }
      text += "\(s),\(k)\n"
      if let p = Array(s.utf8).parsedDate(.yearMonthDay) {
        expected[s] = p
      } else {
        bad += 1
      }
      d = d.adding(days: k % 5 == 0 ? 3 : 1)
    }
    let f = try load(text, name: "DATES.csv")
    let dates = try #require(f.series.first).dates
    #expect(Set(dates) == Set(expected.values))
    #expect(dates.count == expected.count)
    #expect(f.rejects.filter { $0.reason.contains("cannot read date") }.count == bad)
    #expect(bad > 5)
  }
}
