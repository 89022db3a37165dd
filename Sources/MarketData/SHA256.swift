/// SHA-256 (FIPS 180-4), used to fingerprint input files in the ingest log and report files in the
/// run manifest. Streams: feed any number of chunks with `update`, then `finalizeHex`.
public struct SHA256Digest: Sendable {
  private var h0: UInt32 = 0x6a09_e667
  private var h1: UInt32 = 0xbb67_ae85
  private var h2: UInt32 = 0x3c6e_f372
  private var h3: UInt32 = 0xa54f_f53a
  private var h4: UInt32 = 0x510e_527f
  private var h5: UInt32 = 0x9b05_688c
  private var h6: UInt32 = 0x1f83_d9ab
  private var h7: UInt32 = 0x5be0_cd19
  private var buffer: [UInt8] = []
  private var length: UInt64 = 0

  private static let k: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]

  /// A fresh hash state.
  public init() {}

  /// The hex digest of `bytes` in one call.
  public static func hex(_ bytes: some Sequence<UInt8>) -> String {
    var d = SHA256Digest()
    d.update(Array(bytes))
    return d.finalizeHex()
  }

  /// Feeds more bytes.
  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// Feeds more bytes from raw memory.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    length &+= UInt64(bytes.count)
    var start = 0
    if !buffer.isEmpty {
      let take = min(64 - buffer.count, bytes.count)
      buffer.append(contentsOf: bytes[0..<take])
      start = take
      if buffer.count == 64 {
        let block = buffer
        block.withUnsafeBytes { compress($0, 0) }
        buffer.removeAll(keepingCapacity: true)
      }
    }
    while start + 64 <= bytes.count {
      compress(bytes, start)
      start += 64
    }
    if start < bytes.count { buffer.append(contentsOf: bytes[start...]) }
  }

  /// Finishes and returns the lowercase hex digest.
  public mutating func finalizeHex() -> String {
    let bitLength = length &* 8
    var tail = buffer
    tail.append(0x80)
    while tail.count % 64 != 56 { tail.append(0) }
    for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
    tail.withUnsafeBytes { t in
      var i = 0
      while i < t.count {
        compress(t, i)
        i += 64
      }
    }
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
      for shift in stride(from: 28, through: 0, by: -4) { out.append(digits[Int((word >> UInt32(shift)) & 0xf)]) }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private mutating func compress(_ data: UnsafeRawBufferPointer, _ offset: Int) {
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
      SHA256Digest.k.withUnsafeBufferPointer { k in
        for t in 0..<16 {
          let j = offset + t * 4
          w[t] =
            UInt32(data[j]) << 24 | UInt32(data[j + 1]) << 16 | UInt32(data[j + 2]) << 8 | UInt32(data[j + 3])
        }
        for t in 16..<64 {
          let a = w[t - 15]
          let b = w[t - 2]
          let s0 = a.rotr(7) ^ a.rotr(18) ^ (a >> 3)
          let s1 = b.rotr(17) ^ b.rotr(19) ^ (b >> 10)
          w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var a = h0
        var b = h1
        var c = h2
        var d = h3
        var e = h4
        var f = h5
        var g = h6
        var h = h7
        for t in 0..<64 {
          let s1 = e.rotr(6) ^ e.rotr(11) ^ e.rotr(25)
          let ch = (e & f) ^ (~e & g)
          let t1 = h &+ s1 &+ ch &+ k[t] &+ w[t]
          let s0 = a.rotr(2) ^ a.rotr(13) ^ a.rotr(22)
          let maj = (a & b) ^ (a & c) ^ (b & c)
          let t2 = s0 &+ maj
          h = g
          g = f
          f = e
          e = d &+ t1
          d = c
          c = b
          b = a
          a = t1 &+ t2
        }
        h0 &+= a
        h1 &+= b
        h2 &+= c
        h3 &+= d
        h4 &+= e
        h5 &+= f
        h6 &+= g
        h7 &+= h
      }
    }
  }
}

extension UInt32 {
  @inline(__always) fileprivate func rotr(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 &- n)) }
}
