import ArgumentParser
import Pipeline

/// The study flags shared by `study` and `run`.
struct StudyOptions: ParsableArguments {
  @Option(
    help:
      "Expected-return model: market-model, market-adjusted, mean-adjusted, ff3, carhart4, ff5, scholes-williams, dimson[:K]."
  )
  var model = "market-model"

  @Option(parsing: .unconditional, help: "Estimation window START:END in sessions relative to day 0.")
  var estimation = "-250:-11"

  @Option(name: .customLong("min-estimation"), help: "Minimum valid estimation returns a pair needs.")
  var minEstimation = 100

  @Option(parsing: .unconditional, help: "Event windows START:END, comma-separated.")
  var windows = "-1:1,0:0,-5:5"

  @Option(
    name: .customLong("non-trading"), help: "Event day that is not a session: next, previous, skip or error.")
  var nonTrading = "next"

  @Option(
    help:
      "Market index: TICKER, or a list such as SPY,XSHG=000300.SS,XASX=XJO.AX (default: a conventional index per exchange found in the store)."
  )
  var market = ""

  @Option(
    help: "Ken French daily factor file (repeat for momentum or 5 factors); needed by ff3, carhart4, ff5.")
  var factors: [String] = []

  @Option(
    name: .customLong("group-by"), help: "Event columns to group aggregate statistics by, comma-separated.")
  var groupBy = ""

  @Option(help: "Return kind: simple or log.")
  var returns = "simple"

  @Option(
    help:
      "Event columns (or ticker, exchange) to regress CAR on, comma-separated; writes regression.csv (numeric columns as is, others as dummies)."
  )
  var regress = ""

  @Option(help: "Bootstrap resamples for the CAAR intervals (0 for none).")
  var bootstrap = 999

  @Option(help: "Seed of the bootstrap resampling.")
  var seed: UInt64 = 20_250_626

  var settings: StudySettings {
    var s = StudySettings()
    s.model = model
    s.estimation = estimation
    s.minimumEstimation = minEstimation
    s.windows = windows
    s.nonTrading = nonTrading
    s.market = market
    s.factors = factors
    s.groupBy = groupBy.split(separator: ",").map { String($0) }.filter { !$0.isEmpty }
    s.returns = returns
    s.regress = regress.split(separator: ",").map { String($0) }.filter { !$0.isEmpty }
    s.bootstrapDraws = bootstrap
    s.seed = seed
    return s
  }
}
