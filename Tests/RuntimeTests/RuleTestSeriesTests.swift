import Foundation
import Testing

@testable import PromText

/// The series that `alerts/tests/*.test.yml` feed the rules must look exactly like the exporter's output
/// (the golden file): same metric names, same label names. Rules and exporter cannot drift apart unnoticed.
@Suite struct RuleTestSeriesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Label names per metric name, from an exposition.
    static func labelNames(exposition: String) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            let (name, labels) = split(String(line))
            result[name, default: []].formUnion(labels)
        }
        return result
    }

    /// `name{a="x",b="y"}` → (name, [a, b]); quoted values may hold commas, braces and escaped quotes.
    static func split(_ series: String) -> (String, Set<String>) {
        guard let open = series.firstIndex(of: "{") else {
            return (String(series.prefix { $0 != " " }), [])
        }
        let name = String(series[..<open]).trimmingCharacters(in: .whitespaces)
        var names = Set<String>()
        var current = ""
        var inValue = false
        var escaped = false
        for character in series[series.index(after: open)...] {
            if inValue {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inValue = false
                }
                continue
            }
            switch character {
            case "\"": inValue = true
            case "=":
                names.insert(current.trimmingCharacters(in: .whitespaces))
                current = ""
            case ",", "}", "~", "!": current = ""
            default: current.append(character)
            }
        }
        return (name, names)
    }

    @Test func inputSeriesMatchTheExporterOutput() throws {
        let golden = try String(
            contentsOf: Self.repository.appendingPathComponent("Tests/ExpositionTests/Fixtures/snapshot.golden.prom"),
            encoding: .utf8)
        let exported = Self.labelNames(exposition: golden)
        let targetLabels: Set<String> = ["job", "instance"]
        // Sites may configure machine_name as a further attribution label on host series.
        let optionalAttribution: Set<String> = ["machine_name"]
        let folder = Self.repository.appendingPathComponent("alerts/tests")
        var checked = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".test.yml") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                guard let range = line.range(of: "series: ") else { continue }
                let series = line[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
                let (name, labels) = Self.split(series)
                guard name.hasPrefix("footprint_") else { continue }
                checked += 1
                guard let expected = exported[name] else {
                    Issue.record("\(file): \(name) is not a metric the exporter writes")
                    continue
                }
                let extra = labels.subtracting(expected).subtracting(targetLabels)
                    .subtracting(name.hasPrefix("footprint_host_") ? optionalAttribution : [])
                #expect(extra.isEmpty, "\(file): \(name) has labels the exporter never writes: \(extra.sorted())")
                let missing = expected.subtracting(labels)
                #expect(missing.isEmpty, "\(file): \(name) lacks labels the exporter writes: \(missing.sorted())")
            }
        }
        #expect(checked > 50)
    }

    @Test func splitsSeriesWithAwkwardValues() {
        let (name, labels) = Self.split(#"m{a="x,y}", b="say \"hi\"", c=""}"#)
        #expect(name == "m")
        #expect(labels == ["a", "b", "c"])
    }
}
