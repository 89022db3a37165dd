import EventExtraction
// libFuzzer target: the article reader (plain text, HTML, RSS/Atom feeds, JSON/JSON Lines) via
// `ArticleReader.read(bytes:name:)`. The first input byte picks the file name, hence the format
// chosen by extension (or, for `.dat`, by sniffing the content).
import FuzzDriver

let names = ["a.txt", "a.html", "a.xml", "a.json", "a.jsonl", "a.dat", "feed.rss", "page.htm#2"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArticle(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  guard let start else { return 0 }
  guard count > 0 else { return 0 }
  let name = names[Int(start[0]) % names.count]
  let bytes = [UInt8](UnsafeBufferPointer(start: start + 1, count: count - 1))
  let (articles, warnings) = ArticleReader.read(bytes: bytes, name: name)
  for a in articles {
    _ = a.title.utf8.count + a.body.utf8.count + a.publishedSource.utf8.count
  }
  for w in warnings { _ = w.description }
  return 0
}

/// The executable's entry point (SwiftPM names it `FuzzArticle_main`): runs libFuzzer's driver.
@_cdecl("FuzzArticle_main")
public func fuzzArticleMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt
{
  var argc = argc
  var argv = argv
  return LLVMFuzzerRunDriver(&argc, &argv, { data, size in fuzzArticle(data, size) })
}
