import Model
import Testing

@Suite struct EquivalencyTests {
    func entry(_ name: String, _ unit: String) throws -> Equivalency {
        try #require(EquivalencyTable.builtIn.first { $0.name == name && $0.unit == unit })
    }

    @Test func emissionBasedDivideGrams() throws {
        #expect(try entry("car_distance", "mile").count(grams: Grams(3_930), energy: nil) == 10)
        #expect(try entry("tree_seedling", "tree_10_years").count(grams: Grams(120_000), energy: Joules(1)) == 2)
        // km and mile agree on the distance driven.
        let miles = try entry("car_distance", "mile").count(grams: Grams(1_000), energy: nil) ?? 0
        let kilometres = try entry("car_distance", "kilometre").count(grams: Grams(1_000), energy: nil) ?? 0
        #expect(abs(kilometres / miles - 1.609344) < 1e-12)
    }

    @Test func energyBasedDivideEnergyNotGrams() throws {
        let phone = try entry("smartphone_charge", "charge")
        #expect(phone.basis == .energy)
        #expect(phone.count(grams: Grams(1e9), energy: nil) == nil)
        #expect(phone.count(grams: Grams(0), energy: Joules(11.6 * 3_600 * 5)) == 5)
        #expect(try entry("led_bulb", "hour").count(grams: .zero, energy: Joules(9 * 3_600)) == 1)
    }

    @Test func tableCoversTheDocumentedEquivalencies() {
        let names = Set(EquivalencyTable.builtIn.map(\.name))
        #expect(
            names == [
                "car_distance", "gasoline", "coal", "tree_seedling", "smartphone_charge", "laptop_charge", "led_bulb",
                "plastic_bottle", "aluminium_can", "video_streaming",
            ])
        for entry in EquivalencyTable.builtIn {
            #expect(entry.perUnit > 0)
            #expect(!entry.source.isEmpty && !entry.vintage.isEmpty && !entry.description.isEmpty)
        }
    }

    @Test func overridesReplaceAndAdd() {
        let override = Equivalency(
            name: "car_distance", unit: "mile", basis: .emissions, perUnit: 400, description: "d", source: "s",
            vintage: "v")
        let added = Equivalency(
            name: "kettle", unit: "boil", basis: .energy, perUnit: 360_000, description: "d", source: "s", vintage: "v")
        let table = EquivalencyTable.merged(with: [override, added])
        #expect(table.count == EquivalencyTable.builtIn.count + 1)
        #expect(table.first { $0.name == "car_distance" && $0.unit == "mile" }?.perUnit == 400)
        #expect(table.contains(added))
    }

    @Test func mostRelatablePrefersCountsNearTen() {
        let ranked = EquivalencyTable.mostRelatable(EquivalencyTable.builtIn, grams: Grams(3_930), energy: nil)
        #expect(ranked.first?.0.name == "car_distance")
        #expect(ranked.first?.1 == 10)
        #expect(!ranked.contains { $0.0.basis == .energy }) // no energy given
    }
}
