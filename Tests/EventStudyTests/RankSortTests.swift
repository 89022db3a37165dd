import Testing

@testable import EventStudy

/// The monomorphic rank sort and the one-sort rank computation, checked against the standard
/// library's sort and the plain `AggregateTests.averageRanks` (sort indices, average tied runs).
@Suite struct RankSortTests {
  /// Values drawn from a small set (many ties) or a wide one, lengths across the insertion-sort,
  /// quicksort and (sorted / all-equal) adversarial cases.
  static func samples() -> [[Double]] {
    var rng = SplitMix64(seed: 7)
    var out: [[Double]] = [[], [1], [2, 1], Array(repeating: 0.5, count: 300), (0..<500).map(Double.init)]
    out.append((0..<500).map { Double(500 - $0) })
    for length in [3, 16, 17, 18, 40, 251, 1000] {
      for distinct in [2, 5, 1_000_000] {
        out.append((0..<length).map { _ in Double(rng.next() % UInt64(distinct)) - Double(distinct / 2) })
      }
    }
    // Bell-shaped (the bucket path), with an outlier (too concentrated: the quicksort path), with
    // huge magnitudes whose range overflows.
    for length in [33, 251, 2000] {
      let bell = (0..<length).map { _ in
        (0..<4).reduce(0.0) { s, _ in s + Double(rng.next() % 1_000_000) / 1e6 } - 2
      }
      out.append(bell)
      out.append(bell + [1e9])
      out.append(bell.map { $0 * 1e307 })
    }
    return out
  }

  @Test func sortsLikeTheStandardLibrary() {
    for values in Self.samples() {
      var entries = values.enumerated().map { RankEntry(value: $1, slot: Int32($0)) }
      entries.withUnsafeMutableBufferPointer { RankSort.sort($0) }
      #expect(entries.map(\.value) == values.sorted())
      #expect(Set(entries.map(\.slot)) == Set(values.indices.map { Int32($0) }))
    }
  }

  @Test func nonFiniteValuesDoNotTrap() {
    // Callers pass finite values; a NaN or ±∞ must still not crash the bucket pass.
    var entries = (0..<40).map { RankEntry(value: Double($0 % 7), slot: Int32($0)) }
    entries[3].value = .nan
    entries[9].value = .infinity
    entries.withUnsafeMutableBufferPointer { RankSort.sort($0) }
    #expect(entries.count == 40)
  }

  @Test func ranksMatchAverageRanks() {
    // A pair with an estimation window [-10, -3] (8 residuals, one missing) and an event span
    // [-2, 2] (5 ARs, one missing): Corrado ranks the residuals with the event ARs, GRANK the
    // residuals alone.
    var rng = SplitMix64(seed: 11)
    for trial in 0..<200 {
      let distinct = trial % 2 == 0 ? 3 : 1_000
      var res = (0..<8).map { _ in Double(rng.next() % UInt64(distinct)) }
      var ar = (0..<5).map { _ in Double(rng.next() % UInt64(distinct)) }
      res[Int(rng.next() % 8)] = .nan
      ar[Int(rng.next() % 5)] = .nan
      var parameters = StudyParameters()
      parameters.estimation = (-10, -3)
      parameters.windows = [EventWindow(-2, 2)]
      let prep = StudyStatistics.Prepared(StudyResult(parameters: parameters, events: [], pairs: []))
      let (rankD, sarRank) = prep.ranks(residuals: res, tau0: -10, ar: ar, standardizable: true)
      let union = res + ar
      let expected = AggregateTests.averageRanks(union)
      let m = Double(union.filter(\.isFinite).count)
      let want = expected.map { $0 - (m + 1) / 2 }
      #expect(rankD.count == 13)
      for k in 0..<13 {
        #expect(rankD[k].isNaN == want[k].isNaN)
        if want[k].isFinite { #expect(Double(rankD[k]) == want[k]) }
      }
      let grank = AggregateTests.averageRanks(res)
      for j in 0..<8 {
        #expect(sarRank[j].isNaN == grank[j].isNaN)
        if grank[j].isFinite { #expect(Double(sarRank[j]) == grank[j]) }
      }
    }
  }
}
