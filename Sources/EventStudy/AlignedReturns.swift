import Foundation
import MarketData

/// The sessions event time is counted on: a calendar's sessions over the range the data needs.
struct SessionGrid: Sendable {
  let name: String
  let calendar: TradingCalendar
  let dates: [CivilDate]

  /// Index of `date` among the sessions, or `nil`.
  func index(of date: CivilDate) -> Int? { TradingCalendar.binarySearchDate(dates, date) }

  /// Index of the first session on or after `date` (may equal `dates.count`).
  func lowerBound(_ date: CivilDate) -> Int {
    var lo = 0
    var hi = dates.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if dates[mid] < date { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }
}

/// Why a return on the grid is missing.
enum MissingReason: UInt8 {
  case present = 0
  /// No price that session.
  case noPrice = 1
  /// A price, but the previous session had none: the multi-session return is excluded.
  case gap = 2
  /// The first price of the series: no previous price.
  case first = 3
}

/// A series' returns laid on a session grid: `values[g − offset]` is the return of session `g`.
///
/// Missing-session rule: the return of session g is P_g / P_{g−1} − 1 only when both sessions of
/// the grid have a price. A session without a price has a missing return (NaN, never zero) and
/// the return of the next priced session spans several sessions, so it is excluded as well
/// (`MissingReason.gap`) rather than assigned to one day. Price rows on dates that are not sessions
/// of the grid are ignored (the following return then runs from the previous session's price).
struct AlignedReturns: Sendable {
  var offset: Int
  var values: [Double]
  var reasons: [UInt8]
  /// Price rows dropped because their date is not a session of the grid.
  var offGridRows: Int
  /// First and last date with a usable price.
  var firstDate: CivilDate?
  var lastDate: CivilDate?

  static let empty = AlignedReturns(
    offset: 0, values: [], reasons: [], offGridRows: 0, firstDate: nil, lastDate: nil)

  @inline(__always) subscript(g: Int) -> Double {
    let i = g - offset
    return i >= 0 && i < values.count ? values[i] : .nan
  }

  func reason(_ g: Int) -> MissingReason {
    let i = g - offset
    guard i >= 0 && i < reasons.count else { return .noPrice }
    return MissingReason(rawValue: reasons[i]) ?? .noPrice
  }

  /// Aligns a price (or return) series on a grid.
  init(series: PriceSeries, grid: SessionGrid, kind: ReturnKind) {
    let isReturns = series.isReturnSeries
    let level = isReturns ? series.returns : series.referencePrice
    var firstG = Int.max
    var lastG = Int.min
    var offGrid = 0
    var usable: [(g: Int, v: Double)] = []
    usable.reserveCapacity(series.count)
    // Both date lists are sorted: walk them together (binary search only for unsorted input).
    var cursor = series.dates.first.map { grid.lowerBound($0) } ?? 0
    var previous: CivilDate? = nil
    for i in 0..<series.count {
      let v = level[i]
      let date = series.dates[i]
      if let previous, date < previous { cursor = grid.lowerBound(date) }
      previous = date
      while cursor < grid.dates.count && grid.dates[cursor] < date { cursor += 1 }
      guard isReturns ? v.isFinite : (v.isFinite && v > 0) else { continue }
      guard cursor < grid.dates.count, grid.dates[cursor] == date else {
        offGrid += 1
        continue
      }
      let g = cursor
      usable.append((g, v))
      firstG = min(firstG, g)
      lastG = max(lastG, g)
    }
    guard !usable.isEmpty else {
      self = AlignedReturns(
        offset: 0, values: [], reasons: [], offGridRows: offGrid, firstDate: nil, lastDate: nil)
      return
    }
    let n = lastG - firstG + 1
    var px = [Double](repeating: .nan, count: n)
    for (g, v) in usable { px[g - firstG] = v }
    var values = [Double](repeating: .nan, count: n)
    var reasons = [UInt8](repeating: MissingReason.noPrice.rawValue, count: n)
    reasons[0] = MissingReason.first.rawValue
    if isReturns {
      // The source's own returns; the first row's is valid, one after a session without a row
      // spans a gap and is excluded.
      values[0] = kind == .log ? (1 + px[0]).logarithm : px[0]
      reasons[0] = MissingReason.present.rawValue
      for i in 1..<max(n, 1) where !px[i].isNaN {
        if px[i - 1].isNaN {
          reasons[i] = MissingReason.gap.rawValue
        } else {
          values[i] = kind == .log ? (1 + px[i]).logarithm : px[i]
          reasons[i] = MissingReason.present.rawValue
        }
      }
    } else {
      for i in 1..<max(n, 1) where !px[i].isNaN {
        if px[i - 1].isNaN {
          reasons[i] = MissingReason.gap.rawValue
        } else {
          values[i] = kind == .log ? (px[i] / px[i - 1]).logarithm : px[i] / px[i - 1] - 1
          reasons[i] = MissingReason.present.rawValue
        }
      }
    }
    self.init(
      offset: firstG, values: values, reasons: reasons, offGridRows: offGrid, firstDate: grid.dates[firstG],
      lastDate: grid.dates[lastG])
  }

  init(
    offset: Int, values: [Double], reasons: [UInt8], offGridRows: Int, firstDate: CivilDate?,
    lastDate: CivilDate?
  ) {
    self.offset = offset
    self.values = values
    self.reasons = reasons
    self.offGridRows = offGridRows
    self.firstDate = firstDate
    self.lastDate = lastDate
  }

  /// Factor columns laid on a grid (values already returns; missing dates stay NaN).
  init(factor column: [Double], dates: [CivilDate], grid: SessionGrid) {
    var values = [Double](repeating: .nan, count: grid.dates.count)
    var reasons = [UInt8](repeating: MissingReason.noPrice.rawValue, count: grid.dates.count)
    var off = 0
    for (d, v) in zip(dates, column) where v.isFinite {
      if let g = grid.index(of: d) {
        values[g] = v
        reasons[g] = MissingReason.present.rawValue
      } else {
        off += 1
      }
    }
    self.init(
      offset: 0, values: values, reasons: reasons, offGridRows: off, firstDate: dates.first,
      lastDate: dates.last)
  }
}

extension Double {
  var logarithm: Double { Foundation.log(self) }
}
