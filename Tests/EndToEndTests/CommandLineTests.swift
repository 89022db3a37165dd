import Foundation
import Testing

/// Bad flags and bad inputs end with a non-zero status and a one-line message naming the problem.
@Suite struct CommandLineTests {
  static let subcommands = [
    ["run"], ["ingest"], ["prices", "list"], ["prices", "export"], ["extract"], ["dates"], ["study"],
    ["calendar"],
  ]

  @Test(arguments: subcommands) func helpExplainsEveryOption(_ command: [String]) throws {
    let r = try Binary.run(command + ["--help"])
    #expect(r.status == 0)
    #expect(r.out.contains("USAGE"))
    // Every option line carries a help text: no line of the OPTIONS section is a bare flag.
    let options = r.out.components(separatedBy: "OPTIONS:").last ?? ""
    for line in options.split(separator: "\n") where line.hasPrefix("  -") {
      let text = line.trimmingCharacters(in: .whitespaces)
      let hasHelpOnLine = text.range(of: "  ") != nil
      let isFollowedByHelp = options.contains(text + "\n      ") || options.contains(text + "\n        ")
      #expect(hasHelpOnLine || isFollowedByHelp, "no help for \(text) in \(command)")
    }
  }

  @Test func unknownFlagFails() throws {
    let r = try Binary.run(["study", "--events", "x.csv", "--no-such-flag"])
    #expect(r.status != 0)
    #expect(r.err.contains("--no-such-flag"))
  }

  @Test func missingFilesAreNamed() throws {
    let dir = try Binary.temporaryDirectory()
    let missing = dir.appendingPathComponent("nope.csv").path
    let ingest = try Binary.run(["ingest", "--db", dir.appendingPathComponent("db.sqlite").path, missing])
    #expect(ingest.status != 0)
    #expect(ingest.err.contains(missing))
    let study = try Binary.run([
      "study", "--db", dir.appendingPathComponent("none.sqlite").path, "--events", missing,
    ])
    #expect(study.status != 0)
    #expect(study.err.contains("none.sqlite"))
    let extract = try Binary.run(["extract", missing])
    #expect(extract.status != 0)
    #expect(extract.err.contains(missing))
  }

  @Test func unreadableInputIsReportedWithItsName() throws {
    let dir = try Binary.temporaryDirectory()
    let binary = dir.appendingPathComponent("prices.csv")
    try Data([0, 1, 2, 3, 0xff, 0xfe, 0, 0, 7]).write(to: binary)
    let r = try Binary.run(["ingest", "--db", dir.appendingPathComponent("db.sqlite").path, binary.path])
    #expect(r.status != 0)
    #expect(r.err.contains(binary.path))
  }

  @Test func badOptionValuesSayWhatWasExpected() throws {
    let dir = try Binary.temporaryDirectory()
    let db = dir.appendingPathComponent("db.sqlite").path
    _ = try Binary.run(["ingest", "--db", db, "--quiet", Binary.sample("prices/MP.csv")])
    let r = try Binary.run(["study", "--db", db, "--events", Binary.sample("events.csv"), "--model", "magic"])
    #expect(r.status != 0)
    #expect(r.err.contains("magic"))
    #expect(r.err.contains("market-model"))
  }

  @Test func calendarListsSessions() throws {
    let r = try Binary.run(["calendar", "XSHG", "--from", "2025-09-29", "--to", "2025-10-10"])
    #expect(r.status == 0)
    // National Day and Mid-Autumn: Shanghai closed 2025-10-01 through 2025-10-08.
    #expect(r.out == "2025-09-29\n2025-09-30\n2025-10-09\n2025-10-10\n")
  }
}
