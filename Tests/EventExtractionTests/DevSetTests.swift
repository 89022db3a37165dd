import EventExtraction
import Foundation
import MarketData
import Testing

/// Scores the extractor on the labelled development set in `DevSet/` (written for this project by
/// another writer; the rules were not tuned on it sentence by sentence) and asserts floors a
/// little below the measured values, so a regression fails the build.
@Suite struct DevSetTests {
  static var root: URL? { Bundle.module.url(forResource: "DevSet", withExtension: nil) }

  static func jsonLines(_ url: URL) throws -> [[String: Any]] {
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.split(separator: "\n").filter { !$0.isEmpty }.map {
      try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
    }
  }

  static func kind(_ x: TimeExpression) -> String {
    switch x.value {
    case "PRESENT_REF": return "present"
    case "PAST_REF": return "past"
    case "FUTURE_REF": return "future"
    default: return x.granularity.rawValue
    }
  }

  // MARK: temporal expressions

  @Test func temporalValueAccuracyPerKind() throws {
    let root = try #require(DevSetTests.root)
    let rows = try DevSetTests.jsonLines(root.appendingPathComponent("temporal.jsonl"))
    #expect(rows.count >= 60)
    var perKind: [String: (gold: Int, correct: Int)] = [:]
    var predicted = 0
    var predictedMatched = 0
    var trapFalsePositives = 0
    var trapSnippets = 0
    var misses: [String] = []
    for row in rows {
      guard let text = row["text"] as? String, let refText = row["reference"] as? String,
        let ref = CivilDate(iso: refText), let gold = row["expressions"] as? [[String: String]]
      else { continue }
      let xs = TemporalTagger().tag(text, reference: ref)
      predicted += xs.count
      if gold.isEmpty {
        trapSnippets += 1
        trapFalsePositives += xs.count
        if !xs.isEmpty { misses.append("\(row["id"] ?? "") trap: \(xs.map(\.text))") }
        continue
      }
      let scalars = Array(text.unicodeScalars)
      var used = Set<Int>()
      var searchFrom = 0
      for g in gold {
        let gt = Array((g["text"] ?? "").unicodeScalars)
        let kind = g["granularity"] ?? "?"
        var counts = perKind[kind] ?? (0, 0)
        counts.gold += 1
        // Locate the gold span.
        var start = -1
        if gt.count <= scalars.count {
          for s in stride(from: searchFrom, through: scalars.count - gt.count, by: 1)
          where Array(scalars[s..<(s + gt.count)]) == gt {
            start = s
            break
          }
          if start < 0 {
            for s in 0...(scalars.count - gt.count) where Array(scalars[s..<(s + gt.count)]) == gt {
              start = s
              break
            }
          }
        }
        if start >= 0 { searchFrom = start + gt.count }
        let end = start + gt.count
        if let k = xs.indices.first(where: { !used.contains($0) && xs[$0].start < end && xs[$0].end > start })
        {
          used.insert(k)
          if xs[k].value == g["value"] {
            counts.correct += 1
          } else {
            misses.append(
              "\(row["id"] ?? "") \(g["text"] ?? ""): got \(xs[k].value) want \(g["value"] ?? "")")
          }
        } else {
          misses.append("\(row["id"] ?? "") \(g["text"] ?? ""): missed")
        }
        perKind[kind] = counts
      }
      predictedMatched += used.count
    }
    let gold = perKind.values.reduce(0) { $0 + $1.gold }
    let correct = perKind.values.reduce(0) { $0 + $1.correct }
    let recall = Double(correct) / Double(max(gold, 1))
    let precision = Double(correct) / Double(max(predicted, 1))
    let f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    print(
      "temporal: value accuracy \(correct)/\(gold) = \(recall), precision \(precision), F1 \(f1), trap false positives \(trapFalsePositives) in \(trapSnippets) trap snippets"
    )
    for (k, v) in perKind.sorted(by: { $0.key < $1.key }) { print("  \(k): \(v.correct)/\(v.gold)") }
    if ProcessInfo.processInfo.environment["DEVSET_VERBOSE"] != nil { for m in misses { print("  miss", m) } }
    // Floors; measured: value accuracy 0.90, F1 0.91, no trap false positive.
    #expect(f1 >= 0.85)
    #expect(trapFalsePositives <= 3)
    for k in ["day", "month", "time"] {
      let v = perKind[k] ?? (0, 0)
      #expect(Double(v.correct) / Double(max(v.gold, 1)) >= 0.8, "\(k)")
    }
  }

  // MARK: publication dates

  @Test func publicationDateAccuracyOnPages() throws {
    let root = try #require(DevSetTests.root).appendingPathComponent("pages")
    let gold = try CSVText.parse(String(contentsOf: root.appendingPathComponent("gold.csv"), encoding: .utf8))
    var total = 0
    var dayCorrect = 0
    var sourceCorrect = 0
    var misses: [String] = []
    for r in gold.dropFirst() where r.fields.count >= 3 {
      let (file, want, source) = (r.fields[0], r.fields[1], r.fields[2])
      let articles = try ArticleReader.read(path: root.appendingPathComponent(file).path)
      total += 1
      let got = articles.first?.published?.date.iso ?? ""
      if got == want { dayCorrect += 1 } else { misses.append("\(file): got \(got) want \(want)") }
      if articles.first?.publishedSource == source { sourceCorrect += 1 }
    }
    let acc = Double(dayCorrect) / Double(max(total, 1))
    print("pages: publication day \(dayCorrect)/\(total) = \(acc), source \(sourceCorrect)/\(total)")
    if ProcessInfo.processInfo.environment["DEVSET_VERBOSE"] != nil { for m in misses { print("  miss", m) } }
    // Measured: 24/26 = 0.92.
    #expect(total >= 20)
    #expect(acc >= 0.85)
  }

  // MARK: events

  struct GoldEvent {
    var type: String
    var action: String
    var actor: String
    var announced: String
    var group: String
    var time: String
  }

  /// Event-level scores of the extractor on a directory of articles with a `gold.jsonl`.
  struct EventScores {
    var precision = 0.0
    var recall = 0.0
    var f1 = 0.0
    var typeRate = 0.0
    var actionRate = 0.0
    var dateRate = 0.0
    /// Share of matched events with a gold `announced_time` whose time (HH:MM) is right.
    var timeRate = 0.0
    var tp = 0
    var predicted = 0
    var gold = 0
    var articlesMissing = 0
    var misses: [String] = []

    var summary: String {
      "P \(r2(precision)) R \(r2(recall)) F1 \(r2(f1)) (tp \(tp), predicted \(predicted), gold \(gold)); type \(r2(typeRate)), action \(r2(actionRate)), announce date \(r2(dateRate)), announce time \(r2(timeRate)); articles not read \(articlesMissing)"
    }
    func r2(_ x: Double) -> String { String(format: "%.3f", x) }
  }

  @Test func eventDetectionTypeAndDate() throws {
    let root = try #require(DevSetTests.root).appendingPathComponent("events")
    let s = try DevSetTests.scoreEvents(root)
    print("events: " + s.summary)
    if ProcessInfo.processInfo.environment["DEVSET_VERBOSE"] != nil {
      for m in s.misses { print("  miss", m) }
    }
    #expect(s.articlesMissing == 0)
    // Measured (80 articles): F1 0.975 (P 1.00 R 0.95), type 0.95, announce date 0.975, announce
    // time 1.0 (was F1 0.87, type 0.86, time 0.50 before extract4).
    #expect(s.f1 >= 0.93)
    #expect(s.typeRate >= 0.9)
    #expect(s.dateRate >= 0.94)
    #expect(s.timeRate >= 0.9)
  }

  static func scoreEvents(_ root: URL) throws -> EventScores {
    let goldRows = try DevSetTests.jsonLines(root.appendingPathComponent("gold.jsonl"))
    let (articles, _) = try ArticleReader.readWithWarnings(path: root.path)
    let aliasURL = root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    _ = aliasURL
    let extractor = EventExtractor(options: ExtractionOptions(aliases: TickerAliasTable()))
    var byID: [String: Article] = [:]
    for a in articles { byID[a.id] = a }
    var tp = 0
    var predictedCount = 0
    var goldCount = 0
    var typeOK = 0
    var dateOK = 0
    var actionOK = 0
    var articleMissing = 0
    var timeGold = 0
    var timeOK = 0
    var misses: [String] = []
    for row in goldRows {
      guard let id = row["article"] as? String, let evs = row["events"] as? [[String: Any]] else { continue }
      guard let a = byID[id] else {
        articleMissing += 1
        continue
      }
      let gold = evs.map {
        GoldEvent(
          type: $0["type"] as? String ?? "", action: $0["action"] as? String ?? "",
          actor: $0["actor"] as? String ?? "",
          announced: $0["announced"] as? String ?? "", group: $0["duplicate_group"] as? String ?? "",
          time: $0["announced_time"] as? String ?? "")
      }
      let predicted = extractor.extract([a]).events
      goldCount += gold.count
      predictedCount += predicted.count
      // Greedy matching by score.
      var pairs: [(Int, Int, Int)] = []
      for (gi, g) in gold.enumerated() {
        for (pi, p) in predicted.enumerated() {
          var s = 1
          if p.type == g.type { s += 4 }
          if p.actor == g.actor { s += 2 }
          if p.action == g.action { s += 1 }
          if (p.announced?.iso ?? "") == g.announced { s += 1 }
          pairs.append((s, gi, pi))
        }
      }
      pairs.sort { $0.0 > $1.0 }
      var usedG = Set<Int>()
      var usedP = Set<Int>()
      for (_, gi, pi) in pairs where !usedG.contains(gi) && !usedP.contains(pi) {
        usedG.insert(gi)
        usedP.insert(pi)
        tp += 1
        let g = gold[gi]
        let p = predicted[pi]
        if p.type == g.type { typeOK += 1 } else { misses.append("\(id): type \(p.type) want \(g.type)") }
        if p.action == g.action { actionOK += 1 }
        if !g.time.isEmpty {
          timeGold += 1
          let got = p.announcedMinute.map { String(format: "%02d:%02d", $0 / 60, $0 % 60) } ?? ""
          if got == g.time { timeOK += 1 } else { misses.append("\(id): time \(got) want \(g.time)") }
        }
        if (p.announced?.iso ?? "") == g.announced {
          dateOK += 1
        } else {
          misses.append("\(id): date \(p.announced?.iso ?? "-") want \(g.announced)")
        }
      }
      for gi in gold.indices where !usedG.contains(gi) {
        misses.append("\(id): missed \(gold[gi].type)/\(gold[gi].action)")
      }
      for pi in predicted.indices where !usedP.contains(pi) {
        misses.append(
          "\(id): spurious \(predicted[pi].type)/\(predicted[pi].action): \(predicted[pi].evidence.prefix(90))"
        )
      }
    }
    var out = EventScores()
    out.precision = Double(tp) / Double(max(predictedCount, 1))
    out.recall = Double(tp) / Double(max(goldCount, 1))
    out.f1 = 2 * out.precision * out.recall / max(out.precision + out.recall, 1e-9)
    out.typeRate = Double(typeOK) / Double(max(tp, 1))
    out.dateRate = Double(dateOK) / Double(max(tp, 1))
    out.actionRate = Double(actionOK) / Double(max(tp, 1))
    out.timeRate = Double(timeOK) / Double(max(timeGold, 1))
    out.tp = tp
    out.predicted = predictedCount
    out.gold = goldCount
    out.articlesMissing = articleMissing
    out.misses = misses
    return out
  }
}
