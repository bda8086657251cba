/// Energy in joules.
public struct Joules: Sendable, Hashable, Comparable, AdditiveArithmetic {
    public var value: Double
    public init(_ value: Double) { self.value = value }

    public static let zero = Joules(0)
    public static func + (lhs: Joules, rhs: Joules) -> Joules { Joules(lhs.value + rhs.value) }
    public static func - (lhs: Joules, rhs: Joules) -> Joules { Joules(lhs.value - rhs.value) }
    public static func < (lhs: Joules, rhs: Joules) -> Bool { lhs.value < rhs.value }
    public static func * (lhs: Joules, rhs: Double) -> Joules { Joules(lhs.value * rhs) }

    /// 1 kWh = 3.6 MJ.
    public var kilowattHours: Double { value / 3_600_000 }
}

/// Power in watts.
public struct Watts: Sendable, Hashable, Comparable, AdditiveArithmetic {
    public var value: Double
    public init(_ value: Double) { self.value = value }

    public static let zero = Watts(0)
    public static func + (lhs: Watts, rhs: Watts) -> Watts { Watts(lhs.value + rhs.value) }
    public static func - (lhs: Watts, rhs: Watts) -> Watts { Watts(lhs.value - rhs.value) }
    public static func < (lhs: Watts, rhs: Watts) -> Bool { lhs.value < rhs.value }
    public static func * (lhs: Watts, rhs: Double) -> Watts { Watts(lhs.value * rhs) }

    /// Energy delivered at this power for a duration.
    public static func * (lhs: Watts, rhs: Seconds) -> Joules { Joules(lhs.value * rhs.value) }
}

/// A duration in seconds.
public struct Seconds: Sendable, Hashable, Comparable, AdditiveArithmetic {
    public var value: Double
    public init(_ value: Double) { self.value = value }

    public static let zero = Seconds(0)
    public static func + (lhs: Seconds, rhs: Seconds) -> Seconds { Seconds(lhs.value + rhs.value) }
    public static func - (lhs: Seconds, rhs: Seconds) -> Seconds { Seconds(lhs.value - rhs.value) }
    public static func < (lhs: Seconds, rhs: Seconds) -> Bool { lhs.value < rhs.value }
    public static func * (lhs: Seconds, rhs: Double) -> Seconds { Seconds(lhs.value * rhs) }
}

/// Mass of CO2-equivalent emissions in grams.
public struct Grams: Sendable, Hashable, Comparable, AdditiveArithmetic {
    public var value: Double
    public init(_ value: Double) { self.value = value }

    public static let zero = Grams(0)
    public static func + (lhs: Grams, rhs: Grams) -> Grams { Grams(lhs.value + rhs.value) }
    public static func - (lhs: Grams, rhs: Grams) -> Grams { Grams(lhs.value - rhs.value) }
    public static func < (lhs: Grams, rhs: Grams) -> Bool { lhs.value < rhs.value }
}

/// Grid carbon intensity in grams of CO2-equivalent per kilowatt-hour, the unit every provider publishes.
public struct GramsPerKilowattHour: Sendable, Hashable, Comparable {
    public var value: Double
    public init(_ value: Double) { self.value = value }

    public static func < (lhs: GramsPerKilowattHour, rhs: GramsPerKilowattHour) -> Bool { lhs.value < rhs.value }

    /// Emissions of consuming `energy` at this intensity.
    public static func * (lhs: GramsPerKilowattHour, rhs: Joules) -> Grams { Grams(lhs.value * rhs.kilowattHours) }
}
