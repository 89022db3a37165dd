#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A small open-addressing hash table from byte strings (tickers) to indices, so a long panel
/// looks up each row's ticker without building a `String`.
struct ByteTable {
  private var keys: [UInt8] = []
  private var slots: [(hash: UInt64, start: Int32, length: Int32, value: Int32)]
  private var mask: Int
  private(set) var count = 0

  init() {
    slots = Array(repeating: (0, 0, -1, -1), count: 1024)
    mask = 1023
  }

  @inline(__always) static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
    return h
  }

  /// The index stored for `key`, or `nil`.
  @inline(__always) func find(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int? {
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let s = slots[i]
      if s.length < 0 { return nil }
      if s.hash == h && Int(s.length) == key.count {
        let same = keys.withUnsafeBufferPointer { k -> Bool in
          guard let kb = k.baseAddress, let qb = key.baseAddress else { return key.count == 0 }
          return memcmp(kb + Int(s.start), qb, key.count) == 0
        }
        if same { return Int(s.value) }
      }
      i = (i + 1) & mask
    }
  }

  /// Stores `value` for `key` (which must not be present).
  mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64, value: Int) {
    if (count + 1) * 2 > slots.count { grow() }
    var i = Int(truncatingIfNeeded: h) & mask
    while slots[i].length >= 0 { i = (i + 1) & mask }
    slots[i] = (h, Int32(keys.count), Int32(key.count), Int32(value))
    keys.append(contentsOf: key)
    count += 1
  }

  private mutating func grow() {
    let old = slots
    slots = Array(repeating: (0, 0, -1, -1), count: old.count * 2)
    mask = slots.count - 1
    for s in old where s.length >= 0 {
      var i = Int(truncatingIfNeeded: s.hash) & mask
      while slots[i].length >= 0 { i = (i + 1) & mask }
      slots[i] = s
    }
  }
}
