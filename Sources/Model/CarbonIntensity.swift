/// A grid carbon intensity value and where it came from.
public struct CarbonIntensity: Sendable, Equatable {
    public var value: GramsPerKilowattHour
    /// The provider that supplied the value (`uk`, `static`, ...).
    public var provider: String
    /// The grid region the value describes, as exported in the `grid_region` label.
    public var region: String
    /// When the value was obtained, Unix seconds.
    public var obtainedAt: Double

    public init(value: GramsPerKilowattHour, provider: String, region: String, obtainedAt: Double) {
        self.value = value
        self.provider = provider
        self.region = region
        self.obtainedAt = obtainedAt
    }

    /// The plausible range of a real grid's intensity; values outside it are treated as bad data.
    public static let plausibleRange: ClosedRange<Double> = 0...2_000

    /// Whether a provider's value can be a grid intensity: finite and within `plausibleRange`. Every reader
    /// refuses other values with this one check.
    public static func isPlausible(_ gramsPerKilowattHour: Double) -> Bool {
        gramsPerKilowattHour.isFinite && plausibleRange.contains(gramsPerKilowattHour)
    }
}
