import EventExtraction
// libFuzzer target: the temporal tagger / date normaliser (`TemporalTagger.tag`). The input is
// decoded as UTF-8 (invalid bytes become U+FFFD, as in the article reader) and tagged against a
// fixed reference date or without one (the first byte decides). Traps when a span falls outside the text.
import FuzzDriver
import MarketData

let tagger = TemporalTagger()
let reference = CivilDate(year: 2025, month: 4, day: 9)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDates(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  guard let start, count > 0 else { return 0 }
  // The first byte's low bit picks tagging with or without the reference date.
  let ref = start[0] & 1 == 0 ? reference : nil
  let text = String(decoding: UnsafeBufferPointer(start: start + 1, count: count - 1), as: UTF8.self)
  let characters = text.unicodeScalars.count
  for e in tagger.tag(text, reference: ref) {
    if e.start < 0 || e.end < e.start || e.end > characters {
      fatalError("span \(e.start)..<\(e.end) outside a text of \(characters) scalars")
    }
  }
  return 0
}

/// The executable's entry point (SwiftPM names it `FuzzDates_main`): runs libFuzzer's driver.
@_cdecl("FuzzDates_main")
public func fuzzDatesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var argc = argc
  var argv = argv
  return LLVMFuzzerRunDriver(&argc, &argv, { data, size in fuzzDates(data, size) })
}
