import Foundation
import MarketData

/// Where day 0 of a pair lands, or why it does not.
public enum DayZeroPlacement: Sendable, Equatable {
  /// Day 0 is this session, reached by this rule.
  case session(CivilDate, DayZeroRule)
  /// The announcement day is not a session and the policy is `skip`.
  case skipped(localDate: CivilDate)
  /// The announcement day is not a session and the policy is `error`.
  case nonTrading(localDate: CivilDate)
  /// The date is missing or its time zone unknown.
  case unresolved(String)
}

/// Day-0 alignment: the first session of the security's exchange at or after the moment the news
/// became public.
///
/// With a time of day, the announcement (date, minute, zone — the exchange's zone when none is
/// given) is converted to the exchange's local date and time. If that local date is a session and
/// the local time is before the exchange's close, it is day 0 (news before the open trades that
/// day). At or after the close the next session is day 0. Without a time, the date itself is
/// day 0 when it is a session. A local date that is not a session (weekend, holiday) follows the
/// non-trading policy: next session, previous session, skip, or error. So a Tuesday 20:00 New York
/// announcement is Wednesday 08:00 in Shanghai (before the 15:00 close: Wednesday is day 0 there)
/// and after the 16:00 New York close (Wednesday is day 0 in New York too).
public struct DayZero {
  private var zones: [String: TimeZone] = [:]

  /// Creates an aligner (it caches the time zones it looks up).
  public init() {}

  /// The time zone with an IANA identifier, cached; `nil` when unknown.
  mutating func zone(_ id: String) -> TimeZone? {
    if let z = zones[id] { return z }
    guard let z = TimeZone(identifier: id) else { return nil }
    zones[id] = z
    return z
  }

  /// Converts a wall-clock moment (date, minutes after midnight) in zone `from` to zone `to`;
  /// `nil` when either zone is unknown. Around a daylight-saving gap the later offset is used.
  public mutating func convert(date: CivilDate, minute: Int, from: String, to: String) -> (
    date: CivilDate, minute: Int
  )? {
    guard let fz = zone(from), let tz = zone(to) else { return nil }
    let local = Int(date.dayNumber) * 86_400 + minute * 60
    let guess = local - fz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local)))
    let utc = local - fz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(guess)))
    let there = utc + tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utc)))
    let day = there >= 0 ? there / 86_400 : (there - 86_399) / 86_400
    return (CivilDate(dayNumber: Int32(day)), (there - day * 86_400) / 60)
  }

  /// Places day 0 for an announcement on a security's exchange and calendar.
  public mutating func place(
    date: CivilDate?, minute: Int?, zone: String?, exchange: Exchange, calendar: TradingCalendar,
    policy: NonTradingPolicy
  ) -> DayZeroPlacement {
    guard let date else { return .unresolved("the event has no date") }
    var localDate = date
    var afterClose = false
    if let minute {
      let from = zone ?? exchange.timeZone
      guard let moved = convert(date: date, minute: minute, from: from, to: exchange.timeZone) else {
        return .unresolved("unknown time zone \(from)")
      }
      localDate = moved.date
      afterClose = moved.minute >= exchange.closeMinute(on: moved.date)
    }
    if calendar.isSession(localDate) {
      if afterClose { return .session(calendar.session(1, from: localDate), .afterClose) }
      return .session(localDate, .sameSession)
    }
    switch policy {
    case .next: return .session(calendar.sessionOnOrAfter(localDate), .nonTradingNext)
    case .previous: return .session(calendar.sessionOnOrBefore(localDate), .nonTradingPrevious)
    case .skip: return .skipped(localDate: localDate)
    case .error: return .nonTrading(localDate: localDate)
    }
  }
}
