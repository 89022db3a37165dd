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
