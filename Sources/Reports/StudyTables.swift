import EventStudy
import MarketData

/// The study's per-pair CSV tables, with their documented column orders.
public enum StudyTables {
  /// `abnormal_returns.csv`: one row per pair and event day of every window.
  public static let abnormalReturnsHeader = [
    "event_id", "ticker", "date", "day", "return", "expected", "ar", "sar",
  ]
  /// `car.csv`: one row per pair and event window.
  public static let carHeader = [
    "event_id", "ticker", "window_start", "window_end", "car", "bhar", "scar", "t", "p", "outcome",
  ]
  /// `excluded.csv`: pairs that did not enter the aggregates.
  public static let excludedHeader = ["event_id", "ticker", "exchange", "event_date", "outcome", "reason"]
  /// `events.csv` (as used): one row per pair with its day 0 on the security's exchange.
  public static let eventsUsedHeader = [
    "event_id", "ticker", "exchange", "announced", "announced_time", "timezone", "day0", "day0_rule",
    "market",
    "outcome", "overlaps_with",
  ]

  /// Daily abnormal returns of the `ok` pairs, event-file order, then event time.
  public static func abnormalReturns(_ result: StudyResult) -> CSVTable {
    var t = CSVTable(header: abnormalReturnsHeader)
    for p in result.pairs where p.outcome == .ok {
      for d in p.daily {
        t.append([
          p.eventID, p.ticker, d.date.iso, String(d.day), CSVTable.number(d.ret), CSVTable.number(d.expected),
          CSVTable.number(d.ar), CSVTable.number(d.sar),
        ])
      }
    }
    return t
  }

  /// CAR, BHAR and standardized CAR per pair and window, for every pair that reached day 0.
  public static func cumulative(_ result: StudyResult) -> CSVTable {
    var t = CSVTable(header: carHeader)
    for p in result.pairs {
      for w in p.windows {
        let outcome = p.outcome == .ok && !w.complete ? PairOutcome.missingEventData.code : p.outcome.code
        t.append([
          p.eventID, p.ticker, String(w.start), String(w.end), CSVTable.number(w.car),
          CSVTable.number(w.bhar),
          CSVTable.number(w.scar), CSVTable.number(w.t), CSVTable.number(w.p), outcome,
        ])
      }
    }
    return t
  }

  /// Pairs that are not `ok`, with their outcome code and reason.
  public static func excluded(_ result: StudyResult) -> CSVTable {
    var t = CSVTable(header: excludedHeader)
    for p in result.pairs where p.outcome != .ok {
      t.append([p.eventID, p.ticker, p.exchange, p.eventDate?.iso ?? "", p.outcome.code, p.detail])
    }
    return t
  }

  /// The events as used: every pair with its day 0, the rule that placed it, and the event's own
  /// extra columns appended in file order.
  public static func eventsUsed(_ result: StudyResult) -> CSVTable {
    var names: [String] = []
    for e in result.events {
      for a in e.attributes where !names.contains(a.name) { names.append(a.name) }
    }
    var t = CSVTable(header: eventsUsedHeader + names)
    for p in result.pairs {
      let event = p.eventIndex >= 0 && p.eventIndex < result.events.count ? result.events[p.eventIndex] : nil
      var row = [
        p.eventID, p.ticker, p.exchange, p.eventDate?.iso ?? "",
        p.eventMinute.map(EventFile.formatClock) ?? "",
        event?.timeZone ?? "", p.day0?.iso ?? "", p.day0Rule?.rawValue ?? "", p.marketTicker ?? "",
        p.outcome.code,
        p.overlapsWith.joined(separator: ";"),
      ]
      for n in names { row.append(event?.attribute(n) ?? "") }
      t.append(row)
    }
    return t
  }
}

extension StudyTables {
  /// The header row of a table as CSV bytes.
  public static func headerBytes(_ header: [String]) -> [UInt8] {
    var w = CSVBytes()
    w.row(header)
    return w.bytes
  }

  /// `"event_id,ticker"` of a pair, neutralised and quoted, for rows that repeat it.
  static func pairKey(_ eventID: String, _ ticker: String) -> [UInt8] {
    CSVBytes.encoded(eventID) + [UInt8(ascii: ",")] + CSVBytes.encoded(ticker)
  }

  /// The data rows of `abnormal_returns.csv` for the pairs `range` (no header): the bytes of the
  /// matching rows of `abnormalReturns(_:).render()`. (Pairs are read in place, never copied: a
  /// copy of a `PairResult` retains a dozen arrays and strings.)
  public static func abnormalReturnsBytes(_ result: StudyResult, pairs range: Range<Int>) -> CSVBytes {
    var w = CSVBytes(capacity: range.count * 12 * 110)
    result.pairs.withUnsafeBufferPointer { pairs in
      for i in range where pairs[i].outcome == .ok && !pairs[i].daily.isEmpty {
        let key = pairKey(pairs[i].eventID, pairs[i].ticker)
        for d in pairs[i].daily {
          w.raw(key)
          w.date(d.date)
          w.integer(d.day)
          w.number(d.ret)
          w.number(d.expected)
          w.number(d.ar)
          w.number(d.sar)
          w.endRow()
        }
      }
    }
    return w
  }

  /// The data rows of `car.csv` for the pairs `range` (no header).
  public static func cumulativeBytes(_ result: StudyResult, pairs range: Range<Int>) -> CSVBytes {
    var w = CSVBytes(capacity: range.count * 2 * 120)
    let missing = PairOutcome.missingEventData.code
    result.pairs.withUnsafeBufferPointer { pairs in
      for i in range where !pairs[i].windows.isEmpty {
        let key = pairKey(pairs[i].eventID, pairs[i].ticker)
        let outcome = pairs[i].outcome
        for win in pairs[i].windows {
          w.raw(key)
          w.integer(win.start)
          w.integer(win.end)
          w.number(win.car)
          w.number(win.bhar)
          w.number(win.scar)
          w.number(win.t)
          w.number(win.p)
          w.text(outcome == .ok && !win.complete ? missing : outcome.code)
          w.endRow()
        }
      }
    }
    return w
  }

  /// The data rows of `excluded.csv` for the pairs `range` (no header).
  public static func excludedBytes(_ result: StudyResult, pairs range: Range<Int>) -> CSVBytes {
    var w = CSVBytes()
    result.pairs.withUnsafeBufferPointer { pairs in
      for i in range where pairs[i].outcome != .ok {
        w.text(pairs[i].eventID)
        w.text(pairs[i].ticker)
        w.text(pairs[i].exchange)
        if let d = pairs[i].eventDate { w.date(d) } else { w.empty() }
        w.text(pairs[i].outcome.code)
        w.text(pairs[i].detail)
        w.endRow()
      }
    }
    return w
  }

  /// The extra event columns of `events.csv`, in order of first appearance.
  public static func eventAttributeNames(_ result: StudyResult) -> [String] {
    var names: [String] = []
    var seen = Set<String>()
    for e in result.events {
      for a in e.attributes where !seen.contains(a.name) {
        seen.insert(a.name)
        names.append(a.name)
      }
    }
    return names
  }

  /// The data rows of `events.csv` (as used) for the pairs `range` (no header); `names` are
  /// `eventAttributeNames(result)`.
  public static func eventsUsedBytes(_ result: StudyResult, names: [String], pairs range: Range<Int>)
    -> CSVBytes
  {
    var w = CSVBytes(capacity: range.count * 100)
    // Each event's columns, encoded once for all its pairs.
    var encodedEvent: [Int: (zone: [UInt8], attributes: [[UInt8]])] = [:]
    result.pairs.withUnsafeBufferPointer { pairs in
      for i in range {
        let index = pairs[i].eventIndex
        let known = index >= 0 && index < result.events.count
        w.text(pairs[i].eventID)
        w.text(pairs[i].ticker)
        w.text(pairs[i].exchange)
        if let d = pairs[i].eventDate { w.date(d) } else { w.empty() }
        w.text(pairs[i].eventMinute.map(EventFile.formatClock) ?? "")
        var cells = encodedEvent[index]
        if cells == nil {
          let event = known ? result.events[index] : nil
          let made = (
            zone: CSVBytes.encoded(event?.timeZone ?? ""),
            attributes: names.map { CSVBytes.encoded(event?.attribute($0) ?? "") }
          )
          encodedEvent[index] = made
          cells = made
        }
        w.raw(cells?.zone ?? [])
        if let d = pairs[i].day0 { w.date(d) } else { w.empty() }
        w.text(pairs[i].day0Rule?.rawValue ?? "")
        w.text(pairs[i].marketTicker ?? "")
        w.text(pairs[i].outcome.code)
        w.text(pairs[i].overlapsWith.joined(separator: ";"))
        for a in cells?.attributes ?? [] { w.raw(a) }
        w.endRow()
      }
    }
    return w
  }
}
