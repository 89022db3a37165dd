import Foundation
import MarketData
import Testing

@testable import PriceStore

/// A new store is filled in a staging file and appears at its path complete.
@Suite struct StagingTests {
  let a = PriceSeries(
    ticker: "A", exchange: .xnys, dates: [day("2024-01-02"), day("2024-01-03")], close: [1, 2])

  func stagingFiles(_ path: String) -> [String] {
    let url = URL(fileURLWithPath: path)
    let names =
      (try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)) ?? []
    return names.filter { $0.hasPrefix(url.lastPathComponent + ".incoming-") }
  }

  func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

  @Test func theFirstFileAppearsWithTheStore() throws {
    let path = tempDB()
    let store = try PriceStore(path: path)
    #expect(!exists(path))
    #expect(stagingFiles(path).count == 1)
    let out = try store.storeStreaming { append in
      try append(a)
      // While the file is read, there is no store at the path yet.
      #expect(!exists(path))
      return file([], sha: "first", rowsRead: 2)
    }
    #expect(out.rowsInserted == 2)
    #expect(exists(path))
    #expect(stagingFiles(path).isEmpty)
    #expect(try store.query("PRAGMA journal_mode") == [["wal"]])
    // A second file goes into the store at its path, through the WAL.
    let b = PriceSeries(ticker: "A", exchange: .xnys, dates: [day("2024-01-04")], close: [3])
    _ = try store.store(file([b], sha: "second"))
    let other = try PriceStore(path: path, readOnly: true)
    #expect(try other.series(for: "A")?.close == [1, 2, 3])
    #expect(try other.query("SELECT count(*) FROM ingest_log") == [["2"]])
  }

  struct Boom: Error {}

  @Test func aFailedFirstFileLeavesNoStoreAndTheNextOneWorks() throws {
    let path = tempDB()
    let store = try PriceStore(path: path)
    #expect(throws: PriceStoreError.self) {
      try store.storeStreaming { append in
        try append(a)
        throw Boom()
      }
    }
    #expect(!exists(path))
    #expect(stagingFiles(path).count == 1)
    _ = try store.store(file([a], sha: "ok"))
    #expect(exists(path) && stagingFiles(path).isEmpty)
    #expect(try store.series(for: "A")?.close == [1, 2])
    #expect(try store.query("SELECT count(*) FROM ingest_log") == [["1"]])
  }

  @Test func aStoreReleasedWithoutFilesExistsEmpty() throws {
    let path = tempDB()
    do { _ = try PriceStore(path: path) }
    #expect(exists(path) && stagingFiles(path).isEmpty)
    let store = try PriceStore(path: path, readOnly: true)
    #expect(try store.tickers().isEmpty)
    #expect(try store.query("PRAGMA journal_mode") == [["wal"]])
  }

  @Test func abandonedStagingFilesAreRemovedLiveOnesKept() throws {
    let path = tempDB()
    // PID 2^22 + 1 is above Linux's largest PID: no such process.
    let dead = path + ".incoming-4194305-7"
    let live = path + ".incoming-\(getpid())-8"
    for f in [dead, live] { FileManager.default.createFile(atPath: f, contents: Data()) }
    let store = try PriceStore(path: path)
    #expect(!exists(dead) && exists(live))
    _ = try store.store(file([a], sha: "x"))
    try FileManager.default.removeItem(atPath: live)
  }

  @Test func aStoreCreatedMeanwhileByAnotherProcessIsNotReplaced() throws {
    let path = tempDB()
    let store = try PriceStore(path: path)
    // Another writer creates the store first.
    let b = PriceSeries(ticker: "B", exchange: .xnys, dates: [day("2024-01-02")], close: [9])
    do { _ = try PriceStore(path: path + ".other").store(file([b], sha: "b")) }
    try FileManager.default.moveItem(atPath: path + ".other", toPath: path)
    #expect(throws: PriceStoreError.self) { try store.store(file([a], sha: "a")) }
    // The other store is intact, and this one now writes into it.
    #expect(try store.series(for: "B")?.close == [9])
    #expect(try store.series(for: "A") == nil)
    #expect(stagingFiles(path).isEmpty)
  }
}
