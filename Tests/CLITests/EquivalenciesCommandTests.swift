import Foundation
import Model
import Testing

@testable import CLI

@Suite struct EquivalenciesCommandTests {
    @Test func commandPrintsTopEquivalents() {
        let text = EquivalenciesCommand.render(
            table: EquivalencyTable.builtIn, grams: 3_930, energyKilowattHours: nil, top: 2, format: .table
        )
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[1].contains("10.0") && lines[1].contains("miles driven"))
        let json = EquivalenciesCommand.render(
            table: EquivalencyTable.builtIn, grams: 3_930, energyKilowattHours: 1, top: nil, format: .json)
        #expect(json.contains(#""table_version": "2026.1""#))
        #expect(json.contains(#""equivalency": "smartphone_charge""#))
    }
}
