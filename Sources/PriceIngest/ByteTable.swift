#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A small open-addressing hash table from byte strings (tickers) to indices, so a long panel
/// looks up each row's ticker without building a `String`. Each key is an entry (numbered in
/// insertion order) that also remembers the entry looked up after it last time (`follower`), so
/// a file that repeats its tickers in the same order each day finds the next one by one compare
/// instead of a hash and a probe. Storage is raw memory owned by the table (a lookup does no
/// reference counting, uniqueness or exclusivity checks).
final class ByteTable {
  private struct Slot {
    var hash: UInt64
    /// Entry number, or -1 for an empty slot.
    var entry: Int32
  }

  /// The keys' bytes one after another.
  private var keys: UnsafeMutablePointer<UInt8>
  private var keyCapacity = 4096
  private var keyCount = 0
  private var slots: UnsafeMutablePointer<Slot>
  private var mask: Int
  /// Per entry: where its key starts in `keys`, its length, its value and its follower (-1: none).
  private var starts: UnsafeMutablePointer<Int32>
  private var lengths: UnsafeMutablePointer<Int32>
  private var values: UnsafeMutablePointer<Int32>
  private var followers: UnsafeMutablePointer<Int32>
  /// Per entry: its key's first 8 bytes as a little-endian word, zero past the key.
  private var prefixes: UnsafeMutablePointer<UInt64>
  private var entryCapacity = 256
  /// Number of entries.
  private(set) var count = 0

  init() {
    slots = .allocate(capacity: 1024)
    slots.initialize(repeating: Slot(hash: 0, entry: -1), count: 1024)
    mask = 1023
    keys = .allocate(capacity: keyCapacity)
    starts = .allocate(capacity: entryCapacity)
    lengths = .allocate(capacity: entryCapacity)
    values = .allocate(capacity: entryCapacity)
    followers = .allocate(capacity: entryCapacity)
    prefixes = .allocate(capacity: entryCapacity)
  }

  /// A table with the same entries as `other` (its own memory).
  private init(copying other: ByteTable) {
    let n = other.mask + 1
    slots = .allocate(capacity: n)
    slots.initialize(from: other.slots, count: n)
    mask = other.mask
    keyCapacity = other.keyCapacity
    keyCount = other.keyCount
    keys = .allocate(capacity: keyCapacity)
    keys.initialize(from: other.keys, count: keyCount)
    entryCapacity = other.entryCapacity
    count = other.count
    starts = .allocate(capacity: entryCapacity)
    lengths = .allocate(capacity: entryCapacity)
    values = .allocate(capacity: entryCapacity)
    followers = .allocate(capacity: entryCapacity)
    prefixes = .allocate(capacity: entryCapacity)
    starts.initialize(from: other.starts, count: count)
    lengths.initialize(from: other.lengths, count: count)
    values.initialize(from: other.values, count: count)
    followers.initialize(from: other.followers, count: count)
    prefixes.initialize(from: other.prefixes, count: count)
  }

  /// A copy of the table (a few memory copies, no hashing).
  func copy() -> ByteTable { ByteTable(copying: self) }

  deinit {
    slots.deallocate()
    keys.deallocate()
    starts.deallocate()
    lengths.deallocate()
    values.deallocate()
    followers.deallocate()
    prefixes.deallocate()
  }

  @inline(__always) static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
    return h
  }

  /// The first `n` (at most 8) bytes at `p` as a little-endian word, zero past them, reading 8
  /// bytes (they must be readable): what `prefix(of:)` holds for a key of those bytes.
  @inline(__always) static func word(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    let x = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    return n >= 8 ? x : x & ((1 &<< UInt64(truncatingIfNeeded: n &* 8)) &- 1)
  }

  /// Whether entry `e`'s key is the `n` (at most 8) bytes whose `word` is `w`.
  @inline(__always) func isKey(_ e: Int, word w: UInt64, count n: Int) -> Bool {
    prefixes[e] == w && Int(lengths[e]) == n
  }

  /// Whether entry `e`'s key is `key`.
  @inline(__always) func matches(_ e: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
    guard Int(lengths[e]) == key.count else { return false }
    guard let qb = key.baseAddress else { return true }
    // Tickers are short: compare inline rather than call into libc.
    let kb = keys + Int(starts[e])
    var j = 0
    while j < key.count && kb[j] == qb[j] { j += 1 }
    return j == key.count
  }

  /// The value stored for entry `e`.
  @inline(__always) func value(_ e: Int) -> Int { Int(values[e]) }

  /// The entry looked up after `e` last time (see `setFollower`), or -1.
  @inline(__always) func follower(_ e: Int) -> Int { Int(followers[e]) }

  /// Remembers that entry `f` was looked up right after entry `e`.
  @inline(__always) func setFollower(_ e: Int, _ f: Int) { followers[e] = Int32(truncatingIfNeeded: f) }

  /// The entry for `key`, or -1.
  @inline(__always) func entry(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int {
    let slots = self.slots
    let mask = self.mask
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let s = slots[i]
      if s.entry < 0 { return -1 }
      if s.hash == h && matches(Int(s.entry), key) { return Int(s.entry) }
      i = (i + 1) & mask
    }
  }

  /// The index stored for `key`, or `nil`.
  @inline(__always) func find(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int? {
    let e = entry(key, hash: h)
    return e < 0 ? nil : value(e)
  }

  /// Stores `value` for `key` (which must not be present); returns the new entry.
  @discardableResult
  func insert(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64, value: Int) -> Int {
    if (count + 1) * 2 > mask + 1 { grow() }
    if keyCount + key.count > keyCapacity {
      var c = keyCapacity * 2
      while c < keyCount + key.count { c *= 2 }
      let k = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
      k.update(from: keys, count: keyCount)
      keys.deallocate()
      keys = k
      keyCapacity = c
    }
    if count == entryCapacity { growEntries() }
    let e = count
    starts[e] = Int32(keyCount)
    lengths[e] = Int32(key.count)
    values[e] = Int32(value)
    followers[e] = -1
    var prefix: UInt64 = 0
    for (j, c) in key.prefix(8).enumerated() { prefix |= UInt64(c) << UInt64(8 * j) }
    prefixes[e] = prefix
    var i = Int(truncatingIfNeeded: h) & mask
    while slots[i].entry >= 0 { i = (i + 1) & mask }
    slots[i] = Slot(hash: h, entry: Int32(e))
    if let b = key.baseAddress { (keys + keyCount).update(from: b, count: key.count) }
    keyCount += key.count
    count += 1
    return e
  }

  private func growEntries() {
    let c = entryCapacity * 2
    func move(_ p: UnsafeMutablePointer<Int32>) -> UnsafeMutablePointer<Int32> {
      let q = UnsafeMutablePointer<Int32>.allocate(capacity: c)
      q.update(from: p, count: count)
      p.deallocate()
      return q
    }
    starts = move(starts)
    lengths = move(lengths)
    values = move(values)
    followers = move(followers)
    let p = UnsafeMutablePointer<UInt64>.allocate(capacity: c)
    p.update(from: prefixes, count: count)
    prefixes.deallocate()
    prefixes = p
    entryCapacity = c
  }

  private func grow() {
    let old = slots
    let oldCount = mask + 1
    let n = oldCount * 2
    slots = .allocate(capacity: n)
    slots.initialize(repeating: Slot(hash: 0, entry: -1), count: n)
    mask = n - 1
    for j in 0..<oldCount where old[j].entry >= 0 {
      let s = old[j]
      var i = Int(truncatingIfNeeded: s.hash) & mask
      while slots[i].entry >= 0 { i = (i + 1) & mask }
      slots[i] = s
    }
    old.deallocate()
  }
}
