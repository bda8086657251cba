import Foundation
import HTTPClient
import TestSupport

/// Real components on loopback for end-to-end tests: node_exporter, Prometheus and the exporter binary.
public enum TestStack {
    public static let fetcher: CurlHTTPClient = {
        do { return try CurlHTTPClient(userAgent: "footprint-tests") } catch { fatalError("curl: \(error)") }
    }()

    public static func temporaryDirectory() throws -> String { try TemporaryDirectory.make("e2e") }

    /// The exporter binary `swift build` put beside the test bundle.
    public static var exporterBinary: String {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var directory = testBinary.deletingLastPathComponent()
        // The bundle may be a folder (…/X.xctest/…); walk up to the build products folder.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("footprint_exporter").path),
            directory.path != "/"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("footprint_exporter").path
    }

    public static func nodeExporter(port: UInt16) throws -> ExternalProcess {
        let process = try ExternalProcess(
            "prometheus-node-exporter",
            [
                "--web.listen-address=127.0.0.1:\(port)", "--collector.disable-defaults", "--collector.cpu",
                "--collector.meminfo", "--collector.stat",
            ],
            name: "node_exporter"
        )
        try process.waitUntilReady("http://127.0.0.1:\(port)/metrics")
        return process
    }

    /// Starts Prometheus scraping every second; `jobs` is the YAML list under scrape_configs. With `remoteWrite`,
    /// every sample is also sent to that URL, in batches at most a second old.
    public static func prometheus(
        port: UInt16, directory: String, jobs: String, remoteWrite: String? = nil
    ) throws -> ExternalProcess {
        var config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
            \(jobs)
            """
        if let remoteWrite {
            config += """

                remote_write:
                  - url: \(remoteWrite)
                    queue_config: {batch_send_deadline: 1s}

                """
        }
        let configPath = "\(directory)/prometheus.yml"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let process = try ExternalProcess(
            "prometheus",
            [
                "--config.file=\(configPath)", "--storage.tsdb.path=\(directory)/data",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ]
        )
        try process.waitUntilReady("http://127.0.0.1:\(port)/-/ready", timeout: 30)
        return process
    }

    /// scrape_configs entries: job `node` for one node_exporter with the test target labels, and a job
    /// scraping the exporter itself.
    public static func bridgeJobs(node host: String, exporterPort: UInt16, exporterJob: String) -> String {
        """
          - job_name: node
            static_configs:
              - targets: ["\(host)"]
                labels: {cloud_project_name: isis, user: jane.doe, machine_name: "Artemis (Matlab)"}
          - job_name: \(exporterJob)
            static_configs:
              - targets: ["127.0.0.1:\(exporterPort)"]
        """
    }

    public static func exporter(
        port: UInt16, config: String, directory: String, extraArguments: [String] = []
    ) throws -> ExternalProcess {
        let configPath = "\(directory)/footprint.yml"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let process = try ExternalProcess(
            exporterBinary,
            [
                "--config.file=\(configPath)", "--web.listen-address=127.0.0.1:\(port)", "--log.level=debug",
                "--storage.path=\(directory)/state.sqlite",
            ] + extraArguments,
            name: "footprint_exporter"
        )
        try process.waitUntilReady("http://127.0.0.1:\(port)/-/ready")
        return process
    }

    /// Starts Debian's VictoriaMetrics (single node) on loopback, storing in `directory`; it takes Prometheus remote
    /// write at `/api/v1/write` and answers the query API. Its response cache is off and it serves samples up to a
    /// second old, so a test reads back exactly what was written.
    public static func victoriaMetrics(port: UInt16, directory: String) throws -> ExternalProcess {
        let process = try ExternalProcess(
            "victoria-metrics",
            [
                "-storageDataPath=\(directory)/victoria-metrics", "-httpListenAddr=127.0.0.1:\(port)",
                "-retentionPeriod=1", "-search.disableCache", "-search.latencyOffset=1s", "-loggerLevel=WARN",
            ])
        try process.waitUntilReady("http://127.0.0.1:\(port)/health", timeout: 30)
        return process
    }

    public static func get(_ url: String, headers: [HTTPHeader] = []) throws -> HTTPResponse {
        try fetcher.fetch(HTTPRequest(url: url, headers: headers, timeoutSeconds: 5))
    }

    /// Parses an exposition into `series → value` (series written exactly as in the text).
    public static func samples(_ text: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            result[String(line[..<space])] = value
        }
        return result
    }

    /// An instant query's first value, or nil.
    public static func query(_ port: UInt16, _ promQL: String, at time: Double? = nil) throws -> Double? {
        let escaped = promQL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promQL
        let timeParameter = time.map { "&time=\($0)" } ?? ""
        let response = try get("http://127.0.0.1:\(port)/api/v1/query?query=\(escaped)\(timeParameter)")
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
            let first = result.first, let value = first["value"] as? [Any], let text = value.last as? String
        else { return nil }
        return Double(text)
    }

    /// The timestamps of every raw sample of one series over the last `window`, oldest first.
    public static func sampleTimes(_ port: UInt16, _ selector: String, window: String = "10m") throws -> [Double] {
        let escaped = "\(selector)[\(window)]".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? selector
        let response = try get("http://127.0.0.1:\(port)/api/v1/query?query=\(escaped)")
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
            let values = result.first?["values"] as? [[Any]]
        else { return [] }
        return values.compactMap { ($0.first as? NSNumber)?.doubleValue }
    }

    /// Polls until `condition` holds or `timeout` passes.
    public static func eventually(timeout: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(200_000)
        }
        return try condition()
    }
}
