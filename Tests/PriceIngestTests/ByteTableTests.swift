import Testing

@testable import PriceIngest

/// The ticker table finds every key it holds by hash, and its one-word test for keys of up to
/// 8 bytes (`word` and `isKey`) agrees with the byte-by-byte `matches`.
@Suite struct ByteTableTests {
  @Test func wordTestAgreesWithByteCompare() {
    var rng = FastPathTests.Rng(state: 31)
    // Short alphabets make near-misses common: keys that differ in one byte, or only in length
    // ("A" and "A\0"), or share their first 8 bytes.
    let alphabet: [UInt8] = [65, 66, 0, 0xFF, 46]
    var keys: [[UInt8]] = []
    var seen = Set<[UInt8]>()
    while keys.count < 600 {
      let n = rng.next(13)
      let key = (0..<n).map { _ in alphabet[rng.next(alphabet.count)] }
      if seen.insert(key).inserted { keys.append(key) }
    }
    let table = ByteTable()
    for (i, key) in keys.enumerated() {
      key.withUnsafeBufferPointer { b in
        #expect(table.entry(b, hash: ByteTable.hash(b)) < 0)
        #expect(table.insert(b, hash: ByteTable.hash(b), value: i * 3) == i)
      }
    }
    #expect(table.count == keys.count)
    for (i, key) in keys.enumerated() {
      // The query with 8 readable bytes past it (as a field inside a file is).
      let padded = key + Array(repeating: UInt8(66), count: 8)
      padded.withUnsafeBufferPointer { p in
        let b = UnsafeBufferPointer(rebasing: p[0..<key.count])
        let e = table.entry(b, hash: ByteTable.hash(b))
        #expect(e == i && table.value(e) == i * 3)
        guard let base = p.baseAddress else { return }
        for j in Array(stride(from: 0, to: keys.count, by: 7)) + [i] {
          let byBytes = table.matches(j, b)
          #expect(byBytes == (j == i))
          if key.count <= 8 {
            #expect(table.isKey(j, word: ByteTable.word(base, key.count), count: key.count) == byBytes)
          }
        }
      }
    }
  }
}
