import EventStudy

/// The groups a study's aggregates are reported for: `all` (every `ok` pair), then, for each
/// grouping column, one group `column=value` per value in sorted order. `ticker`, `exchange` and
/// `event_id` come from the pair; any other name from the event's columns (case-insensitive
/// fallback). Pairs with an empty value are left out of that column's groups. This is the same
/// rule, and the same names, as the aggregate statistics use.
public struct PairGroups: Sendable {
  /// One group.
  public struct Group: Sendable {
    /// `all` or `column=value`.
    public var name: String
    /// The `ok` pairs of the group, in study order.
    public var pairs: [PairResult]
  }

  /// The groups, `all` first.
  public var groups: [Group]

  /// Groups the `ok` pairs of `result` by the columns `groupBy`.
  public init(_ result: StudyResult, groupBy: [String]) {
    let ok = result.okPairs
    var groups = [Group(name: "all", pairs: ok)]
    for column in groupBy {
      var byValue: [String: [PairResult]] = [:]
      for p in ok {
        let v = PairGroups.value(of: p, column: column)
        if !v.isEmpty { byValue[v, default: []].append(p) }
      }
      for v in byValue.keys.sorted() {
        groups.append(Group(name: "\(column)=\(v)", pairs: byValue[v] ?? []))
      }
    }
    self.groups = groups
  }

  /// The value of `column` for a pair: `ticker`, `exchange`, `event_id`, or an event column.
  public static func value(of pair: PairResult, column: String) -> String {
    switch column.lowercased() {
    case "ticker": return pair.ticker
    case "exchange": return pair.exchange
    case "event_id", "event": return pair.eventID
    default:
      return pair.attributes.first { $0.name == column }?.value
        ?? pair.attributes.first { $0.name.lowercased() == column.lowercased() }?.value ?? ""
    }
  }
}
