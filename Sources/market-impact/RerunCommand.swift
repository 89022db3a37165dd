import ArgumentParser
import Pipeline

/// `market-impact rerun`: run a job again from its run.json and check the outputs are identical.
struct RerunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rerun",
    abstract: "Re-run a study or run from its run.json manifest and check the reports are reproduced.",
    discussion: """
      Checks that every input still has the SHA-256 recorded in the manifest, runs the same job
      with the recorded parameters, writes a new run.json (with rerunOf), and compares every
      report with the recorded digest. Exits with status 1 when a report differs.
      """)

  @Argument(help: "The run.json manifest written by `study` or `run`.")
  var manifest: String

  @Option(help: "Output folder (default: the folder recorded in the manifest).")
  var out: String?

  @Flag(help: "No progress or summary on stderr.")
  var quiet = false

  func run() throws {
    let log = Diagnostics(quiet: quiet)
    let outcome = try RerunStage.run(
      manifestPath: manifest, out: out, argv: CommandLine.arguments, log: log.log)
    for line in RerunStage.report(outcome) { log.say(line) }
    if !outcome.reproduced { throw ExitCode(1) }
  }
}
