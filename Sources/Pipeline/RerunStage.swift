import Foundation
import PriceStore

/// Re-runs a job from its `run.json`: checks that every input the job reads still has the recorded
/// SHA-256, runs the same job with the recorded parameters, and compares the new outputs with the
/// recorded digests file by file.
public enum RerunStage {
  /// What a re-run did.
  public struct Outcome: Sendable {
    /// The re-run job's own outcome (its new `run.json` records `rerunOf`).
    public var job: JobOutcome
    /// The manifest that was re-run.
    public var original: RunManifest
    /// Output files whose bytes are identical to the recorded ones.
    public var identical: [String]
    /// Output files whose bytes differ.
    public var differing: [String]
    /// Recorded output files the re-run did not write.
    public var missing: [String]

    /// `true` when every recorded output was reproduced byte for byte.
    public var reproduced: Bool { differing.isEmpty && missing.isEmpty }
  }

  /// Re-runs the manifest at `manifestPath`, writing into `out` (default: the recorded folder).
  public static func run(
    manifestPath: String, out: String?, argv: [String], log: StageLog
  ) throws(PipelineError) -> Outcome {
    let manifest = try RunManifest.read(manifestPath)
    try verifyInputs(manifest)
    let p = manifest.parameters
    let target = out ?? p.out
    let rerunOf = Fingerprint.absolute(manifestPath)
    let job: JobOutcome
    switch manifest.command {
    case "study":
      guard let db = p.db, let events = p.events else {
        throw .unreadable(
          path: manifestPath, reason: "a study manifest needs parameters.db and parameters.events")
      }
      job = try StudyStage.perform(
        StudyJob(db: db, events: events, out: target, settings: p.study), argv: argv, log: log,
        rerunOf: rerunOf)
    case "run":
      guard let articles = p.articles, let prices = p.prices else {
        throw .unreadable(
          path: manifestPath, reason: "a run manifest needs parameters.articles and parameters.prices")
      }
      let runJob = RunJob(
        articles: articles, prices: prices, out: target, ingest: p.ingest?.settings ?? IngestSettings(),
        extract: p.extract?.settings ?? ExtractSettings(), study: p.study)
      job = try RunStage.perform(runJob, argv: argv, log: log, rerunOf: rerunOf)
    default:
      throw .unreadable(
        path: manifestPath, reason: "unknown command \"\(manifest.command)\" (expected study or run)")
    }
    let now = Dictionary(job.manifest.outputs.map { ($0.file, $0.sha256) }, uniquingKeysWith: { a, _ in a })
    var identical: [String] = []
    var differing: [String] = []
    var missing: [String] = []
    for o in manifest.outputs {
      guard let sha = now[o.file] else {
        missing.append(o.file)
        continue
      }
      if sha == o.sha256 { identical.append(o.file) } else { differing.append(o.file) }
    }
    return Outcome(job: job, original: manifest, identical: identical, differing: differing, missing: missing)
  }

  /// Throws naming the first input whose digest no longer matches the manifest.
  static func verifyInputs(_ manifest: RunManifest) throws(PipelineError) {
    for input in manifest.inputs where input.checked {
      let now: String
      if input.role == "price_store" {
        let store = try IngestStage.openStore(input.path)
        now = try StoreFingerprint.digest(store, path: input.path, recordedDetail: input.detail)
      } else {
        guard Inputs.exists(input.path) else {
          throw .unreadable(path: input.path, reason: "input recorded in the manifest is missing")
        }
        now = try Fingerprint.sha256(input.path).sha256
      }
      guard now == input.sha256 else {
        throw .invalidArgument(
          "\(input.path): changed since the manifest was written (\(input.role); sha256 \(input.sha256) recorded, \(now) now)"
        )
      }
    }
  }
}

extension RerunStage {
  /// Human lines about a re-run: how many reports were reproduced, and which were not.
  public static func report(_ o: Outcome) -> [String] {
    var lines = [
      "reproduced \(o.identical.count) of \(o.original.outputs.count) report(s) byte for byte"
    ]
    if !o.differing.isEmpty { lines.append("differ: \(o.differing.joined(separator: ", "))") }
    if !o.missing.isEmpty { lines.append("not written: \(o.missing.joined(separator: ", "))") }
    return lines
  }
}
