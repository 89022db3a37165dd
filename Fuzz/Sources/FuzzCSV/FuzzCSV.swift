// libFuzzer target: the CSV dialect sniffer and loader (`PriceIngestor.load(bytes:name:)`, which
// sniffs first).
//
// The first input byte picks a file name (so ticker-from-name and exchange suffixes are
// exercised) and a few overrides; the rest is the file. Besides crashes, hangs and leaks, the
// target traps when an invariant breaks: every data row is either stored or rejected.
import FuzzDriver
import MarketData
import PriceIngest

let names = ["prices.csv", "MP.csv", "spy_us_d.csv", "600111.SS.csv", "BHP.AX.csv", "a'b;--\".csv"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  guard let start else { return 0 }
  guard count > 0 else { return 0 }
  let selector = start[0]
  let bytes = [UInt8](UnsafeBufferPointer(start: start + 1, count: count - 1))
  var options = IngestOptions()
  switch selector >> 4 {
  case 1: options.delimiter = UInt8(ascii: ";")
  case 2: options.decimalComma = true
  case 3: options.returns = true
  case 4: options.dateFormat = "DD.MM.YYYY"
  case 5: options.columns = ["date": "Date", "close": "Close"]
  case 6: options.ticker = "X"
  default: break
  }
  let name = names[Int(selector & 0x0F) % names.count]
  let ingestor = PriceIngestor(options: options)
  do {
    let file = try ingestor.load(bytes: bytes, name: name)
    if file.rowsRead != file.rowsStored + file.rejects.count {
      fatalError("rows read \(file.rowsRead) != stored \(file.rowsStored) + rejected \(file.rejects.count)")
    }
    for s in file.series {
      if s.dates.count != s.count {
        fatalError("series \(s.ticker): \(s.dates.count) dates for \(s.count) rows")
      }
      for column in [s.open, s.high, s.low, s.close, s.adjustedClose, s.volume, s.returns]
      where column.contains(where: \.isInfinite) {
        fatalError("series \(s.ticker): an infinite value was stored")
      }
    }
    _ = PriceIngestor.report(file)
  } catch {
    _ = error.description
  }
  return 0
}

/// The executable's entry point (SwiftPM names it `FuzzCSV_main`): runs libFuzzer's driver.
@_cdecl("FuzzCSV_main")
public func fuzzCSVMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var argc = argc
  var argv = argv
  return LLVMFuzzerRunDriver(&argc, &argv, { data, size in fuzzCSV(data, size) })
}
