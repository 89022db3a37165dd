import MarketData
import Testing

@Suite struct SHA256Tests {
  // FIPS 180-2 test vectors.
  @Test func knownVectors() {
    #expect(
      SHA256Digest.hex(Array("abc".utf8))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256Digest.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      SHA256Digest.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test func incrementalEqualsOneShot() {
    let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    var d = SHA256Digest()
    d.update(Array(data[0..<3]))
    d.update(Array(data[3..<130]))
    d.update(Array(data[130...]))
    #expect(d.finalizeHex() == SHA256Digest.hex(data))
  }
}
