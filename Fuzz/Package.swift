// swift-tools-version: 6.0
// libFuzzer targets for MarketImpact's parsers. Kept out of the main package so the main build
// never needs sanitizer flags. Build with:
//   swift build -c debug -Xswiftc -sanitize=fuzzer,address
// or simply run `Scripts/fuzz TARGET SECONDS` from the repository root.
import PackageDescription

let fuzzFlags: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
  name: "MarketImpactFuzz",
  platforms: [.macOS(.v13)],
  dependencies: [.package(name: "MarketImpact", path: "..")],
  targets: [
    .target(name: "FuzzDriver"),
    .executableTarget(
      name: "FuzzCSV",
      dependencies: [
        "FuzzDriver",
        .product(name: "PriceIngest", package: "MarketImpact"),
        .product(name: "MarketData", package: "MarketImpact"),
      ],
      swiftSettings: fuzzFlags),
    .executableTarget(
      name: "FuzzArticle",
      dependencies: ["FuzzDriver", .product(name: "EventExtraction", package: "MarketImpact")],
      swiftSettings: fuzzFlags),
    .executableTarget(
      name: "FuzzDates",
      dependencies: [
        "FuzzDriver",
        .product(name: "EventExtraction", package: "MarketImpact"),
        .product(name: "MarketData", package: "MarketImpact"),
      ],
      swiftSettings: fuzzFlags),
  ],
  swiftLanguageModes: [.v6]
)
