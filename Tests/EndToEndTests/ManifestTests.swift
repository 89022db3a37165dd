import Foundation
import MarketData
import Testing

/// `run.json` and `market-impact rerun`: the manifest records the command, every parameter, the
/// inputs' digests and row counts, and re-running it reproduces the reports byte for byte.
@Suite(.serialized) struct ManifestTests {
  func json(_ url: URL) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    return try #require(object as? [String: Any])
  }

  func ingest(_ dir: URL) throws -> String {
    let db = dir.appendingPathComponent("prices.sqlite").path
    let r = try Binary.run(["ingest", "--db", db, "--quiet", Binary.sample("prices")])
    #expect(r.status == 0, "stderr: \(r.err)")
    return db
  }

  static let reportFiles = [
    "abnormal_returns.csv", "car.csv", "summary.csv", "aar.csv", "excluded.csv", "events.csv", "caar.svg",
    "car_paths.svg", "report.html",
  ]

  @Test func studyManifestRecordsCommandParametersInputsAndOutcomes() throws {
    let dir = try Binary.temporaryDirectory()
    let db = try ingest(dir)
    // Relative paths on the command line, run from the temporary directory.
    try FileManager.default.copyItem(
      atPath: Binary.sample("events.csv"), toPath: dir.appendingPathComponent("events.csv").path)
    let args = [
      "study", "--db", "prices.sqlite", "--events", "events.csv", "--out", "out", "--windows", "0:0,-1:1",
    ]
    let r = try Binary.run(args, cwd: dir)
    #expect(r.status == 0, "stderr: \(r.err)")
    let m = try json(dir.appendingPathComponent("out/run.json"))
    #expect(m["marketImpactVersion"] as? String == "0.1.0")
    #expect(m["command"] as? String == "study")
    #expect((m["argv"] as? [String])?.dropFirst().map { $0 } == args)
    #expect(
      m["workingDirectory"] as? String == dir.resolvingSymlinksInPath().path
        || m["workingDirectory"] as? String == dir.path)
    // Every study parameter, the defaults filled in.
    let parameters = try #require(m["parameters"] as? [String: Any])
    let study = try #require(parameters["study"] as? [String: Any])
    #expect(study["model"] as? String == "market-model")
    #expect(study["estimation"] as? String == "-250:-11")
    #expect(study["minimumEstimation"] as? Int == 100)
    #expect(study["windows"] as? String == "0:0,-1:1")
    #expect(study["nonTrading"] as? String == "next")
    #expect(study["returns"] as? String == "simple")
    #expect(study["market"] as? String == "")
    #expect(study["bootstrapDraws"] as? Int == 999)
    #expect(study["seed"] as? Int == 20_250_626)
    #expect(study["regress"] as? [String] == [])
    #expect(study["groupBy"] as? [String] == [])
    #expect(study["factors"] as? [String] == [])
    #expect((parameters["events"] as? String)?.hasPrefix("/") == true)
    let resolved = try #require(m["resolved"] as? [String: Any])
    #expect(
      resolved["marketPerExchange"] as? [String: String] == [
        "XNYS": "SPY", "XSHG": "000300.SS", "XASX": "XJO.AX",
      ])
    // Inputs: the events file with its SHA-256 and 7 events; the store with its price rows.
    let inputs = try #require(m["inputs"] as? [[String: Any]])
    let events = try #require(inputs.first { $0["role"] as? String == "events" })
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Binary.sample("events.csv"))))
    #expect(events["sha256"] as? String == SHA256Digest.hex(bytes))
    #expect(events["rows"] as? Int == 7)
    #expect(events["bytes"] as? Int == bytes.count)
    let store = try #require(inputs.first { $0["role"] as? String == "price_store" })
    #expect(store["path"] as? String == db || (store["path"] as? String)?.hasSuffix("/prices.sqlite") == true)
    // Price rows: what `prices list` reports per security, summed.
    let list = try Binary.run(["prices", "list", "--db", db])
    let listed = try CSVText.parse(list.out).dropFirst().compactMap { Int($0.fields[5]) }.reduce(0, +)
    #expect(listed > 6000)
    #expect(store["rows"] as? Int == listed)
    let files = inputs.filter { $0["role"] as? String == "price_file_in_store" }
    #expect(files.count == 6)
    let mpFile = try #require(files.first { ($0["path"] as? String)?.hasSuffix("MP.csv") == true })
    let mpBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Binary.sample("prices/MP.csv"))))
    #expect(mpFile["sha256"] as? String == SHA256Digest.hex(mpBytes))
    #expect(mpFile["rows"] as? Int == 900)
    // Outcome counts: every outcome, summing to the pairs.
    let outcomes = try #require(m["outcomes"] as? [[String: Any]])
    #expect(outcomes.count == 10)
    #expect(outcomes.first?["outcome"] as? String == "ok")
    #expect(outcomes.first?["count"] as? Int == 20)
    #expect(outcomes.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == m["pairs"] as? Int)
    // Time taken, and outputs with digests.
    #expect((m["durationSeconds"] as? Double ?? -1) >= 0)
    #expect((m["stageSeconds"] as? [String: Double])?["study"] != nil)
    let outputs = try #require(m["outputs"] as? [[String: Any]])
    #expect(outputs.compactMap { $0["file"] as? String } == Self.reportFiles)
    let car = try #require(outputs.first { $0["file"] as? String == "car.csv" })
    #expect(car["rows"] as? Int == 40)
    // Timestamps and durations only in run.json: not in any report.
    let started = try #require(m["startedAt"] as? String)
    for f in Self.reportFiles {
      let text = try String(contentsOf: dir.appendingPathComponent("out/" + f), encoding: .utf8)
      #expect(!text.contains(String(started.prefix(16))), "\(f) carries the run's timestamp")
    }
  }

  @Test func rerunReproducesEveryReportByteForByte() throws {
    let dir = try Binary.temporaryDirectory()
    let db = try ingest(dir)
    let first = dir.appendingPathComponent("first")
    let r = try Binary.run([
      "study", "--db", db, "--events", Binary.sample("events.csv"), "--out", first.path, "--model",
      "market-adjusted",
      "--windows", "-2:2,0:1", "--group-by", "direction", "--regress", "type", "--bootstrap", "199",
      "--quiet",
    ])
    #expect(r.status == 0, "stderr: \(r.err)")
    // Re-run from another working directory into another folder.
    let second = dir.appendingPathComponent("second")
    let elsewhere = try Binary.temporaryDirectory()
    let rerun = try Binary.run(
      ["rerun", first.appendingPathComponent("run.json").path, "--out", second.path], cwd: elsewhere)
    #expect(rerun.status == 0, "stderr: \(rerun.err)")
    #expect(rerun.out.isEmpty)
    #expect(rerun.err.contains("reproduced 10 of 10 report(s) byte for byte"))
    for f in Self.reportFiles + ["regression.csv"] {
      let a = try Data(contentsOf: first.appendingPathComponent(f))
      let b = try Data(contentsOf: second.appendingPathComponent(f))
      #expect(a == b, "\(f) differs after rerun")
    }
    let m1 = try json(first.appendingPathComponent("run.json"))
    let m2 = try json(second.appendingPathComponent("run.json"))
    #expect(
      ((m2["parameters"] as? [String: Any])?["study"] as? [String: Any])?["model"] as? String
        == "market-adjusted")
    #expect((m2["rerunOf"] as? String)?.hasSuffix("first/run.json") == true)
    #expect((m1["outputs"] as? NSArray) == (m2["outputs"] as? NSArray))
  }

  @Test func rerunOfAWholeRunReproducesItsReports() throws {
    let dir = try Binary.temporaryDirectory()
    let first = dir.appendingPathComponent("first")
    let r = try Binary.run([
      "run", "--articles", Binary.sample("articles"), "--prices", Binary.sample("prices"), "--tickers",
      Binary.sample("tickers.csv"), "--out", first.path, "--quiet",
    ])
    #expect(r.status == 0, "stderr: \(r.err)")
    let m = try json(first.appendingPathComponent("run.json"))
    #expect(m["command"] as? String == "run")
    let inputs = try #require(m["inputs"] as? [[String: Any]])
    #expect(inputs.filter { $0["role"] as? String == "price_file" }.count == 6)
    #expect(inputs.filter { $0["role"] as? String == "article_file" }.count == 8)
    #expect(inputs.contains { $0["role"] as? String == "tickers" })
    let feed = try #require(inputs.first { ($0["path"] as? String)?.hasSuffix("feed.xml") == true })
    #expect(feed["rows"] as? Int == 2)
    let extract = try #require((m["parameters"] as? [String: Any])?["extract"] as? [String: Any])
    // Unset options are recorded as null, not left out.
    #expect(extract.keys.sorted() == ["published", "tickerFiles", "timeZone"])
    let second = dir.appendingPathComponent("second")
    let rerun = try Binary.run(["rerun", first.appendingPathComponent("run.json").path, "--out", second.path])
    #expect(rerun.status == 0, "stderr: \(rerun.err)")
    for f in Self.reportFiles + ["events_extracted.csv", "articles.csv"] {
      let a = try Data(contentsOf: first.appendingPathComponent(f))
      let b = try Data(contentsOf: second.appendingPathComponent(f))
      #expect(a == b, "\(f) differs after rerun")
    }
  }

  /// `run` takes `ingest`'s reading overrides (`--input-returns` being `ingest --returns`, since
  /// `run --returns` is the study's return kind) and records them for `rerun`.
  @Test func runTakesTheIngestOverrides() throws {
    let dir = try Binary.temporaryDirectory()
    let out = dir.appendingPathComponent("out")
    let r = try Binary.run([
      "run", "--articles", Binary.sample("articles"), "--prices", Binary.sample("prices"), "--tickers",
      Binary.sample("tickers.csv"), "--out", out.path, "--no-input-returns", "--date-format", "YYYY-MM-DD",
      "--returns", "log", "--quiet",
    ])
    #expect(r.status == 0, "stderr: \(r.err)")
    let parameters = try #require(
      try json(out.appendingPathComponent("run.json"))["parameters"] as? [String: Any])
    let ingest = try #require(parameters["ingest"] as? [String: Any])
    #expect(ingest["returns"] as? Bool == false)
    #expect(ingest["dateFormat"] as? String == "YYYY-MM-DD")
    #expect((parameters["study"] as? [String: Any])?["returns"] as? String == "log")
    let bad = try Binary.run([
      "run", "--articles", Binary.sample("articles"), "--prices", Binary.sample("prices"), "--out",
      dir.appendingPathComponent("bad").path, "--date-format", "DD.MM.YYYY",
    ])
    // Every sample file has ISO (or YYYYMMDD) dates: read as D.M.Y no row is usable, and each
    // file is named with its first problem.
    #expect(bad.err.contains("MP.csv: none of the 900 data rows could be used"), "stderr: \(bad.err)")
    #expect(bad.err.contains("MP.csv:2:1: cannot read date \"2022-06-01\""))
  }

  @Test func rerunRefusesAChangedInput() throws {
    let dir = try Binary.temporaryDirectory()
    let db = try ingest(dir)
    let events = dir.appendingPathComponent("events.csv")
    try FileManager.default.copyItem(atPath: Binary.sample("events.csv"), toPath: events.path)
    let out = dir.appendingPathComponent("out")
    let r = try Binary.run(["study", "--db", db, "--events", events.path, "--out", out.path, "--quiet"])
    #expect(r.status == 0, "stderr: \(r.err)")
    let handle = try FileHandle(forWritingTo: events)
    handle.seekToEndOfFile()
    handle.write(Data("E-extra,2025-01-02,,,MP,tariff,restrict,added later\n".utf8))
    try handle.close()
    let rerun = try Binary.run([
      "rerun", out.appendingPathComponent("run.json").path, "--out", dir.appendingPathComponent("again").path,
    ])
    #expect(rerun.status != 0)
    #expect(rerun.err.contains(events.path))
    #expect(rerun.err.contains("changed since the manifest"))
  }

  /// The store is fingerprinted by its ingest log: ingesting the same file again leaves the digest
  /// (and a rerun) alone; ingesting a changed file changes it, and `rerun` names the store.
  @Test func rerunSeesTheStoreChangeThroughItsIngestLog() throws {
    let dir = try Binary.temporaryDirectory()
    let db = try ingest(dir)
    let out = dir.appendingPathComponent("out")
    let r = try Binary.run([
      "study", "--db", db, "--events", Binary.sample("events.csv"), "--out", out.path, "--quiet",
    ])
    #expect(r.status == 0, "stderr: \(r.err)")
    let manifest = out.appendingPathComponent("run.json").path
    let m = try json(URL(fileURLWithPath: manifest))
    let inputs = try #require(m["inputs"] as? [[String: Any]])
    let store = try #require(inputs.first { $0["role"] as? String == "price_store" })
    #expect((store["detail"] as? String)?.contains("ingest log") == true)
    // The same files again: nothing new in the log.
    _ = try ingest(dir)
    let same = try Binary.run(["rerun", manifest, "--out", dir.appendingPathComponent("same").path])
    #expect(same.status == 0, "stderr: \(same.err)")
    // MP.csv with one price changed: a new file for the log.
    let text = try String(contentsOfFile: Binary.sample("prices/MP.csv"), encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let last = lines.lastIndex { !$0.isEmpty } ?? 1
    var fields = lines[last].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    fields[fields.count - 1] = fields[fields.count - 1] == "1" ? "2" : "1"
    lines[last] = fields.joined(separator: ",")
    let changed = dir.appendingPathComponent("MP.csv")
    try Data(lines.joined(separator: "\n").utf8).write(to: changed)
    let again = try Binary.run(["ingest", "--db", db, "--quiet", changed.path])
    #expect(again.status == 0, "stderr: \(again.err)")
    let refused = try Binary.run(["rerun", manifest, "--out", dir.appendingPathComponent("refused").path])
    #expect(refused.status != 0)
    #expect(refused.err.contains("prices.sqlite"))
    #expect(refused.err.contains("changed since the manifest"))
  }

  @Test func aBrokenManifestIsNamed() throws {
    let dir = try Binary.temporaryDirectory()
    let bad = dir.appendingPathComponent("run.json")
    try Data("{\"command\": \"study\"}".utf8).write(to: bad)
    let r = try Binary.run(["rerun", bad.path])
    #expect(r.status != 0)
    #expect(r.err.contains(bad.path))
    #expect(r.err.contains("not a MarketImpact run manifest"))
  }
}
