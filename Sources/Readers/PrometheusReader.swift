import HTTPClient
import Logging
import Model

/// Reads every node_exporter host known to a Prometheus server with a fixed handful of instant queries.
///
/// Seven queries per collection whatever the host count, all evaluated at the same time: the targets with
/// `up == 1` (and their labels), idle and all-mode CPU seconds summed per host, core count, Active/MemTotal,
/// boot time, and the time of each host's latest CPU sample. Summing in PromQL keeps each answer to one
/// series per host (a by-mode answer would be eight), which bounds the exporter's memory on large fleets. That sample time, not the query time, bounds each interval,
/// so intervals line up exactly with the counters Prometheus scraped.
public struct PrometheusReader: Sendable {
    public struct Settings: Sendable, Equatable {
        public var baseURL: String
        /// Label matchers in braces, e.g. `{job="node"}`; empty for all series.
        public var selector: String
        /// The target label that names a host.
        public var hostLabel: String
        public var timeoutSeconds: Double
        /// Extra request headers, e.g. authorization; never logged.
        public var headers: [HTTPHeader]
        public var maxBodyBytes: Int
        /// This replica's hosts only; nil for all.
        public var shard: Shard?
        /// The target label Prometheus sets to each host's shard: with a shard, every query selects
        /// `shardLabel="<index>"` and Prometheus sends only this replica's hosts. Without it the replica asks for
        /// every host and keeps those whose host label hashes to its shard.
        public var shardLabel: String?
        /// The target labels a reading keeps (the host label is its `host`); nil for all of them.
        public var keptLabels: Set<String>?

        public init(
            baseURL: String,
            selector: String = "",
            hostLabel: String = "instance",
            timeoutSeconds: Double = 10,
            headers: [HTTPHeader] = [],
            maxBodyBytes: Int = 64 << 20,
            shard: Shard? = nil,
            shardLabel: String? = nil,
            keptLabels: Set<String>? = nil
        ) {
            self.baseURL = baseURL
            self.selector = selector
            self.hostLabel = hostLabel
            self.timeoutSeconds = timeoutSeconds
            self.headers = headers
            self.maxBodyBytes = maxBodyBytes
            self.shard = shard
            self.shardLabel = shardLabel
            self.keptLabels = keptLabels
        }

        /// The selector the queries use: the configured one, plus the shard label's matcher when Prometheus
        /// labels the shards.
        public var effectiveSelector: String {
            guard let shard, let shardLabel else { return selector }
            var inner = selector.trimmingSpaces
            if inner.hasPrefix("{") && inner.hasSuffix("}") {
                inner = String(inner.dropFirst().dropLast()).trimmingSpaces
            }
            let matcher = "\(shardLabel)=\"\(shard.index)\""
            return "{" + (inner.isEmpty ? matcher : "\(inner),\(matcher)") + "}"
        }

        /// Whether this replica keeps a host the answers list: Prometheus already chose when it labels shards.
        func keeps(_ host: String) -> Bool {
            guard let shard, shardLabel == nil else { return true }
            return shard.contains(host)
        }
    }

    /// The outcome of one read: readings, and hosts listed as up but left out, with the reason.
    public struct Result: Sendable {
        public var readings: [HostReading]
        public var skipped: [(host: String, reason: String)]
    }

    /// The PromQL of one collection, by purpose.
    public struct Queries: Sendable, Equatable {
        public var up: String
        public var cpuIdleSeconds: String
        public var cpuTotalSeconds: String
        public var cores: String
        public var memoryActiveRatio: String
        public var bootTime: String
        public var sampleTime: String
        /// Read by history commands only (accounting records name a workspace's memory); live collections skip it.
        public var memoryTotalBytes: String

        /// The queries of a live collection.
        public var all: [String] { [up] + singleValued }
        /// The live collection's queries with one series per host, in the order of `TargetValues.liveFields`.
        public var singleValued: [String] {
            [cpuIdleSeconds, cpuTotalSeconds, cores, memoryActiveRatio, bootTime, sampleTime]
        }
        /// The queries of a history read: a live collection's and the memory total.
        public var history: [String] { all + [memoryTotalBytes] }
    }

    public let settings: Settings
    public let queries: Queries
    private let fetcher: any HTTPFetching

    public init(settings: Settings, fetcher: any HTTPFetching) {
        self.settings = settings
        self.fetcher = fetcher
        self.queries = Self.makeQueries(selector: settings.effectiveSelector, hostLabel: settings.hostLabel)
    }

    static func makeQueries(selector: String, hostLabel: String) -> Queries {
        var inner = selector.trimmingSpaces
        if inner.hasPrefix("{") && inner.hasSuffix("}") { inner = String(inner.dropFirst().dropLast()).trimmingSpaces }
        func series(_ name: String, _ extra: String? = nil) -> String {
            let matchers = [inner, extra ?? ""].filter { !$0.isEmpty }.joined(separator: ",")
            return matchers.isEmpty ? name : "\(name){\(matchers)}"
        }
        let host = hostLabel
        return Queries(
            up: "\(series("up")) == 1",
            cpuIdleSeconds: "sum by (\(host)) (\(series("node_cpu_seconds_total", #"mode="idle""#)))",
            cpuTotalSeconds: "sum by (\(host)) (\(series("node_cpu_seconds_total")))",
            cores: "count by (\(host)) (\(series("node_cpu_seconds_total", #"mode="idle""#)))",
            memoryActiveRatio: "sum by (\(host)) (\(series("node_memory_Active_bytes"))) / "
                + "sum by (\(host)) (\(series("node_memory_MemTotal_bytes")))",
            bootTime: "max by (\(host)) (\(series("node_boot_time_seconds")))",
            sampleTime: "max by (\(host)) (timestamp(\(series("node_cpu_seconds_total"))))",
            memoryTotalBytes: "max by (\(host)) (\(series("node_memory_MemTotal_bytes")))"
        )
    }

    /// Per-host values of the single-valued queries, keyed by the host label's value.
    public struct HostValues: Sendable {
        public var cpuIdle: [String: Double] = [:]
        public var cpuTotal: [String: Double] = [:]
        public var cores: [String: Double] = [:]
        public var memoryActiveRatio: [String: Double] = [:]
        public var bootTime: [String: Double] = [:]
        public var sampleTime: [String: Double] = [:]
        public var memoryTotalBytes: [String: Double] = [:]

        public init() {}
    }

    /// Reads all hosts as of `time` (Unix seconds). Any failed query fails the whole read, so a collection
    /// never mixes fresh and missing data. Each answer is folded into per-target values as soon as it is
    /// decoded, so only one decoded answer is held at a time.
    public func read(at time: Double, logger: Logger) throws(ReaderError) -> Result {
        // The targets' labels are taken out of the `up` answer at once, so the answer is not held beside them
        // while the other six are fetched.
        let targets = self.targets(in: try query(queries.up, at: time, logger: logger))
        var values = TargetValues(count: targets.order.count)
        for (field, promQL) in zip(TargetValues.liveFields, queries.singleValued) {
            values[keyPath: field] = targets.values(in: try queryHostColumn(promQL, at: time, logger: logger))
        }
        return assemble(targets, values: values)
    }

    /// One value per host from an answer with one series per host.
    public func byHost(_ response: PrometheusQueryResponse) -> [String: Double] {
        var values: [String: Double] = [:]
        values.reserveCapacity(response.samples.count)
        for sample in response.samples {
            guard let host = sample.labels[settings.hostLabel] else { continue }
            values[host] = sample.value
        }
        return values
    }

    /// Joins the `up` targets with the per-host values into readings; hosts listed as up but missing data
    /// are skipped, with the reason.
    public func assemble(up: PrometheusQueryResponse, values: HostValues) -> Result {
        let targets = targets(in: up)
        return assemble(targets, values: TargetValues(values, order: targets.order))
    }

    /// Joins the `up` targets with the six single-valued answers of a live collection decoded down to the host
    /// label (`queryHostColumn`), in the order of `Queries.singleValued`: what `read` does as the answers arrive.
    public func assemble(up: PrometheusQueryResponse, hostColumns: [PrometheusVectorColumns]) -> Result {
        precondition(
            hostColumns.count == TargetValues.liveFields.count,
            "one answer per single-valued query of a live collection")
        let targets = targets(in: up)
        var values = TargetValues(count: targets.order.count)
        for (field, answer) in zip(TargetValues.liveFields, hostColumns) {
            values[keyPath: field] = targets.values(in: answer)
        }
        return assemble(targets, values: values)
    }

    /// The hosts of an `up` answer, in its order, with their target labels.
    struct Targets {
        var order: [String] = []
        /// Each target's labels, in `order`.
        var labels: [[String: String]] = []
        /// Each host's place in `order`.
        var positions: [String: Int] = [:]
        /// Targets left out (no host label, listed twice), with the reason.
        var skipped: [(host: String, reason: String)] = []

        /// An answer with one series per host as one value per target, nil where the answer lacks the target.
        /// A host listed twice keeps its last value, as a dictionary by host would.
        func values(in answer: PrometheusVectorColumns) -> [Double?] {
            var values = [Double?](repeating: nil, count: order.count)
            for row in 0..<answer.count {
                guard let host = answer.label(row, 0), let position = positions[host] else { continue }
                values[position] = answer.values[row]
            }
            return values
        }
    }

    /// The single-valued queries' values, one per target in the targets' order: an array per query instead of
    /// a dictionary keyed by a copy of every host's name.
    struct TargetValues {
        var cpuIdle: [Double?]
        var cpuTotal: [Double?]
        var cores: [Double?]
        var memoryActiveRatio: [Double?]
        var bootTime: [Double?]
        var sampleTime: [Double?]
        var memoryTotalBytes: [Double?]

        /// Where each of `Queries.singleValued` goes.
        static var liveFields: [WritableKeyPath<TargetValues, [Double?]>] {
            [
                \.cpuIdle, \.cpuTotal, \.cores, \.memoryActiveRatio, \.bootTime, \.sampleTime,
            ]
        }

        init(count: Int) {
            let none = [Double?](repeating: nil, count: count)
            (cpuIdle, cpuTotal, cores, memoryActiveRatio, bootTime, sampleTime, memoryTotalBytes) =
                (none, none, none, none, none, none, none)
        }

        init(_ values: HostValues, order: [String]) {
            cpuIdle = order.map { values.cpuIdle[$0] }
            cpuTotal = order.map { values.cpuTotal[$0] }
            cores = order.map { values.cores[$0] }
            memoryActiveRatio = order.map { values.memoryActiveRatio[$0] }
            bootTime = order.map { values.bootTime[$0] }
            sampleTime = order.map { values.sampleTime[$0] }
            memoryTotalBytes = order.map { values.memoryTotalBytes[$0] }
        }
    }

    /// The hosts this replica keeps from an `up` answer, each once.
    func targets(in up: consuming PrometheusQueryResponse) -> Targets {
        let hostLabel = settings.hostLabel
        var targets = Targets()
        targets.positions.reserveCapacity(up.samples.count)
        // Taken out of the answer one by one, so each label set has one owner and drops `__name__` in place.
        var samples = up.samples
        up = PrometheusQueryResponse(samples: [], warnings: [])
        for index in samples.indices {
            var labels = samples[index].labels
            samples[index].labels = [:]
            guard let host = labels[hostLabel], !host.isEmpty else {
                targets.skipped.append((host: "", reason: "target without the \(hostLabel) label"))
                continue
            }
            // Another replica's host (the answer lists every host when Prometheus does not label shards).
            guard settings.keeps(host) else { continue }
            if targets.positions[host] != nil {
                // The same host under two jobs: its counters were summed per host label already.
                targets.skipped.append((host: host, reason: "listed more than once; first target's labels used"))
                continue
            }
            labels["__name__"] = nil
            if let kept = settings.keptLabels {
                // `instance` stays where it is not the host label: measured power joins on it.
                labels = labels.filter { kept.contains($0.key) || ($0.key == "instance" && hostLabel != "instance") }
            }
            targets.positions[host] = targets.order.count
            targets.order.append(host)
            targets.labels.append(labels)
        }
        return targets
    }

    func assemble(_ targets: Targets, values: TargetValues) -> Result {
        var skipped = targets.skipped
        var readings: [HostReading] = []
        readings.reserveCapacity(targets.order.count)
        for (position, host) in targets.order.enumerated() {
            guard let totalSeconds = values.cpuTotal[position], let idleSeconds = values.cpuIdle[position] else {
                skipped.append((host: host, reason: "no node_cpu_seconds_total"))
                continue
            }
            guard let timestamp = values.sampleTime[position] else {
                skipped.append((host: host, reason: "no CPU sample time"))
                continue
            }
            let reading = HostReading(
                host: host,
                labels: targets.labels[position],
                timestamp: timestamp,
                cpuIdleSeconds: idleSeconds,
                cpuTotalSeconds: totalSeconds,
                cores: values.cores[position] ?? 0,
                memoryActiveRatio: values.memoryActiveRatio[position].flatMap { $0.isFinite ? $0 : nil },
                bootTime: values.bootTime[position],
                memoryTotalBytes: values.memoryTotalBytes[position]
            )
            guard reading.isValid else {
                skipped.append((host: host, reason: "non-finite or impossible values"))
                continue
            }
            readings.append(reading)
        }
        return Result(readings: readings, skipped: skipped)
    }

    func query(_ promQL: String, at time: Double, logger: Logger) throws(ReaderError) -> PrometheusQueryResponse {
        try fetchAPI(queryURL(promQL, at: time), promQL: promQL, logger: logger) { body throws(ReaderError) in
            try PrometheusQueryResponse.decode(body)
        }
    }

    /// An instant query whose answer has one series per host, decoded down to the host label.
    func queryHostColumn(
        _ promQL: String, at time: Double, logger: Logger
    ) throws(ReaderError)
        -> PrometheusVectorColumns
    {
        let hostLabel = settings.hostLabel
        return try fetchAPI(queryURL(promQL, at: time), promQL: promQL, logger: logger) { body throws(ReaderError) in
            try PrometheusQueryResponse.decodeColumns(body, labels: [hostLabel])
        }
    }

    func queryURL(_ promQL: String, at time: Double) -> String {
        "\(settings.baseURL.trimmingTrailingSlash)/api/v1/query?query=\(promQL.urlQueryEscaped)&time=\(Self.formatTime(time))"
    }

    /// GETs one query API URL and decodes its answer with `decode`, the one of the answer's shape (vector or matrix).
    func fetchAPI<Answer>(
        _ url: String, promQL: String, logger: Logger, decode: ([UInt8]) throws(ReaderError) -> Answer
    ) throws(ReaderError) -> Answer {
        let request = HTTPRequest(
            url: url,
            headers: settings.headers + [HTTPHeader(name: "Accept", value: "application/json")],
            timeoutSeconds: settings.timeoutSeconds,
            maxBodyBytes: settings.maxBodyBytes
        )
        logger.trace("querying Prometheus", metadata: ["promql": "\(promQL)"])
        let response: HTTPResponse
        do {
            response = try fetcher.fetch(request)
        } catch {
            throw .transport(error)
        }
        if !response.isSuccess {
            // Prometheus explains 4xx/5xx in its JSON envelope; proxies in front of it may send anything.
            var detail = String(decoding: response.body.prefix(200), as: UTF8.self)
            do {
                _ = try decode(response.body)
            } catch  where error.code == .upstreamError {
                detail = error.detail
            } catch {}
            throw .badStatus(response.status, "\(promQL): \(detail)")
        }
        do {
            return try decode(response.body)
        } catch {
            throw ReaderError(error.code, "\(promQL): \(error.detail)")
        }
    }

    /// Seconds with millisecond precision, the resolution Prometheus keeps.
    static func formatTime(_ time: Double) -> String {
        let milliseconds = Int64((time * 1000).rounded())
        let seconds = milliseconds / 1000
        let fraction = milliseconds % 1000
        let padded = String(fraction).count < 3 ? String(repeating: "0", count: 3 - String(fraction).count) : ""
        return "\(seconds).\(padded)\(fraction)"
    }
}
