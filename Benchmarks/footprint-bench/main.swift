import Counters
import Exposition
import Foundation
import HTTPClient
import Logging
import MetricsServer
import Model
import PromText
import Readers

// Release benchmarks of footprint_exporter's hot paths, in the RESULT line format of the peer benchmark
// script so that both are measured in one run:
//
//   render      SnapshotRenderer over a snapshot of every host in a fleet fixture (many_hosts.prom: its
//               instance and attribution labels), i.e. what one /metrics scrape costs
//   parse       TextParser over the whole file (every family), and over only the four families the model reads;
//               then the file's families re-encoded as OpenMetrics, parsed strictly, beside the same re-encoded as text
//   scrape-cycle (with --cycle N) one direct-scrape cycle of N targets served on loopback: concurrent
//               fetches through curl's multi interface plus parsing each answer into a host reading
//   json-decode the seven Prometheus API responses of one bridge collection for the same hosts, decoded and
//               assembled into host readings (what one collection cycle costs)
//   measured-power one bridge collection with every host measured, beside today's collection of the same hosts:
//               decode and integration, then the whole collection (with the snapshot published for scrapes)
//
//   pages       (with --pages N) the analysis pages of N hosts with 30 days of usage history (PagesBenchmark.swift)
//   usage-size  (with --usage-size N HOURS) the usage history's size on disk for N hosts over HOURS hours
//
// usage: footprint-bench FILE.prom [--live] [--runs N] [--target SECONDS] [--only render|parse|parse-text] [--cycle N]
//        footprint-bench --pages N | --usage-size N HOURS
// (parse-text: the text format parse of the file alone, without its OpenMetrics re-encoding)
// The renderer and decoder work on fleets, so they run only for fleet fixtures (--live, as the peer script
// passes for many_hosts); the parser runs on every fixture.
#if canImport(Glibc)
    import Glibc
#endif

func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Median seconds per operation over `runs` runs, each repeating the operation to last about `target`.
func measure(runs: Int, target: Double, _ operation: () -> Void) -> Double {
    let start = now()
    operation()
    let once = max(now() - start, 1e-9)
    let repetitions = max(1, Int((target / once).rounded(.up)))
    var perOperation: [Double] = []
    for _ in 0..<runs {
        let begin = now()
        for _ in 0..<repetitions { operation() }
        perOperation.append((now() - begin) / Double(repetitions))
    }
    return perOperation.sorted()[perOperation.count / 2]
}

/// Two operations timed side by side: the median seconds of each, and the median of the second's time over the
/// first's, pair by pair.
struct SideBySide {
    var first: Double
    var second: Double
    /// Taken pair by pair rather than from the two medians: the two of a pair ran next to each other, at the same
    /// speed of the machine, so their ratio moves less than either time.
    var ratio: Double

    /// "X ms today, Y ms with measured power (+Z %)".
    var description: String {
        String(
            format: "%.1f ms today, %.1f ms with measured power (%+.0f %%)", first * 1000, second * 1000,
            (ratio - 1) * 100)
    }
}

/// Two operations taken in turn, one operation of each at a time, for about `runs × target` seconds each: the
/// machine's speed drifts by tens of percent over seconds here, and two operations run next to each other see the
/// same speed. Which goes first alternates too.
func measureSideBySide(runs: Int, target: Double, _ first: () -> Void, _ second: () -> Void) -> SideBySide {
    func timed(_ operation: () -> Void) -> Double {
        let begin = now()
        operation()
        return now() - begin
    }
    let pair = timed(first) + timed(second)
    let pairs = max(runs, Int((Double(runs) * target * 2 / max(pair, 1e-9)).rounded(.up)))
    var times: [(Double, Double)] = []
    for index in 0..<pairs {
        if index % 2 == 0 {
            let one = timed(first)
            times.append((one, timed(second)))
        } else {
            let two = timed(second)
            times.append((timed(first), two))
        }
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    return SideBySide(
        first: median(times.map(\.0)), second: median(times.map(\.1)), ratio: median(times.map { $0.1 / $0.0 }))
}

func peakRSSMebibytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
        return kilobytes / 1024
    }
    return 0
}

/// The labels of each host of a fleet fixture: one per distinct `instance`, from its first sample line.
func fleetHosts(_ text: String) -> [(host: String, labels: [String: String])] {
    var seen = Set<String>()
    var hosts: [(String, [String: String])] = []
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        guard let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") else { continue }
        var labels: [String: String] = [:]
        for pair in line[line.index(after: open)..<close].components(separatedBy: "\",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            labels[String(parts[0])] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        guard let host = labels["instance"], seen.insert(host).inserted else { continue }
        labels["instance"] = nil
        hosts.append((host, labels))
    }
    return hosts
}

func vectorJSON(_ samples: [(labels: [String: String], value: String)], time: Double) -> [UInt8] {
    var text = #"{"status":"success","data":{"resultType":"vector","result":["#
    for (index, sample) in samples.enumerated() {
        if index > 0 { text += "," }
        let labels = sample.labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(
            separator: ",")
        text += #"{"metric":{\#(labels)},"value":[\#(time),"\#(sample.value)"]}"#
    }
    text += "]}}"
    return Array(text.utf8)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var runs = 5
var target = 1.0
var live = false
var file: String?
var only: String?
var cycleTargets: Int?
var pageHosts: Int?
var usageSize: (hosts: Int, hours: Int)?
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--live": live = true
    case "--runs": runs = Int(arguments.removeFirst()) ?? runs
    case "--target": target = Double(arguments.removeFirst()) ?? target
    case "--only": only = arguments.removeFirst()
    case "--cycle": cycleTargets = Int(arguments.removeFirst())
    case "--pages": pageHosts = Int(arguments.removeFirst())
    case "--usage-size":
        usageSize = (Int(arguments.removeFirst()) ?? 1_000, Int(arguments.removeFirst()) ?? 720)
    default: file = argument
    }
}
if let pageHosts {
    PagesBenchmark.runPages(hosts: pageHosts, runs: runs, target: target)
    exit(0)
}
if let usageSize {
    do {
        try PagesBenchmark.runUsageSize(hosts: usageSize.hosts, hours: usageSize.hours)
    } catch {
        FileHandle.standardError.write(Data("usage-size: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
guard let file, let text = try? String(contentsOfFile: file, encoding: .utf8) else {
    FileHandle.standardError.write(
        Data("usage: footprint-bench FILE.prom [--live] [--runs N] [--target SECONDS]\n".utf8))
    exit(2)
}
let fixture = URL(fileURLWithPath: file).lastPathComponent
let fileBytes = Array(text.utf8)

// --- parse ---------------------------------------------------------------------------------------------
if only == nil || only == "parse" || only == "parse-text" {
    var parsedSamples = 0
    let parseSeconds = measure(runs: runs, target: target) {
        parsedSamples = ((try? TextParser.parse(fileBytes)) ?? []).reduce(0) { $0 + $1.samples.count }
    }
    let wantedSeconds = measure(runs: runs, target: target) {
        _ = try? TextParser.parse(fileBytes, families: NodeExporterReading.families)
    }
    let megabytes = Double(fileBytes.count) / 1e6
    FileHandle.standardError.write(
        Data(
            "footprint parse \(fixture): \(parsedSamples) samples, \(String(format: "%.1f", megabytes / parseSeconds)) MB/s all families, \(String(format: "%.1f", megabytes / wantedSeconds)) MB/s model families only\n"
                .utf8))
    print(
        "RESULT tool=footprint-parse fixture=\(fixture) bytes=\(fileBytes.count) samples=\(parsedSamples) "
            + "parse_mbps=\(String(format: "%.3f", megabytes / parseSeconds)) samples_per_s=\(String(format: "%.0f", Double(parsedSamples) / parseSeconds)) render_ms=- runs=\(runs)"
    )
    print(
        "RESULT tool=footprint-parse-model-families fixture=\(fixture) bytes=\(fileBytes.count) samples=\(parsedSamples) "
            + "parse_mbps=\(String(format: "%.3f", megabytes / wantedSeconds)) samples_per_s=\(String(format: "%.0f", Double(parsedSamples) / wantedSeconds)) render_ms=- runs=\(runs)"
    )
}

// --- parse, OpenMetrics ----------------------------------------------------------------------------------
// The same families written as OpenMetrics and parsed strictly, beside the text format parse of exactly those
// families. Counters OpenMetrics cannot spell are left out: those without `_total`, and those whose name
// without it is another family's (go_memstats_alloc_bytes beside go_memstats_alloc_bytes_total).
if only == nil || only == "parse" {
    let all = (try? TextParser.parse(fileBytes)) ?? []
    let names = Set(all.map(\.name))
    let families = all.filter {
        $0.type != .counter || ($0.name.hasSuffix("_total") && !names.contains(String($0.name.dropLast(6))))
    }
    let openMetricsBytes = TextEncoder(format: .openMetrics).encode(families)
    let textBytes = TextEncoder().encode(families)
    do {
        _ = try TextParser.parse(openMetricsBytes, format: .openMetrics)
    } catch {
        FileHandle.standardError.write(
            Data("footprint parse \(fixture): OpenMetrics form does not parse: \(error)\n".utf8))
    }
    if (try? TextParser.parse(openMetricsBytes, format: .openMetrics)) != nil {
        let textSeconds = measure(runs: runs, target: target) { _ = try? TextParser.parse(textBytes) }
        let openMetricsSeconds = measure(runs: runs, target: target) {
            _ = try? TextParser.parse(openMetricsBytes, format: .openMetrics)
        }
        let samples = families.reduce(0) { $0 + $1.samples.count }
        let openMetricsRate = Double(openMetricsBytes.count) / 1e6 / openMetricsSeconds
        let textRate = Double(textBytes.count) / 1e6 / textSeconds
        FileHandle.standardError.write(
            Data(
                "footprint parse \(fixture) re-encoded: \(samples) samples, OpenMetrics (strict) \(String(format: "%.1f", openMetricsRate)) MB/s, text \(String(format: "%.1f", textRate)) MB/s\n"
                    .utf8))
        print(
            "RESULT tool=footprint-parse-openmetrics fixture=\(fixture) bytes=\(openMetricsBytes.count) samples=\(samples) "
                + "parse_mbps=\(String(format: "%.3f", openMetricsRate)) samples_per_s=\(String(format: "%.0f", Double(samples) / openMetricsSeconds)) render_ms=- runs=\(runs)"
        )
    }
}

// --- one direct-scrape cycle ---------------------------------------------------------------------------
if let cycleTargets {
    // One loopback server answers every target, each on its own path.
    let server = try MetricsServer(listenAddress: .loopback(port: 0)) { _ in
        ServerResponse(
            status: 200, headers: [ServerHeader(name: "Content-Type", value: "text/plain; version=0.0.4")],
            body: fileBytes)
    }
    let client = try CurlHTTPClient(userAgent: "footprint-bench")
    let requests = (0..<cycleTargets).map {
        HTTPRequest(url: "http://127.0.0.1:\(server.port)/target/\($0)/metrics", timeoutSeconds: 5)
    }
    var cycles: [Double] = []
    var hostsRead = 0
    for _ in 0..<(runs + 1) {
        let begin = now()
        let results = client.fetchAll(requests, maxConcurrent: 64)
        hostsRead = 0
        for (index, result) in results.enumerated() {
            guard case .success(let response) = result,
                (try? NodeExporterReading.reading(from: response.body, host: "t\(index)", labels: [:], timestamp: 0))
                    != nil
            else { continue }
            hostsRead += 1
        }
        cycles.append(now() - begin)
    }
    server.stop()
    let measured = cycles.dropFirst().sorted()
    let median = measured[measured.count / 2]
    FileHandle.standardError.write(
        Data(
            "footprint scrape cycle: \(cycleTargets) targets, \(hostsRead) read, median \(String(format: "%.3f", median)) s wall (cycles \(cycles.dropFirst().map { String(format: "%.3f", $0) }))\n"
                .utf8))
    print(
        "RESULT tool=footprint-scrape-cycle fixture=\(fixture)x\(cycleTargets) bytes=\(fileBytes.count * cycleTargets) samples=\(cycleTargets) parse_mbps=- samples_per_s=- render_ms=\(String(format: "%.1f", median * 1000)) runs=\(runs)"
    )
    exit(0)
}

guard live, only != "parse", only != "parse-text" else { exit(0) }
let hosts = fleetHosts(text)
let attributionNames = ["cloud_project_name", "user", "machine_name", "mode"]

// --- render -----------------------------------------------------------------------------------------
var ledger = HostLedger(attributionLabels: attributionNames, graceSeconds: 3_600)
let profile = PowerProfile(cpuWattsPerCore: 12, cpuIdleWattsPerCore: 3, ramWatts: 6, otherWatts: 18, pue: 1.2)
for (index, host) in hosts.enumerated() {
    let cores = Double(2 << (index % 4))
    let first = HostReading(
        host: host.host, labels: host.labels, timestamp: 1_795_000_000, cpuIdleSeconds: 1_000, cpuTotalSeconds: 2_000,
        cores: cores, memoryActiveRatio: 0.3, bootTime: 1_794_000_000
    )
    var second = first
    second.timestamp += 60 + Double(index % 7) * 0.125
    second.cpuTotalSeconds += cores * 60
    second.cpuIdleSeconds += cores * 60 * Double(index % 100) / 100
    ledger.record(first, profile: profile, intensity: GramsPerKilowattHour(182), at: 0)
    ledger.record(second, profile: profile, intensity: GramsPerKilowattHour(182), at: 60)
}
ledger.finishCollection(hostsSeen: hosts.count, at: 60)
let snapshot = ledger.snapshot()
let status = ExporterStatus(
    sources: [.init(name: "prometheus", up: true, durationSeconds: 0.5, errors: 0)],
    grids: [.init(provider: "uk", region: "GB", gramsPerKilowattHour: 182, ageSeconds: 30, fallback: false)],
    version: "bench", revision: "bench"
)
let renderer = SnapshotRenderer()
var output: [UInt8] = []
// Labels are escaped once per collection, not per scrape; a scrape renders the prepared snapshot.
let prepared = renderer.prepare(snapshot)
var lastSize: Int?
let renderSeconds = measure(runs: runs, target: target) {
    output = renderer.render(prepared, status: status, capacityHint: lastSize)
    lastSize = output.count
}
let renderedSamples = output.split(separator: UInt8(ascii: "\n")).filter { $0.first != UInt8(ascii: "#") }.count
FileHandle.standardError.write(
    Data(
        "footprint render \(fixture): \(hosts.count) hosts, \(renderedSamples) samples, \(output.count) bytes, \(String(format: "%.3f", renderSeconds * 1000)) ms/op\n"
            .utf8))
print(
    "RESULT tool=footprint-render fixture=\(fixture) bytes=\(output.count) samples=\(renderedSamples) parse_mbps=- "
        + "samples_per_s=\(String(format: "%.0f", Double(renderedSamples) / renderSeconds)) render_ms=\(String(format: "%.4f", renderSeconds * 1000)) runs=\(runs)"
)

if only == "render" { exit(0) }

// --- decode one bridge collection -----------------------------------------------------------------------
let time = 1_795_347_125.123
var up: [(labels: [String: String], value: String)] = []
var cpuIdle: [(labels: [String: String], value: String)] = []
var cpuTotal: [(labels: [String: String], value: String)] = []
var cores: [(labels: [String: String], value: String)] = []
var memory: [(labels: [String: String], value: String)] = []
var boot: [(labels: [String: String], value: String)] = []
var sampled: [(labels: [String: String], value: String)] = []
for (index, host) in hosts.enumerated() {
    var targetLabels = host.labels
    targetLabels["instance"] = host.host
    targetLabels["job"] = "node"
    targetLabels["__name__"] = "up"
    up.append((targetLabels, "1"))
    cpuIdle.append((["instance": host.host], String(12_345.67 + Double(index))))
    cpuTotal.append((["instance": host.host], String(12_345.67 * 36 + Double(index))))
    cores.append((["instance": host.host], "\(2 << (index % 4))"))
    memory.append((["instance": host.host], String(Double(index % 1000) / 1000)))
    boot.append((["instance": host.host], "1794000000"))
    sampled.append((["instance": host.host], String(time - Double(index % 15))))
}
let bodies = [up, cpuIdle, cpuTotal, cores, memory, boot, sampled].map { vectorJSON($0, time: time) }
let jsonBytes = bodies.reduce(0) { $0 + $1.count }
let reader = PrometheusReader(settings: .init(baseURL: "http://127.0.0.1:9090"), fetcher: NoFetcher())
var readings = 0
/// One bridge collection's node answers decoded and assembled into readings.
@MainActor func decodeCollection() {
    do {
        // As a live read decodes them: the `up` answer with its labels, the others down to the host label.
        let up = try PrometheusQueryResponse.decode(bodies[0])
        let hostColumns = try bodies.dropFirst().map { body throws(ReaderError) in
            try PrometheusQueryResponse.decodeColumns(body, labels: ["instance"])
        }
        let result = reader.assemble(up: up, hostColumns: hostColumns)
        readings = result.readings.count
    } catch {
        FileHandle.standardError.write(Data("decode failed: \(error)\n".utf8))
        exit(1)
    }
}
let decodeSeconds = measure(runs: runs, target: target) { decodeCollection() }
let seriesCount = [up, cpuIdle, cpuTotal, cores, memory, boot, sampled].reduce(0) { $0 + $1.count }
FileHandle.standardError.write(
    Data(
        "footprint json-decode: \(readings) hosts from \(seriesCount) series, \(jsonBytes) bytes, \(String(format: "%.3f", decodeSeconds * 1000)) ms/op, \(String(format: "%.1f", Double(jsonBytes) / decodeSeconds / 1e6)) MB/s\n"
            .utf8))
print(
    "RESULT tool=footprint-json-decode fixture=\(fixture)-as-json bytes=\(jsonBytes) samples=\(seriesCount) "
        + "parse_mbps=\(String(format: "%.3f", Double(jsonBytes) / decodeSeconds / 1e6)) "
        + "samples_per_s=\(String(format: "%.0f", Double(seriesCount) / decodeSeconds)) render_ms=- runs=\(runs)"
)
FileHandle.standardError.write(
    Data(
        "footprint peak RSS with \(hosts.count) hosts (ledger, snapshot, rendered output, decoded collection): \(String(format: "%.1f", peakRSSMebibytes())) MiB\n"
            .utf8))

// --- measured power: one bridge collection with every host measured ------------------------------------
// Each host has an IPMI reading and a RAPL package counter; every tenth host has a GPU with a DCGM energy
// counter. The answers are what Prometheus returns to the reader's queries (`MeasuredPowerReader.queries`):
// meters summed per instance, a zone or GPU per instance and its identifying labels, the DCGM counters with
// one sample time per instance. RAPL zones have none: they come from the node job's targets, which export
// node_cpu_seconds_total, so they take the node reading's sample time. They are decoded, joined to hosts, turned into interval power and integrated
// with the readings above, as a live collection would, with what the previous collection learnt about the join label
// values.
var ipmi: [(labels: [String: String], value: String)] = []
var rapl: [(labels: [String: String], value: String)] = []
var dcgm: [(labels: [String: String], value: String)] = []
var dcgmTimes: [(labels: [String: String], value: String)] = []
for (index, host) in hosts.enumerated() {
    // sum by (instance) (ipmi_dcmi_power_consumption_watts)
    ipmi.append((["instance": host.host], "\(150 + index % 200)"))
    // max by (instance, path, rapl_zone, index) (node_rapl_package_joules_total)
    rapl.append(
        (
            ["instance": host.host, "index": "0", "path": "/sys/class/powercap/intel-rapl:0"],
            String(100_000 + Double(index))
        ))
    if index % 10 == 0 {
        // max by (instance, UUID, uuid, gpu) (DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION) or its sample time
        dcgm.append((["instance": host.host, "UUID": "GPU-\(index)", "gpu": "0"], "\(index * 1000)"))
        dcgmTimes.append(
            (["instance": host.host, "footprint_sample": "timestamp"], String(time - Double(index % 30))))
    }
}
let measuredBodies: [(MeasuredPowerFamilies.Family, [UInt8])] = [
    (.node, vectorJSON(ipmi, time: time)), (.raplPackage, vectorJSON(rapl, time: time)),
    (.dcgmEnergy, vectorJSON(dcgm + dcgmTimes, time: time)),
]
let measuredBytes = measuredBodies.reduce(0) { $0 + $1.1.count }
let readingsForPower =
    (try? reader.assemble(
        up: PrometheusQueryResponse.decode(bodies[0]),
        values: {
            var values = PrometheusReader.HostValues()
            values.cpuIdle = reader.byHost(try PrometheusQueryResponse.decode(bodies[1]))
            values.cpuTotal = reader.byHost(try PrometheusQueryResponse.decode(bodies[2]))
            values.cores = reader.byHost(try PrometheusQueryResponse.decode(bodies[3]))
            values.sampleTime = reader.byHost(try PrometheusQueryResponse.decode(bodies[6]))
            return values
        }()
    ).readings) ?? []
/// One side of the comparison: what a collector keeps between collections.
struct Side {
    var power = PowerCollection(calibration: CalibrationSettings())
    var ledger = HostLedger(attributionLabels: attributionNames, graceSeconds: 3_600)
    var time: Double
    /// The last snapshot published for scrapes.
    var published: SnapshotRenderer.Prepared
}
// Today's integration of the same readings, for the comparison: what a collection without measurements does (the
// collector records every reading through its power collection, which then has no samples).
var plainSide = Side(time: time, published: renderer.prepare(snapshot))
var measuredSide = plainSide
/// Integrates the readings with `samples`, as the collector does, the same code for both sides; with `publishing`,
/// then what the collector does next: the ledger's end of the collection, and the snapshot that scrapes render
/// until the next one, its labels escaped, in place of the one before.
@MainActor func integrate(_ samples: PowerSamples, into side: inout Side, publishing: Bool) {
    side.power.begin(samples: samples)
    for var reading in readingsForPower {
        reading.timestamp = side.time
        reading.cpuTotalSeconds += side.time - time
        side.power.record(
            reading, joinKey: HostJoin.hostPart(reading.host), profile: profile, intensity: GramsPerKilowattHour(182),
            into: &side.ledger, at: side.time)
    }
    side.power.finish(configured: [profile], at: side.time)
    if publishing {
        side.ledger.finishCollection(hostsSeen: readingsForPower.count, at: side.time)
        var snapshot = side.ledger.snapshot()
        snapshot.calibrations = side.power.calibrations(configured: [profile])
        side.published = renderer.prepare(snapshot)
    }
    side.time += 60
}
@MainActor func plainIntegration(publishing: Bool = false) {
    integrate([], into: &plainSide, publishing: publishing)
}
var measuredHosts = 0
// What the previous collection learnt about the join label values, as the reader keeps it between collections.
var joinCache = MeasuredPowerReader.JoinCache()
@MainActor func measuredCollection(publishing: Bool = false) {
    var assembler = MeasuredPowerReader.Assembler(join: .instanceHost, time: measuredSide.time, cache: joinCache)
    for (family, body) in measuredBodies {
        let labels = MeasuredPowerReader.Assembler.columnLabels(family, join: .instanceHost)
        guard
            let answer = try? PrometheusQueryResponse.decodeColumns(
                body, labels: labels, expecting: assembler.previousAnswer(family))
        else { continue }
        assembler.add(family, answer)
    }
    let samples = assembler.result.samples
    joinCache = assembler.joinCache
    measuredHosts = samples.count
    integrate(samples, into: &measuredSide, publishing: publishing)
}
let measuredSeconds = measure(runs: runs, target: target) { measuredCollection() }
FileHandle.standardError.write(
    Data(
        "footprint measured-power collection: \(measuredHosts) measured hosts, \(measuredBytes) bytes of answers, \(String(format: "%.3f", measuredSeconds * 1000)) ms/op\n"
            .utf8))
print(
    "RESULT tool=footprint-measured-power fixture=\(fixture)-as-json bytes=\(measuredBytes) samples=\(measuredHosts) "
        + "parse_mbps=\(String(format: "%.3f", Double(measuredBytes) / measuredSeconds / 1e6)) "
        + "samples_per_s=\(String(format: "%.0f", Double(measuredHosts) / measuredSeconds)) render_ms=- runs=\(runs)"
)
// Today's collection and one with measured power, decode and integration, side by side: one of each in turn, so
// that the machine getting slower or faster during the benchmark favours neither.
let core = measureSideBySide(runs: runs, target: target) {
    decodeCollection()
    plainIntegration()
} _: {
    decodeCollection()
    measuredCollection()
}
FileHandle.standardError.write(
    Data("footprint collection of \(hosts.count) hosts (decode + integration): \(core.description)\n".utf8))
// The whole collection as the collector runs it, but for the fetch and the state store's save: the same, and then
// the ledger's end of the collection and the snapshot published for scrapes (which has the measured hosts' method
// and GPU series, and the calibration's).
let whole = measureSideBySide(runs: runs, target: target) {
    decodeCollection()
    plainIntegration(publishing: true)
} _: {
    decodeCollection()
    measuredCollection(publishing: true)
}
FileHandle.standardError.write(
    Data(
        "footprint whole collection of \(hosts.count) hosts (decode, integration, snapshot for scrapes): \(whole.description)\n"
            .utf8))
FileHandle.standardError.write(
    Data(
        "footprint peak RSS with \(hosts.count) hosts and measured power: \(String(format: "%.1f", peakRSSMebibytes())) MiB\n"
            .utf8))

/// The decoder is measured on bytes already in memory; nothing is fetched.
struct NoFetcher: HTTPFetching {
    func fetch(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse { throw .invalidRequest }
}
