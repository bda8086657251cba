import Foundation
import MetricsServer
import TestSupport

/// A stand-in for Prometheus' range API over hosts whose counters grow at fixed rates, so tests know every
/// reading the report will get. It answers the bridge's seven queries (by their shape) at every step like
/// Prometheus would: each host's latest sample at or before the step, samples taken every `scrapeInterval`.
public final class SyntheticPrometheus: Sendable {
    public struct Host: Sendable {
        public var instance: String
        public var labels: [String: String]
        public var bootTime: Double
        public var cores: Double
        public var idlePerSecond: Double
        public var totalPerSecond: Double
        public var memoryActiveRatio: Double
        public var memoryTotalBytes: Double = 8 * 1_073_741_824
        /// The host reboots at this time (its boot time and counters start again there).
        public var rebootAt: Double? = nil
        /// Times at which the host is not listed at all.
        public var absent: @Sendable (Double) -> Bool = { _ in false }

        public init(
            instance: String, labels: [String: String], bootTime: Double, cores: Double, idlePerSecond: Double,
            totalPerSecond: Double, memoryActiveRatio: Double, memoryTotalBytes: Double = 8 * 1_073_741_824,
            rebootAt: Double? = nil, absent: @escaping @Sendable (Double) -> Bool = { _ in false }
        ) {
            self.instance = instance
            self.labels = labels
            self.bootTime = bootTime
            self.cores = cores
            self.idlePerSecond = idlePerSecond
            self.totalPerSecond = totalPerSecond
            self.memoryActiveRatio = memoryActiveRatio
            self.memoryTotalBytes = memoryTotalBytes
            self.rebootAt = rebootAt
            self.absent = absent
        }
    }

    public let upstream: FakeUpstream
    public let hosts: [Host]
    public let scrapeInterval: Double
    /// Range requests whose start lies in one of these spans answer HTTP 500.
    public let failing: [ClosedRange<Double>]

    public init(hosts: [Host], scrapeInterval: Double = 15, failing: [ClosedRange<Double>] = []) throws {
        self.upstream = try FakeUpstream()
        self.hosts = hosts
        self.scrapeInterval = scrapeInterval
        self.failing = failing
        upstream.route("/api/v1/query_range", .handler { [self] request in self.answer(request) })
    }

    public var baseURL: String { upstream.baseURL }

    public func stop() { upstream.stop() }

    private func answer(_ request: ServerRequest) -> ServerResponse {
        guard let query = request.query["query"], let start = request.query["start"].flatMap(Double.init),
            let end = request.query["end"].flatMap(Double.init), let step = request.query["step"].flatMap(Double.init),
            step > 0
        else { return .text(#"{"status":"error","errorType":"bad_data","error":"bad parameters"}"#, status: 400) }
        if failing.contains(where: { $0.contains(start) }) {
            return .text(#"{"status":"error","errorType":"internal","error":"injected failure"}"#, status: 500)
        }
        var series: [String] = []
        for host in hosts {
            var points: [String] = []
            var index = 0
            while start + Double(index) * step <= end + 1e-9 {
                let time = start + Double(index) * step
                index += 1
                guard !host.absent(time) else { continue }
                let sampled = (time / scrapeInterval).rounded(.down) * scrapeInterval
                let boot = host.rebootAt.map { sampled >= $0 ? $0 : host.bootTime } ?? host.bootTime
                let up = sampled - boot
                let value: Double
                if query.contains("timestamp(") {
                    value = sampled
                } else if query.hasPrefix("count by") {
                    value = host.cores
                } else if query.contains("node_memory_Active_bytes") {
                    value = host.memoryActiveRatio
                } else if query.contains("node_memory_MemTotal_bytes") {
                    value = host.memoryTotalBytes
                } else if query.contains("node_boot_time_seconds") {
                    value = boot
                } else if query.contains(#"mode="idle""#) {
                    value = host.idlePerSecond * up
                } else if query.contains("node_cpu_seconds_total") {
                    value = host.totalPerSecond * up
                } else if query.hasPrefix("up") {
                    value = 1
                } else {
                    return .text(#"{"status":"error","errorType":"bad_data","error":"unknown query"}"#, status: 400)
                }
                points.append("[\(Self.time(time)),\"\(value)\"]")
            }
            guard !points.isEmpty else { continue }
            var labels = ["instance": host.instance]
            if query.hasPrefix("up") { labels.merge(host.labels) { _, new in new } }
            let metric = labels.keys.sorted().map { "\"\($0)\":\"\(labels[$0] ?? "")\"" }.joined(separator: ",")
            series.append(#"{"metric":{\#(metric)},"values":[\#(points.joined(separator: ","))]}"#)
        }
        let body = #"{"status":"success","data":{"resultType":"matrix","result":[\#(series.joined(separator: ","))]}}"#
        return ServerResponse(
            status: 200, headers: [ServerHeader(name: "Content-Type", value: "application/json")],
            body: Array(body.utf8))
    }

    /// Times as Prometheus writes them: whole seconds without a fraction, else three decimals.
    public static func time(_ time: Double) -> String {
        let milliseconds = Int64((time * 1_000).rounded())
        return milliseconds % 1_000 == 0
            ? "\(milliseconds / 1_000)" : String(format: "%.3f", Double(milliseconds) / 1_000)
    }
}
