// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "MarketImpact",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "market-impact", targets: ["market-impact"]),
    .library(name: "MarketData", targets: ["MarketData"]),
    .library(name: "PriceIngest", targets: ["PriceIngest"]),
    .library(name: "PriceStore", targets: ["PriceStore"]),
    .library(name: "EventExtraction", targets: ["EventExtraction"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // C libraries from Debian.
    .systemLibrary(name: "CLibCSV", path: "Sources/CLibCSV", providers: [.apt(["libcsv-dev"])]),
    .systemLibrary(
      name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    // OpenSSL's libcrypto: hardware SHA-256 for fingerprinting large reports.
    .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev"])]),

    // The shared vocabulary every stage speaks.
    .target(name: "MarketData", dependencies: ["CCrypto"]),

    // The stages, in the order data flows through them.
    .target(name: "PriceIngest", dependencies: ["MarketData", "CLibCSV"]),
    .target(name: "PriceStore", dependencies: ["MarketData", "CSQLite"]),
    .target(name: "EventExtraction", dependencies: ["MarketData"]),
    .target(name: "EventStudy", dependencies: ["MarketData"]),
    .target(name: "Reports", dependencies: ["MarketData", "EventStudy", "CCrypto"]),

    // Wires the stages together; shared by the CLI and the tests.
    .target(
      name: "Pipeline",
      dependencies: ["MarketData", "PriceIngest", "PriceStore", "EventExtraction", "EventStudy", "Reports"]),

    // The thin command-line front end.
    .executableTarget(
      name: "market-impact",
      dependencies: ["Pipeline", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

    .testTarget(name: "MarketDataTests", dependencies: ["MarketData"]),
    .testTarget(name: "PriceIngestTests", dependencies: ["PriceIngest", "MarketData"]),
    .testTarget(name: "PriceStoreTests", dependencies: ["PriceStore", "MarketData", "CSQLite"]),
    .testTarget(
      name: "EventExtractionTests", dependencies: ["EventExtraction", "MarketData"],
      resources: [.copy("DevSet")]),
    .testTarget(name: "EventStudyTests", dependencies: ["EventStudy", "MarketData"]),
    .testTarget(name: "ReportsTests", dependencies: ["Reports", "EventStudy", "MarketData"]),
    .testTarget(name: "EndToEndTests", dependencies: ["Pipeline", "MarketData"]),
    .testTarget(
      name: "HardeningTests", dependencies: ["PriceIngest", "PriceStore", "EventExtraction", "MarketData"],
      resources: [.copy("Corpus")]),
  ],
  swiftLanguageModes: [.v6]
)
