import ArgumentParser
import Foundation
import Pipeline

/// `market-impact dates`: the temporal tagger on its own.
struct DatesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dates",
    abstract:
      "Tag and normalise the time expressions of a text; CSV start,end,text,value,granularity on stdout.",
    discussion: "start/end count Unicode characters of the input, end exclusive; values are TimeML-style.")

  @Option(help: "Reference date the relative expressions resolve against (YYYY-MM-DD).")
  var reference: String?

  @Argument(help: "Text file, or - for stdin.")
  var file = "-"

  func run() throws {
    let text: String
    if file == "-" {
      text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    } else {
      text = try Inputs.readText(file)
    }
    print(ExtractStage.renderDates(try ExtractStage.dates(text: text, reference: reference)), terminator: "")
  }
}
