#if arch(x86_64)
  import _Builtin_intrinsics.intel
#endif

/// Classifies 64 bytes at once for the hand tokenizer: which are separators (the delimiter, CR
/// or LF), which are other bytes below 33 (spaces, tabs and control bytes: outside quotes, a
/// record holding one is read byte by byte) and which are the quote. On x86-64 each 16 bytes
/// take a few SSE2 compares and one `pmovmskb` per mask; elsewhere (and as the reference the
/// tests compare against) eight-byte words are tested with exact byte arithmetic and their
/// flags gathered by a multiply.
struct BlockScan {
  let delimiter: UInt8
  let quote: UInt8

  /// Bit `k` of `separators` is set when byte `k` of the 64 at `p` is the delimiter, CR or LF;
  /// bit `k` of `others` when it is below 33 and no separator; bit `k` of `quotes` when it is
  /// the quote (never a separator: a dialect whose delimiter is the quote is not read by hand).
  /// `quotes` is 0 unless `findQuotes`.
  @inline(__always) func masks(_ p: UnsafePointer<UInt8>, findQuotes: Bool = true) -> (
    separators: UInt64, others: UInt64, quotes: UInt64
  ) {
    #if arch(x86_64)
      return vectorMasks(p, findQuotes: findQuotes)
    #else
      return wordMasks(p, findQuotes: findQuotes)
    #endif
  }

  #if arch(x86_64)
    /// `masks` with SSE2 (part of every x86-64 processor).
    @inline(__always) func vectorMasks(_ p: UnsafePointer<UInt8>, findQuotes: Bool = true) -> (
      separators: UInt64, others: UInt64, quotes: UInt64
    ) {
      let delims = _mm_set1_epi8(Int8(bitPattern: delimiter))
      let quoteBytes = _mm_set1_epi8(Int8(bitPattern: quote))
      let lfs = _mm_set1_epi8(10)
      let crs = _mm_set1_epi8(13)
      let thirtyTwo = _mm_set1_epi8(32)
      var separators: UInt64 = 0
      var others: UInt64 = 0
      var quotes: UInt64 = 0
      for j in 0..<4 {
        let v = _mm_loadu_si128(UnsafeRawPointer(p + j &* 16).assumingMemoryBound(to: __m128i.self))
        let sep = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(v, delims), _mm_cmpeq_epi8(v, lfs)), _mm_cmpeq_epi8(v, crs))
        // v ≤ 32 (unsigned) exactly when min(v, 32) == v.
        let low = _mm_cmpeq_epi8(_mm_min_epu8(v, thirtyTwo), v)
        let shift = UInt64(j &* 16)
        separators |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(sep))) << shift
        others |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_andnot_si128(sep, low)))) << shift
        if findQuotes {
          quotes |=
            UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_cmpeq_epi8(v, quoteBytes)))) << shift
        }
      }
      return (separators, others, quotes)
    }
  #endif

  /// `masks` with 64-bit words: portable, and what the vector version is tested against.
  @inline(__always) func wordMasks(_ p: UnsafePointer<UInt8>, findQuotes: Bool = true) -> (
    separators: UInt64, others: UInt64, quotes: UInt64
  ) {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    let highs: UInt64 = 0x8080_8080_8080_8080
    let delims = ones &* UInt64(delimiter)
    /// High bit of each byte of `y` that is zero (exact: no carries between bytes).
    @inline(__always) func zeros(_ y: UInt64) -> UInt64 { ~(((y & lows) &+ lows) | y) & highs }
    /// The high bits of the eight bytes as eight bits.
    @inline(__always) func gather(_ y: UInt64) -> UInt64 { (y &* 0x0002_0408_1020_4081) >> 56 }
    var separators: UInt64 = 0
    var others: UInt64 = 0
    var quotes: UInt64 = 0
    for j in 0..<8 {
      let x = UInt64(littleEndian: UnsafeRawPointer(p + j &* 8).loadUnaligned(as: UInt64.self))
      let sep = zeros(x ^ delims) | zeros(x ^ (ones &* 10)) | zeros(x ^ (ones &* 13))
      // Below 33: high bit clear, and adding 95 to the low seven bits stays below 128.
      let low = ~(((x & lows) &+ (ones &* 95)) | x) & highs
      separators |= gather(sep) << UInt64(j &* 8)
      others |= gather(low & ~sep) << UInt64(j &* 8)
      if findQuotes { quotes |= gather(zeros(x ^ (ones &* UInt64(quote)))) << UInt64(j &* 8) }
    }
    return (separators, others, quotes)
  }
}
