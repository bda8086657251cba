import Foundation
import HTTPClient
import TestSupport
import Testing

/// A fake fleet behind a real Prometheus, read by the exporter binary in bridge mode with two sites: what the
/// analysis pages, the usage API and the browser tests run against.
///
/// Four hosts: two of project clf (one with a hostile user name), one of clf-extra (also site clf) and one
/// of isis (site isis).
final class AnalysisFleet {
    static let hostileUser = "<img src=x onerror=alert(1)>"
    let directory: String
    let nodes: [FakeNodeExporter]
    let prometheus: ExternalProcess
    let exporterPort: UInt16
    private(set) var exporter: ExternalProcess
    let config: String
    let extraArguments: [String]

    /// The attribution labels of the four hosts, in order.
    static let attributions: [[String: String]] = [
        ["cloud_project_name": "clf", "user": "ann", "machine_name": "Artemis (Matlab)"],
        ["cloud_project_name": "clf", "user": hostileUser, "machine_name": "Muon"],
        ["cloud_project_name": "clf-extra", "user": "bob", "machine_name": "Muon"],
        ["cloud_project_name": "isis", "user": "cy", "machine_name": "Big"],
    ]

    /// - Parameter seed: writes into the state store (its path given) before the exporter first starts.
    init(extraArguments: [String] = [], seed: ((String, [FakeNodeExporter]) throws -> Void)? = nil) throws {
        directory = try TestStack.temporaryDirectory()
        nodes = [
            try FakeNodeExporter(address: "127.0.0.61", cores: 4, busyShare: 0.2),
            try FakeNodeExporter(address: "127.0.0.62", cores: 8, busyShare: 0.05),
            try FakeNodeExporter(address: "127.0.0.63", cores: 2, busyShare: 0.7),
            try FakeNodeExporter(address: "127.0.0.64", cores: 16, busyShare: 0.4),
        ]
        let labels = Self.attributions.map { attribution in
            "{" + attribution.sorted { $0.key < $1.key }.map { "\($0.key): '\($0.value)'" }.joined(separator: ", ")
                + "}"
        }
        let prometheusPort = FreePort.next()
        exporterPort = FreePort.next()
        var jobs = "  - job_name: node\n    static_configs:\n"
        for (node, labels) in zip(nodes, labels) {
            jobs += "      - targets: [\"\(node.target)\"]\n        labels: \(labels)\n"
        }
        prometheus = try TestStack.prometheus(port: prometheusPort, directory: directory, jobs: jobs)
        config = """
            collect_interval: 1s
            source:
              kind: prometheus
              prometheus:
                url: http://127.0.0.1:\(prometheusPort)
                selector: '{job="node"}'
                attribution_labels: [cloud_project_name, user, machine_name]
                timeout: 2s
            carbon_intensity: {provider: static, static_grams_per_kwh: 180}
            sites:
              - {name: clf, match: {cloud_project_name: [clf, clf-extra]}}
              - {name: isis, match: {cloud_project_name: isis}}
            """
        self.extraArguments = extraArguments
        try seed?("\(directory)/state.sqlite", nodes)
        exporter = try TestStack.exporter(
            port: exporterPort, config: config, directory: directory, extraArguments: extraArguments)
    }

    var base: String { "http://127.0.0.1:\(exporterPort)" }

    /// Stops the exporter and starts it again on the same state store.
    func restartExporter() throws {
        exporter.stop()
        exporter = try TestStack.exporter(
            port: exporterPort, config: config, directory: directory, extraArguments: extraArguments)
    }

    func stop() {
        exporter.stop()
        prometheus.stop()
        for node in nodes { node.upstream.stop() }
    }

    func get(_ path: String, headers: [HTTPHeader] = []) throws -> HTTPResponse {
        try TestStack.get(base + path, headers: headers)
    }

    func text(_ path: String) throws -> String {
        String(decoding: try get(path).body, as: UTF8.self)
    }

    /// Summed counters of `/metrics`: energy and emissions, total and idle, over the hosts `include` accepts
    /// (by the host label's value).
    func counters(
        include: (String) -> Bool = { _ in true }
    ) throws -> (joules: Double, idleJoules: Double, grams: Double) {
        var result = (joules: 0.0, idleJoules: 0.0, grams: 0.0)
        for (series, value) in TestStack.samples(try text("/metrics")) {
            guard let hostStart = series.range(of: "host=\"") else { continue }
            let host = series[hostStart.upperBound...].prefix { $0 != "\"" }
            guard include(String(host)) else { continue }
            if series.hasPrefix("footprint_host_energy_joules_total{") {
                result.joules += value
                if series.contains("state=\"idle\"") { result.idleJoules += value }
            } else if series.hasPrefix("footprint_host_emissions_grams_total{") {
                result.grams += value
            }
        }
        return result
    }

    /// Waits until every host has integrated at least one interval.
    func waitForEnergy() throws {
        let ready = try TestStack.eventually(timeout: 40) {
            let samples = TestStack.samples(try text("/metrics"))
            let hosts = Set(
                samples.filter { $0.key.hasPrefix("footprint_host_energy_joules_total{") && $0.value > 0 }.keys
                    .compactMap { series in
                        series.range(of: "host=\"").map { series[$0.upperBound...].prefix { $0 != "\"" } }
                    })
            return hosts.count == nodes.count
        }
        try #require(ready, "every host should have energy:\n\(exporter.output.suffix(2_000))")
    }

    /// Host names of the site clf's hosts.
    var clfHosts: Set<String> { Set(nodes.prefix(3).map(\.target)) }
}

/// Reads the figures of a page: each element's `data-metric` with its `data-value`.
enum PageFigures {
    /// The first element's value for each metric name (names of repeated rows keep the first).
    static func values(_ html: String) -> [String: Double] {
        var values: [String: Double] = [:]
        let pattern = try? NSRegularExpression(pattern: #"data-metric="([^"]+)"[^>]*?data-value="([^"]+)""#)
        let range = NSRange(html.startIndex..., in: html)
        for match in pattern?.matches(in: html, range: range) ?? [] {
            guard let name = Range(match.range(at: 1), in: html), let value = Range(match.range(at: 2), in: html),
                let number = Double(html[value])
            else { continue }
            if values[String(html[name])] == nil { values[String(html[name])] = number }
        }
        return values
    }
}
