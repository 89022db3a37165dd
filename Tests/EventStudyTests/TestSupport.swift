import EventStudy
import MarketData
import Testing

/// `true` when `a` and `b` agree to `tol` (absolute below 1, relative above).
func near(_ a: Double, _ b: Double, _ tol: Double = 1e-12) -> Bool {
  abs(a - b) <= tol * max(1, abs(b))
}

func day(_ s: String) -> CivilDate {
  guard let d = CivilDate(iso: s) else { fatalError("bad date \(s) in a test") }
  return d
}

/// A series of given returns (the source's own returns) on consecutive dates.
func returnSeries(_ ticker: String, _ exchange: Exchange = .xnys, dates: [String], returns: [Double])
  -> PriceSeries
{
  PriceSeries(ticker: ticker, exchange: exchange, dates: dates.map(day), returns: returns)
}

/// A price series from closes on given dates (NaN = no row that session).
func priceSeries(_ ticker: String, _ exchange: Exchange = .xnys, dates: [CivilDate], closes: [Double])
  -> PriceSeries
{
  var s = PriceSeries(ticker: ticker, exchange: exchange)
  for (d, c) in zip(dates, closes) where !c.isNaN { s.append(date: d, close: c) }
  return s
}

/// Deterministic pseudo-random numbers (SplitMix64) with standard normal draws (Box-Muller).
struct TestRandom {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func nextUInt64() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func uniform() -> Double { (Double(nextUInt64() >> 11) + 0.5) / 9_007_199_254_740_992.0 }
  mutating func normal() -> Double {
    let u1 = uniform()
    let u2 = uniform()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
