/// A value and where it came from, sorted by value to compute ranks.
struct RankEntry {
  /// The value ranked (finite).
  var value: Double
  /// The caller's label for where the value came from.
  var slot: Int32
}

/// A monomorphic in-place sort of `RankEntry` by value for the per-pair rank computations:
/// quicksort with a branch-free Lomuto partition (the comparison feeds an index increment, not a
/// jump, so random data costs no mispredictions), median-of-three pivot, insertion sort below 17
/// elements and heapsort past 2·log₂n levels (O(n log n) in the worst case). When the pivot is the
/// range's minimum, a second pass sets every element equal to it aside, so runs of equal values
/// cannot make it quadratic. The standard library's generic stable sort calls its comparator
/// indirectly and ran ~5× slower on the 250-value arrays a study ranks 100,000 times. Not
/// stable; ranks average ties, so order among equal values does not matter.
enum RankSort {
  static func sort(_ a: UnsafeMutableBufferPointer<RankEntry>) {
    var scratch = RankScratch()
    sort(a, scratch: &scratch)
  }

  /// As `sort(_:)`, with the bucket pass's work arrays taken from `scratch` (one per thread, reused
  /// across the pairs it ranks, so ranking allocates nothing once they have grown).
  static func sort(_ a: UnsafeMutableBufferPointer<RankEntry>, scratch: inout RankScratch) {
    guard a.count > 1 else { return }
    if a.count > 32 && bucketSort(a, scratch: &scratch) { return }
    let depth = 2 * (Int.bitWidth - a.count.leadingZeroBitCount)
    introsort(a, a.startIndex, a.endIndex - 1, depth: depth)
  }

  /// The finite `values` in ascending order (the bucket pass makes this O(n) on bell-shaped data,
  /// where the standard library's sort is O(n log n)).
  static func sorted(_ values: [Double]) -> [Double] {
    var entries = values.map { RankEntry(value: $0, slot: 0) }
    entries.withUnsafeMutableBufferPointer { sort($0) }
    return entries.map(\.value)
  }

  /// Distributes the values over 2n equal-width buckets between the minimum and the maximum (the
  /// bucket index ⌊(v − min)·scale⌋ never decreases as v grows, so buckets are in order), then one
  /// insertion pass sorts within buckets: O(n) for the bell-shaped residuals a study ranks.
  /// Returns `false`, leaving `a` as it was, when the values are too concentrated for that
  /// (more than 64 in one bucket) or their range overflows; the caller then uses `introsort`.
  private static func bucketSort(_ a: UnsafeMutableBufferPointer<RankEntry>, scratch: inout RankScratch)
    -> Bool
  {
    let n = a.count
    guard n < 1 << 29 else { return false }  // bucket counts are Int32
    var lo = a[0].value
    var hi = lo
    var finite = true
    for e in a {
      let v = e.value
      finite = finite && v.isFinite
      lo = v < lo ? v : lo
      hi = v > hi ? v : hi
    }
    guard finite else { return false }  // not for NaN or ±∞: the quicksort copes
    guard hi > lo else { return true }  // all equal: already sorted
    let buckets = 2 * n
    let scale = Double(buckets) / (hi - lo)
    guard (hi - lo).isFinite, scale.isFinite, scale > 0 else { return false }
    if scratch.start.count < buckets + 1 { scratch.start = [Int32](repeating: 0, count: buckets + 1) }
    if scratch.sorted.count < n {
      scratch.sorted = [RankEntry](repeating: RankEntry(value: 0, slot: 0), count: n)
    }
    var tallest: Int32 = 0
    let fits = scratch.start.withUnsafeMutableBufferPointer { c -> Bool in
      for b in 0...buckets { c[b] = 0 }
      // Counts and starts stay below n + 1 ≤ Int32.max: wrapping arithmetic cannot wrap.
      for e in a {
        let b = min(Int((e.value - lo) * scale), buckets - 1)
        c[b + 1] &+= 1
      }
      for b in 0..<buckets {
        let k = c[b + 1]
        tallest = k > tallest ? k : tallest
        c[b + 1] = k &+ c[b]
      }
      guard tallest <= 64 else { return false }
      scratch.sorted.withUnsafeMutableBufferPointer { out in
        for e in a {
          let b = min(Int((e.value - lo) * scale), buckets - 1)
          out[Int(c[b])] = e
          c[b] &+= 1
        }
        if let to = a.baseAddress, let from = out.baseAddress { to.update(from: from, count: n) }
      }
      return true
    }
    guard fits else { return false }
    insertionSort(a, a.startIndex, a.endIndex - 1)
    return true
  }

  /// Moves the elements of [lo, hi] for which `value < pivot` (or `<=` when `orEqual`) to the
  /// front, branch-free; returns the index of the first element of the second part.
  @inline(__always)
  private static func partition(
    _ a: UnsafeMutableBufferPointer<RankEntry>, _ lo: Int, _ hi: Int, pivot: Double, orEqual: Bool
  ) -> Int {
    var i = lo
    if orEqual {
      for k in lo...hi {
        let e = a[k]
        a[k] = a[i]
        a[i] = e
        i &+= e.value <= pivot ? 1 : 0
      }
    } else {
      for k in lo...hi {
        let e = a[k]
        a[k] = a[i]
        a[i] = e
        i &+= e.value < pivot ? 1 : 0
      }
    }
    return i
  }

  private static func introsort(
    _ a: UnsafeMutableBufferPointer<RankEntry>, _ low: Int, _ high: Int, depth: Int
  ) {
    var lo = low
    var hi = high
    var depth = depth
    while hi - lo > 16 {
      if depth == 0 {
        heapsort(a, lo, hi)
        return
      }
      depth -= 1
      let x = a[lo].value
      let y = a[lo + (hi - lo) / 2].value
      let z = a[hi].value
      let pivot = max(min(x, y), min(max(x, y), z))
      let split = partition(a, lo, hi, pivot: pivot, orEqual: false)
      if split == lo {
        // The pivot is the minimum: everything equal to it is in place once moved to the front.
        lo = partition(a, lo, hi, pivot: pivot, orEqual: true)
        continue
      }
      // [lo, split) < pivot ≤ [split, hi]; recurse into the smaller side, loop on the larger.
      if split - lo < hi - split {
        introsort(a, lo, split - 1, depth: depth)
        lo = split
      } else {
        introsort(a, split, hi, depth: depth)
        hi = split - 1
      }
    }
    insertionSort(a, lo, hi)
  }

  private static func insertionSort(_ a: UnsafeMutableBufferPointer<RankEntry>, _ lo: Int, _ hi: Int) {
    guard lo < hi else { return }
    for i in (lo + 1)...hi {
      let e = a[i]
      var j = i - 1
      while j >= lo && a[j].value > e.value {
        a[j + 1] = a[j]
        j -= 1
      }
      a[j + 1] = e
    }
  }

  private static func heapsort(_ a: UnsafeMutableBufferPointer<RankEntry>, _ lo: Int, _ hi: Int) {
    let n = hi - lo + 1
    func siftDown(_ start: Int, _ end: Int) {
      var root = start
      while 2 * root + 1 < end {
        var child = 2 * root + 1
        if child + 1 < end && a[lo + child].value < a[lo + child + 1].value { child += 1 }
        guard a[lo + root].value < a[lo + child].value else { return }
        a.swapAt(lo + root, lo + child)
        root = child
      }
    }
    var start = n / 2 - 1
    while start >= 0 {
      siftDown(start, n)
      start -= 1
    }
    var end = n - 1
    while end > 0 {
      a.swapAt(lo, lo + end)
      siftDown(0, end)
      end -= 1
    }
  }
}

/// Work arrays of the bucket pass, kept between sorts by one thread.
struct RankScratch {
  /// Bucket starts (2n + 1).
  var start: [Int32] = []
  /// The values distributed over the buckets (n).
  var sorted: [RankEntry] = []
  /// The entries being ranked (the caller's buffer).
  var entries: [RankEntry] = []
}
