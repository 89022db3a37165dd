import Foundation
import MarketData

/// Where the bad-input corpus lives and small helpers shared by the hardening tests.
enum Corpus {
  static var root: URL? { Bundle.module.url(forResource: "Corpus", withExtension: nil) }

  /// File names in a corpus folder, sorted.
  static func files(_ folder: String) -> [String] {
    guard let dir = root?.appendingPathComponent(folder),
      let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
    else { return [] }
    return names.filter { !$0.hasPrefix(".") }.sorted()
  }

  static func path(_ folder: String, _ name: String) -> String {
    root?.appendingPathComponent(folder).appendingPathComponent(name).path ?? name
  }

  static func bytes(_ folder: String, _ name: String) -> [UInt8] {
    FileManager.default.contents(atPath: path(folder, name)).map { [UInt8]($0) } ?? []
  }
}

/// A fresh temporary directory.
func scratchDirectory() -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hardening-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir.path
}

/// Writes `bytes` to `name` in a fresh temporary directory and returns the path.
func scratchFile(_ bytes: [UInt8], name: String) -> String {
  let path = (scratchDirectory() as NSString).appendingPathComponent(name)
  _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
  return path
}

/// The fastest of `runs` timings of `body`, in seconds.
func fastest(runs: Int = 3, _ body: () -> Void) -> Double {
  var best = Double.infinity
  let clock = ContinuousClock()
  for _ in 0..<runs {
    let d = clock.measure(body)
    let s = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    best = min(best, s)
  }
  return best
}
