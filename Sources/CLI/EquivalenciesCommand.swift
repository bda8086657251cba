import ArgumentParser
import Config
import Foundation
import Model
import PromText
import Report

/// Prints what an amount of emissions (and optionally energy) equals in everyday terms.
public struct EquivalenciesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "equivalencies",
        abstract: "Express grams of CO2e (and optionally energy) as everyday equivalents."
    )

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        case table
        case json
    }

    @Argument(help: "Grams of CO2-equivalent.")
    public var grams: Double

    @Option(
        name: .customLong("energy-kwh"),
        help: "Energy in kWh, for the energy-based equivalents (phone charges, LED hours).")
    public var energyKilowattHours: Double?

    @Option(name: .customLong("top"), help: "Only the N most relatable equivalents.")
    public var top: Int?

    @Option(name: .customLong("format"), help: "table or json.")
    public var format = Format.table

    @Option(
        name: .customLong("config.file"),
        help: "Configuration whose equivalencies section overrides the built-in table.")
    public var configFile: String?

    public init() {}

    public func validate() throws {
        guard grams.isFinite, grams >= 0 else { throw ValidationError("GRAMS must be a non-negative number") }
        if let energyKilowattHours, !(energyKilowattHours.isFinite && energyKilowattHours >= 0) {
            throw ValidationError("--energy-kwh must be a non-negative number")
        }
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
    }

    public func run() throws {
        var table = EquivalencyTable.builtIn.sorted { ($0.name, $0.unit) < ($1.name, $1.unit) }
        if let configFile {
            do {
                table = try ConfigurationLoader.load(path: configFile).equivalencyTable
            } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(1)
            }
        }
        print(
            Self.render(table: table, grams: grams, energyKilowattHours: energyKilowattHours, top: top, format: format),
            terminator: "")
    }

    public static func render(
        table: [Equivalency], grams: Double, energyKilowattHours: Double?, top: Int?, format: Format
    ) -> String {
        let energy = energyKilowattHours.map { Joules($0 * 3_600_000) }
        var rows =
            top == nil
            ? table.compactMap { entry in entry.count(grams: Grams(grams), energy: energy).map { (entry, $0) } }
            : EquivalencyTable.mostRelatable(table, grams: Grams(grams), energy: energy)
        if let top { rows = Array(rows.prefix(top)) }
        switch format {
        case .json:
            let objects: [JSONText] = rows.map { entry, count in
                .sortedObject([
                    "equivalency": .string(entry.name), "unit": .string(entry.unit), "count": .number(count),
                    "description": .string(entry.description), "basis": .string(entry.basis.rawValue),
                    (entry.basis == .emissions ? "grams_per_unit" : "joules_per_unit"): .number(entry.perUnit),
                    "source": .string(entry.source), "vintage": .string(entry.vintage),
                ])
            }
            return JSONText.sortedObject([
                "grams": .number(grams), "energy_kwh": .optional(energyKilowattHours),
                "table_version": .string(EquivalencyTable.version), "equivalencies": .array(objects),
            ]).rendered()
        case .table:
            var lines = [
                "\(SampleValueText.string(grams)) g CO2e\(energyKilowattHours.map { " and \(SampleValueText.string($0)) kWh" } ?? "") is about:"
            ]
            for (entry, count) in rows {
                lines.append(
                    "  \(Self.format(count).padding(toLength: 12, withPad: " ", startingAt: 0)) \(entry.description)  [\(entry.source), \(entry.vintage)]"
                )
            }
            if energy == nil && table.contains(where: { $0.basis == .energy }) {
                lines.append("(pass --energy-kwh for the energy-based equivalents)")
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    public static func format(_ count: Double) -> String {
        if count >= 100 { return String(format: "%.0f", count) }
        if count >= 1 { return String(format: "%.1f", count) }
        return String(format: "%.3g", count)
    }
}
