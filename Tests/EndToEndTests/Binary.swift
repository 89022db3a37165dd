import Foundation

/// Runs the real `market-impact` binary built next to the test bundle.
enum Binary {
  static var root: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  static var url: URL {
    // The test bundle sits in .build/<triple>/<config>/; the executable is beside it.
    var dir = Bundle.main.bundleURL
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("market-impact")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return root.appendingPathComponent(".build/debug/market-impact")
  }

  /// Runs the binary; returns exit status, stdout and stderr.
  static func run(_ args: [String], cwd: URL? = nil, stdin: String? = nil) throws -> (
    status: Int32, out: String, err: String
  ) {
    let p = Process()
    p.executableURL = url
    p.arguments = args
    p.currentDirectoryURL = cwd ?? root
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
  }

  static func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mi-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  static func sample(_ path: String) -> String { root.appendingPathComponent("SampleData/" + path).path }
}
