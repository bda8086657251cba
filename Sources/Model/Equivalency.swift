/// An everyday quantity that a footprint can be expressed in: "as much CO2 as driving 12 miles".
///
/// Emission-based equivalencies divide grams of CO2e; energy-based ones divide energy, so that a grid's own
/// intensity is never mixed with the US-grid CO2 factors some published energy equivalencies embed.
public struct Equivalency: Sendable, Equatable {
    public enum Basis: String, Sendable, Equatable {
        /// Grams of CO2e per unit.
        case emissions
        /// Joules per unit.
        case energy
    }

    /// Machine name, e.g. `car_distance`; together with `unit` the identity of the entry.
    public var name: String
    /// The unit counted, singular, e.g. `mile`.
    public var unit: String
    public var basis: Basis
    /// Grams of CO2e (emissions basis) or joules (energy basis) per one unit.
    public var perUnit: Double
    /// What one unit is, for people.
    public var description: String
    /// Where the factor comes from.
    public var source: String
    /// The year or edition of the source's figures.
    public var vintage: String

    public init(
        name: String, unit: String, basis: Basis, perUnit: Double, description: String, source: String, vintage: String
    ) {
        self.name = name
        self.unit = unit
        self.basis = basis
        self.perUnit = perUnit
        self.description = description
        self.source = source
        self.vintage = vintage
    }

    /// How many units the footprint amounts to.
    public func count(grams: Grams, energy: Joules?) -> Double? {
        switch basis {
        case .emissions: return grams.value / perUnit
        case .energy: return energy.map { $0.value / perUnit }
        }
    }
}

/// The built-in equivalency table; configuration may override entries or add more.
public enum EquivalencyTable {
    /// The table's edition, quoted in reports so numbers can be traced.
    public static let version = "2026.1"

    private static let epa = "US EPA Greenhouse Gas Equivalencies Calculator"

    public static let builtIn: [Equivalency] = [
        Equivalency(
            name: "car_distance", unit: "mile", basis: .emissions, perUnit: 393,
            description: "miles driven by an average gasoline passenger car",
            source: "\(epa) (3.93e-4 t CO2e per mile)", vintage: "2024"
        ),
        Equivalency(
            name: "car_distance", unit: "kilometre", basis: .emissions, perUnit: 393 / 1.609344,
            description: "kilometres driven by an average gasoline passenger car",
            source: "\(epa), per mile divided by 1.609344", vintage: "2024"
        ),
        Equivalency(
            name: "gasoline", unit: "gallon", basis: .emissions, perUnit: 8_887,
            description: "US gallons of gasoline burned", source: "\(epa) (8.887e-3 t CO2 per gallon)", vintage: "2010"
        ),
        Equivalency(
            name: "coal", unit: "pound", basis: .emissions, perUnit: 905,
            description: "pounds of coal burned", source: "\(epa) (9.05e-4 t CO2 per pound)", vintage: "2024"
        ),
        Equivalency(
            name: "tree_seedling", unit: "tree_10_years", basis: .emissions, perUnit: 60_000,
            description:
                "tree seedlings grown for 10 years (the CO2 one seedling takes up over ten years, not per year)",
            source: "\(epa) (0.060 t CO2 per urban tree over 10 years)", vintage: "2024"
        ),
        Equivalency(
            name: "plastic_bottle", unit: "bottle", basis: .emissions, perUnit: 240,
            description: "0.5 l PET bottles of soft drink, whole product life cycle",
            source: "Carbon Trust certified footprint of a GB 0.5 l PET soft drink", vintage: "2009"
        ),
        Equivalency(
            name: "aluminium_can", unit: "can", basis: .emissions, perUnit: 170,
            description: "330 ml aluminium cans of soft drink, whole product life cycle",
            source: "Carbon Trust certified footprint of a GB 330 ml can", vintage: "2009"
        ),
        Equivalency(
            name: "video_streaming", unit: "hour", basis: .emissions, perUnit: 55,
            description: "hours of video streaming in Europe, viewing device included",
            source: "Carbon Trust, Carbon impact of video streaming (2020 data)", vintage: "2021"
        ),
        Equivalency(
            name: "smartphone_charge", unit: "charge", basis: .energy, perUnit: 11.6 * 3_600,
            description: "full smartphone charges (11.6 Wh each)",
            source: "US DOE charger measurements as used by the \(epa): 14.46 Wh per 24 h less 22 h at 0.13 W",
            vintage: "2019"
        ),
        Equivalency(
            name: "laptop_charge", unit: "charge", basis: .energy, perUnit: 60 * 3_600,
            description: "full laptop charges (a 60 Wh battery)",
            source: "typical laptop battery capacity; no authoritative factor exists", vintage: "2026"
        ),
        Equivalency(
            name: "led_bulb", unit: "hour", basis: .energy, perUnit: 9 * 3_600,
            description: "hours of a 9 W LED bulb (as bright as a 43 W incandescent)",
            source: "\(epa) LED assumption (9 W)", vintage: "2024"
        ),
    ]

    /// The built-in table with `overrides` applied: an entry with the same name and unit replaces the
    /// built-in one, others are added. Sorted by name, then unit.
    public static func merged(with overrides: [Equivalency]) -> [Equivalency] {
        var table = builtIn
        for entry in overrides {
            if let index = table.firstIndex(where: { $0.name == entry.name && $0.unit == entry.unit }) {
                table[index] = entry
            } else {
                table.append(entry)
            }
        }
        return table.sorted { ($0.name, $0.unit) < ($1.name, $1.unit) }
    }

    /// Entries ordered by how relatable their count is: counts between 1 and 1000 first, nearest 10 first.
    public static func mostRelatable(_ table: [Equivalency], grams: Grams, energy: Joules?) -> [(Equivalency, Double)] {
        let counted = table.compactMap { entry in entry.count(grams: grams, energy: energy).map { (entry, $0) } }
        func score(_ count: Double) -> Double {
            guard count > 0 else { return .infinity }
            let distance = abs(log10(count) - 1)
            return (1...1_000).contains(count) ? distance : distance + 10
        }
        return counted.sorted { score($0.1) < score($1.1) }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
