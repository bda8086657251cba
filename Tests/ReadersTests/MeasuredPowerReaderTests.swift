import HTTPClient
import Logging
import MetricsServer
import Model
import Readers
import TestSupport
import Testing

@Suite struct MeasuredPowerReaderTests {
    let logger = Logger(label: "test")

    /// Serves the recorded RAPL package and IPMI answers; every other family answers an empty vector.
    func upstream(status: Int = 200) throws -> FakeUpstream {
        let upstream = try FakeUpstream()
        upstream.route(
            "/api/v1/query",
            .handler { request in
                let query = request.query["query"] ?? ""
                var file = "prometheus-api/empty.json"
                if query.contains("(node_rapl_package_joules_total") { file = "measured-power/rapl_package_query.json" }
                if query.contains("(ipmi_dcmi_power_consumption_watts") { file = "measured-power/ipmi_query.json" }
                return ServerResponse(
                    status: status, headers: [ServerHeader(name: "Content-Type", value: "application/json")],
                    body: (try? Fixture.data(file)) ?? [])
            })
        return upstream
    }

    func reader(_ upstream: FakeUpstream, selector: String = "") throws -> MeasuredPowerReader {
        MeasuredPowerReader(
            settings: .init(prometheus: .init(baseURL: upstream.baseURL, selector: selector)),
            fetcher: try CurlHTTPClient(userAgent: "test"))
    }

    @Test func oneAggregatedQueryPerFamilyWithSampleTimesForCounters() throws {
        let reader = try reader(try upstream(), selector: #"{cluster="a"}"#)
        #expect(reader.queries.count == MeasuredPowerFamilies.Family.allCases.count)
        let rapl = try #require(reader.queries.first { $0.family == .raplPackage }?.promQL)
        #expect(
            rapl == #"max by (instance, path, rapl_zone, index) (node_rapl_package_joules_total{cluster="a"}) or "#
                + #"label_replace(max by (instance, job) (timestamp(node_rapl_package_joules_total{cluster="a"})) "#
                + #"unless on (instance, job) count by (instance, job) "#
                + #"(node_cpu_seconds_total{cluster="a",mode="idle"}), "footprint_sample", "timestamp", "", "")"#)
        let dcgm = try #require(reader.queries.first { $0.family == .dcgmEnergy }?.promQL)
        #expect(
            dcgm == #"max by (instance, UUID, uuid, gpu) (DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{cluster="a"}) or "#
                + #"label_replace(max by (instance) (timestamp(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{cluster="a"})), "#
                + #""footprint_sample", "timestamp", "", "")"#)
        let node = try #require(reader.queries.first { $0.family == .node }?.promQL)
        #expect(node == #"sum by (instance) (ipmi_dcmi_power_consumption_watts{cluster="a"})"#)
        let utilisation = try #require(reader.queries.first { $0.family == .dcgmUtilisation }?.promQL)
        #expect(utilisation == #"max by (instance, UUID, uuid, gpu) (DCGM_FI_DEV_GPU_UTIL{cluster="a"})"#)
    }

    @Test func theQueriesGroupByAConfiguredJoinLabel() throws {
        let reader = MeasuredPowerReader(
            settings: .init(prometheus: .init(baseURL: "http://127.0.0.1:1"), join: try HostJoin(label: "Hostname")),
            fetcher: try CurlHTTPClient(userAgent: "test"))
        let node = try #require(reader.queries.first { $0.family == .node }?.promQL)
        #expect(node == "sum by (Hostname) (ipmi_dcmi_power_consumption_watts)")
        let rapl = try #require(reader.queries.first { $0.family == .raplDram }?.promQL)
        #expect(rapl.hasPrefix("max by (Hostname, path, rapl_zone, index) (node_rapl_dram_joules_total) or "))
        #expect(rapl.contains("max by (Hostname, instance, job) (timestamp(node_rapl_dram_joules_total))"))
    }

    @Test func readJoinsSeriesToHostsAndPairsCountersWithTheirSampleTimes() throws {
        let upstream = try upstream()
        let result = try reader(upstream).read(at: 1_795_347_125, logger: logger)
        #expect(upstream.requests(to: "/api/v1/query").count == MeasuredPowerFamilies.Family.allCases.count)
        #expect(result.samples.map(\.host) == ["127.0.0.2", "127.0.0.3"])
        let rapl = result.samples[0]
        #expect(rapl.counters.map(\.joules) == [135_966.187386, 120_000.5])
        #expect(rapl.counters.map(\.timestamp) == [1_795_347_121.337, 1_795_347_121.337])
        #expect(rapl.counters.map(\.id) == ["/sys/class/powercap/intel-rapl:0", "/sys/class/powercap/intel-rapl:1"])
        #expect(result.samples[1].gauges.map(\.watts) == [236])
        #expect(rapl.counters.allSatisfy { !$0.scrapedWithReading })
        #expect(result.samples[1].gauges.map(\.id) == ["127.0.0.3:9290"])
        // The RAPL series without `instance`, and the NaN meter.
        #expect(result.unjoinedSeries == 1)
        #expect(result.invalidSeries == 1)
    }

    @Test func theQueryCountDoesNotGrowWithHosts() throws {
        let upstream = try upstream()
        let reader = try reader(upstream)
        _ = try reader.read(at: 1, logger: logger)
        let first = upstream.requests.count
        _ = try reader.read(at: 2, logger: logger)
        #expect(upstream.requests.count == 2 * first)
    }

    @Test func anHTTPErrorFailsTheRead() throws {
        let reader = try reader(try upstream(status: 500))
        #expect(throws: ReaderError.self) { try reader.read(at: 1, logger: logger) }
    }

    @Test func aMalformedAnswerIsAClearError() throws {
        let upstream = try FakeUpstream()
        upstream.route(
            "/api/v1/query", .ok(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{}"#))
        let reader = try reader(upstream)
        do {
            _ = try reader.read(at: 1, logger: logger)
            Issue.record("expected an error")
        } catch {
            #expect(error.isMalformed)
            #expect(error.description.contains("node_rapl_package_joules_total"))
        }
    }

    @Test func aConfiguredJoinAppliesToEverySeries() throws {
        var answer = try PrometheusQueryResponse.decode(Fixture.data("measured-power/ipmi_query.json"))
        answer.samples[0].labels["target"] = "node3-bmc"
        var assembler = MeasuredPowerReader.Assembler(
            join: try HostJoin(label: "target", pattern: "(.+)-bmc"), time: 5)
        assembler.add(.node, answer)
        #expect(assembler.result.samples.map(\.host) == ["node3"])
        #expect(assembler.result.unjoinedSeries == 1)
    }

    /// The RAPL answer of a node_exporter target that also exports node_cpu_seconds_total: no sample times.
    static let raplWithNodeCPU = Array(
        (#"{"status":"success","data":{"resultType":"vector","result":["#
            + #"{"metric":{"index":"0","instance":"10.0.0.1:9100","path":"/sys/class/powercap/intel-rapl:0"},"#
            + #""value":[1000,"500"]},"#
            + #"{"metric":{"instance":"10.0.0.1:9100","rapl_zone":"package-1","index":"1"},"value":[1000,"700"]}]}}"#)
            .utf8)

    @Test func raplZonesWithoutASampleTimeTakeTheReadingsTime() throws {
        let join = HostJoin.instanceHost
        let columns = try PrometheusQueryResponse.decodeColumns(
            Self.raplWithNodeCPU, labels: MeasuredPowerReader.Assembler.columnLabels(.raplPackage, join: join))
        var assembler = MeasuredPowerReader.Assembler(join: join, time: 1000)
        assembler.add(.raplPackage, columns)
        let sample = try #require(assembler.result.samples.first)
        #expect(sample.host == "10.0.0.1")
        #expect(
            sample.counters == [
                .init(
                    domain: .raplPackage, id: "/sys/class/powercap/intel-rapl:0", joules: 500, scrapedWithReading: true),
                .init(domain: .raplPackage, id: "package-1:1", joules: 700, scrapedWithReading: true),
            ])
        #expect(sample.waitsForReading)
    }

    @Test func columnsAndLabelSetsAssembleTheSame() throws {
        let join = HostJoin.instanceHost
        for (family, file) in [
            (MeasuredPowerFamilies.Family.raplPackage, "measured-power/rapl_package_query.json"),
            (.node, "measured-power/ipmi_query.json"),
        ] {
            let body = try Fixture.data(file)
            var fromColumns = MeasuredPowerReader.Assembler(join: join, time: 5)
            fromColumns.add(
                family,
                try PrometheusQueryResponse.decodeColumns(
                    body, labels: MeasuredPowerReader.Assembler.columnLabels(family, join: join)))
            var fromLabels = MeasuredPowerReader.Assembler(join: join, time: 5)
            fromLabels.add(family, try PrometheusQueryResponse.decode(body))
            #expect(fromColumns.result == fromLabels.result)
            #expect(!fromColumns.result.samples.isEmpty)
        }
    }

    @Test func metersOfTwoTargetsOfOneHostStayApart() throws {
        // An IPMI exporter and a PDU exporter on two ports of one host: one summed series each.
        let body = Array(
            (#"{"status":"success","data":{"resultType":"vector","result":["#
                + #"{"metric":{"instance":"h:9290"},"value":[5,"200"]},"#
                + #"{"metric":{"instance":"h:9291"},"value":[5,"40"]}]}}"#).utf8)
        var assembler = MeasuredPowerReader.Assembler(join: .instanceHost, time: 5)
        assembler.add(
            .node,
            try PrometheusQueryResponse.decodeColumns(
                body, labels: MeasuredPowerReader.Assembler.columnLabels(.node, join: .instanceHost)))
        let sample = try #require(assembler.result.samples.first)
        #expect(assembler.result.samples.count == 1)
        #expect(sample.gauges.map(\.id) == ["h:9290", "h:9291"])
        #expect(sample.gauges.map(\.watts) == [200, 40])
    }

    @Test func hostsInAnotherOrderThanTheFirstAnswerJoinTheSame() throws {
        func answer(_ hosts: [String], value: String) -> [UInt8] {
            let series = hosts.map { #"{"metric":{"instance":"\#($0):9100"},"value":[5,"\#(value)"]}"# }
            return Array(
                (#"{"status":"success","data":{"resultType":"vector","result":["# + series.joined(separator: ",")
                    + "]}}").utf8)
        }
        let labels = MeasuredPowerReader.Assembler.columnLabels(.node, join: .instanceHost)
        var assembler = MeasuredPowerReader.Assembler(join: .instanceHost, time: 5)
        assembler.add(
            .node, try PrometheusQueryResponse.decodeColumns(answer(["a", "b", "c", "d"], value: "1"), labels: labels))
        assembler.add(
            .node, try PrometheusQueryResponse.decodeColumns(answer(["a", "c", "b", "e"], value: "2"), labels: labels))
        let samples = assembler.result.samples
        #expect(samples.map(\.host) == ["a", "b", "c", "d", "e"])
        #expect(samples.map { $0.gauges.map(\.watts) } == [[1, 2], [1, 2], [1, 2], [1], [2]])
    }

    /// A node answer of `hosts` (each `host:port`), every meter at `watts`.
    private static func nodeAnswer(_ hosts: [String], watts: String) throws -> PrometheusVectorColumns {
        let series = hosts.map { #"{"metric":{"instance":"\#($0)"},"value":[5,"\#(watts)"]}"# }
        let body = Array(
            (#"{"status":"success","data":{"resultType":"vector","result":["# + series.joined(separator: ",")
                + "]}}").utf8)
        return try PrometheusQueryResponse.decodeColumns(
            body, labels: MeasuredPowerReader.Assembler.columnLabels(.node, join: .instanceHost))
    }

    @Test func aCollectionWithTheCacheOfThePreviousOneAssemblesTheSameAsWithout() throws {
        let join = try HostJoin(label: "instance", pattern: "(.*)-bmc:[0-9]+", replacement: "$1")
        // One collection learns the values; the next ones name hosts in another order, a new host, one that
        // left, and a value the pattern does not match.
        var first = MeasuredPowerReader.Assembler(join: join, time: 5)
        first.add(.node, try Self.nodeAnswer(["a-bmc:1", "b-bmc:1", "c-bmc:1"], watts: "100"))
        var cache = first.joinCache
        #expect(cache.count == 3)
        for hosts in [
            ["a-bmc:1", "b-bmc:1", "c-bmc:1"], ["c-bmc:1", "a-bmc:1", "d-bmc:1"], ["b-bmc:1", "stray:1", "a-bmc:1"],
        ] {
            var cached = MeasuredPowerReader.Assembler(join: join, time: 6, cache: cache)
            var fresh = MeasuredPowerReader.Assembler(join: join, time: 6)
            let answer = try Self.nodeAnswer(hosts, watts: "200")
            cached.add(.node, answer)
            fresh.add(.node, answer)
            #expect(cached.result == fresh.result)
            #expect(cached.result.samples.count == 3 - cached.result.unjoinedSeries)
            cache = cached.joinCache
        }
        #expect(cache.count == 5)
    }

    @Test func theCacheFollowsAShrinkingFleetAndItsJoin() throws {
        let fleet = (0..<3_000).map { "h\($0):9290" }
        var full = MeasuredPowerReader.Assembler(join: .instanceHost, time: 5)
        full.add(.node, try Self.nodeAnswer(fleet, watts: "100"))
        #expect(full.joinCache.count == 3_000)
        // A tenth of the fleet left: the cache starts again rather than keep the rest.
        var shrunk = MeasuredPowerReader.Assembler(join: .instanceHost, time: 6, cache: full.joinCache)
        shrunk.add(.node, try Self.nodeAnswer(Array(fleet.prefix(300)), watts: "100"))
        #expect(shrunk.result.samples.count == 300)
        #expect(shrunk.joinCache.count == 0)
        // A cache of another join is not used: its keys would be another join's.
        let bmc = try HostJoin(label: "instance", pattern: "h(1)[0-9]*:9290", replacement: "host$1")
        var other = MeasuredPowerReader.Assembler(join: bmc, time: 7, cache: full.joinCache)
        other.add(.node, try Self.nodeAnswer(["h1:9290", "h12:9290"], watts: "100"))
        #expect(other.result.samples.map(\.host) == ["host1"])
        #expect(other.result.samples[0].gauges.count == 2)
    }
}
