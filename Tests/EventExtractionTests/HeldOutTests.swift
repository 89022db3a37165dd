import EventExtraction
import Foundation
import Testing

/// Scores the extractor on the held-out set (`DevSet/heldout/`, written by another author and never
/// used to tune rules): prints the scores and asserts floors well below the goals, so the report is
/// always visible and only a collapse fails the build. Skipped when the set is absent.
@Suite struct HeldOutTests {
  @Test func heldOutScoresAreReported() throws {
    guard let root = DevSetTests.root?.appendingPathComponent("heldout"),
      FileManager.default.fileExists(atPath: root.appendingPathComponent("gold.jsonl").path)
    else {
      print("held-out: DevSet/heldout/gold.jsonl not present; nothing scored")
      return
    }
    let s = try DevSetTests.scoreEvents(root)
    print("held-out events: " + s.summary)
    if ProcessInfo.processInfo.environment["HELDOUT_VERBOSE"] != nil {
      for m in s.misses { print("  miss", m) }
    }
    #expect(s.articlesMissing == 0)
    // Measured at merge: F1 0.73, type 0.89, date 0.79; after the article-level event score
    // (extract3): P 0.83 R 0.81 F1 0.82, type 0.94, date 0.93; extract4 (second events in other
    // clauses, more trigger verbs): P 0.85 R 0.90 F1 0.87, type 0.92, date 0.95. Floors for a report,
    // not targets (goals on unseen newswire: F1 0.85, type 0.85, date 0.90).
    #expect(s.f1 >= 0.7)
    #expect(s.typeRate >= 0.75)
    #expect(s.dateRate >= 0.8)
  }
}
