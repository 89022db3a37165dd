/// A value and where it came from, sorted by value to compute ranks.
struct RankEntry {
  /// The value ranked (finite).
  var value: Double
  /// The caller's label for where the value came from.
  var slot: Int32
}

/// A monomorphic in-place sort of `RankEntry` by value for the per-pair rank computations: quicksort
/// (median-of-three pivot, Hoare partition, so runs of equal values split evenly) with insertion
/// sort below 17 elements and heapsort past 2·log₂n levels (O(n log n) in the worst case). The
/// standard library's generic stable sort calls its comparator indirectly and ran ~5× slower on
/// the 250-value arrays a study ranks 100,000 times. Not stable; ranks average ties, so order among
/// equal values does not matter.
enum RankSort {
  static func sort(_ a: UnsafeMutableBufferPointer<RankEntry>) {
    guard a.count > 1 else { return }
    let depth = 2 * (Int.bitWidth - a.count.leadingZeroBitCount)
    introsort(a, a.startIndex, a.endIndex - 1, depth: depth)
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
      var i = lo - 1
      var j = hi + 1
      while true {
        repeat { i += 1 } while a[i].value < pivot
        repeat { j -= 1 } while a[j].value > pivot
        if i >= j { break }
        a.swapAt(i, j)
      }
      // [lo, j] ≤ pivot ≤ [j + 1, hi]; recurse into the smaller side, loop on the larger.
      if j - lo < hi - j {
        introsort(a, lo, j, depth: depth)
        lo = j + 1
      } else {
        introsort(a, j + 1, hi, depth: depth)
        hi = j
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
