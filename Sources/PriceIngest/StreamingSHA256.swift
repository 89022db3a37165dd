/// SHA-256 over raw buffers for hashing price files while they stream by (FIPS 180-4). Same
/// digest as `MarketData.SHA256Digest`, written for throughput: no per-block arrays, the message
/// schedule on the stack.
struct StreamingSHA256 {
  private var h0: UInt32 = 0x6a09_e667
  private var h1: UInt32 = 0xbb67_ae85
  private var h2: UInt32 = 0x3c6e_f372
  private var h3: UInt32 = 0xa54f_f53a
  private var h4: UInt32 = 0x510e_527f
  private var h5: UInt32 = 0x9b05_688c
  private var h6: UInt32 = 0x1f83_d9ab
  private var h7: UInt32 = 0x5be0_cd19
  private var pending: [UInt8] = []
  private var length: UInt64 = 0

  static let k: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]

  /// Adds bytes.
  mutating func update(_ data: UnsafeRawBufferPointer) {
    guard var p = data.baseAddress, data.count > 0 else { return }
    var n = data.count
    length &+= UInt64(n)
    if !pending.isEmpty {
      let take = min(64 - pending.count, n)
      pending.append(contentsOf: UnsafeRawBufferPointer(start: p, count: take))
      p += take
      n -= take
      if pending.count == 64 {
        let block = pending
        block.withUnsafeBytes { b in
          if let base = b.baseAddress { blocks(base, 1) }
        }
        pending.removeAll(keepingCapacity: true)
      }
    }
    let whole = n / 64
    if whole > 0 {
      blocks(p, whole)
      p += whole * 64
      n -= whole * 64
    }
    if n > 0 { pending.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n)) }
  }

  /// Adds bytes.
  mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

  /// The digest as lowercase hex; the hasher must not be used afterwards.
  mutating func finalizeHex() -> String {
    let bits = length &* 8
    var tail: [UInt8] = [0x80]
    let used = (pending.count + 1) % 64
    tail += [UInt8](repeating: 0, count: used <= 56 ? 56 - used : 120 - used)
    for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
    let savedLength = length
    tail.withUnsafeBytes { update($0) }
    length = savedLength
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
      for shift in stride(from: 28, through: 0, by: -4) {
        out.append(digits[Int((word >> UInt32(shift)) & 15)])
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
    (x >> n) | (x << (32 &- n))
  }

  /// One SHA-256 round: `d += T1`, `h = T1 + T2`.
  @inline(__always)
  private static func round(
    _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32,
    _ h: inout UInt32, _ kw: UInt32
  ) {
    let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ kw
    let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
    d = d &+ t1
    h = t1 &+ t2
  }

  private mutating func blocks(_ data: UnsafeRawPointer, _ count: Int) {
    StreamingSHA256.k.withUnsafeBufferPointer { kb in
      guard let k = kb.baseAddress else { return }
      withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { wb in
        guard let w = wb.baseAddress else { return }
        var a0 = h0
        var b0 = h1
        var c0 = h2
        var d0 = h3
        var e0 = h4
        var f0 = h5
        var g0 = h6
        var hh = h7
        for blk in 0..<count {
          let base = data + blk * 64
          for i in 0..<16 {
            w[i] = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
          }
          for i in 16..<64 {
            let x = w[i - 15]
            let y = w[i - 2]
            let s0 = StreamingSHA256.rotr(x, 7) ^ StreamingSHA256.rotr(x, 18) ^ (x >> 3)
            let s1 = StreamingSHA256.rotr(y, 17) ^ StreamingSHA256.rotr(y, 19) ^ (y >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
          }
          var a = a0
          var b = b0
          var c = c0
          var d = d0
          var e = e0
          var f = f0
          var g = g0
          var h = hh
          // Eight rounds per step with the roles of the working variables rotated, so no
          // variable is copied between rounds.
          var i = 0
          while i < 64 {
            StreamingSHA256.round(a, b, c, &d, e, f, g, &h, k[i] &+ w[i])
            StreamingSHA256.round(h, a, b, &c, d, e, f, &g, k[i + 1] &+ w[i + 1])
            StreamingSHA256.round(g, h, a, &b, c, d, e, &f, k[i + 2] &+ w[i + 2])
            StreamingSHA256.round(f, g, h, &a, b, c, d, &e, k[i + 3] &+ w[i + 3])
            StreamingSHA256.round(e, f, g, &h, a, b, c, &d, k[i + 4] &+ w[i + 4])
            StreamingSHA256.round(d, e, f, &g, h, a, b, &c, k[i + 5] &+ w[i + 5])
            StreamingSHA256.round(c, d, e, &f, g, h, a, &b, k[i + 6] &+ w[i + 6])
            StreamingSHA256.round(b, c, d, &e, f, g, h, &a, k[i + 7] &+ w[i + 7])
            i += 8
          }
          a0 = a0 &+ a
          b0 = b0 &+ b
          c0 = c0 &+ c
          d0 = d0 &+ d
          e0 = e0 &+ e
          f0 = f0 &+ f
          g0 = g0 &+ g
          hh = hh &+ h
        }
        h0 = a0
        h1 = b0
        h2 = c0
        h3 = d0
        h4 = e0
        h5 = f0
        h6 = g0
        h7 = hh
      }
    }
  }
}
