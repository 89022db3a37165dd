/// The MarketImpact release, as `market-impact --version` prints it and `run.json` records it.
public enum MarketImpactVersion {
  /// Semantic version of this build.
  public static let current = "0.1.0"
}
