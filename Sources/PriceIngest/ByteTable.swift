#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A small open-addressing hash table from byte strings (tickers) to indices, so a long panel
/// looks up each row's ticker without building a `String`. Storage is raw memory owned by the
/// table (a lookup does no reference counting, uniqueness or exclusivity checks).
final class ByteTable {
  private struct Slot {
    var hash: UInt64
    var start: Int32
    var length: Int32
    var value: Int32
  }

  private var keys: UnsafeMutablePointer<UInt8>
  private var keyCapacity = 4096
  private var keyCount = 0
  private var slots: UnsafeMutablePointer<Slot>
  private var mask: Int
  private(set) var count = 0

  init() {
    slots = .allocate(capacity: 1024)
    slots.initialize(repeating: Slot(hash: 0, start: 0, length: -1, value: -1), count: 1024)
    mask = 1023
    keys = .allocate(capacity: keyCapacity)
  }

  deinit {
    slots.deallocate()
    keys.deallocate()
  }

  @inline(__always) static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
    return h
  }

  /// The index stored for `key`, or `nil`.
  @inline(__always) func find(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int? {
    let slots = self.slots
    let keys = self.keys
    let mask = self.mask
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let s = slots[i]
      if s.length < 0 { return nil }
      if s.hash == h && Int(s.length) == key.count {
        guard let qb = key.baseAddress else { return Int(s.value) }
        // Tickers are short: compare inline rather than call into libc.
        let kb = keys + Int(s.start)
        var j = 0
        while j < key.count && kb[j] == qb[j] { j += 1 }
        if j == key.count { return Int(s.value) }
      }
      i = (i + 1) & mask
    }
  }

  /// Stores `value` for `key` (which must not be present).
  func insert(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64, value: Int) {
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
    var i = Int(truncatingIfNeeded: h) & mask
    while slots[i].length >= 0 { i = (i + 1) & mask }
    slots[i] = Slot(hash: h, start: Int32(keyCount), length: Int32(key.count), value: Int32(value))
    if let b = key.baseAddress { (keys + keyCount).update(from: b, count: key.count) }
    keyCount += key.count
    count += 1
  }

  private func grow() {
    let old = slots
    let oldCount = mask + 1
    let n = oldCount * 2
    slots = .allocate(capacity: n)
    slots.initialize(repeating: Slot(hash: 0, start: 0, length: -1, value: -1), count: n)
    mask = n - 1
    for j in 0..<oldCount where old[j].length >= 0 {
      let s = old[j]
      var i = Int(truncatingIfNeeded: s.hash) & mask
      while slots[i].length >= 0 { i = (i + 1) & mask }
      slots[i] = s
    }
    old.deallocate()
  }
}
