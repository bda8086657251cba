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
                if query.hasPrefix("node_rapl_package_joules_total") { file = "measured-power/rapl_package_query.json" }
                if query.hasPrefix("ipmi_dcmi_power_consumption_watts") { file = "measured-power/ipmi_query.json" }
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

    @Test func oneQueryPerFamilyWithSampleTimesForCounters() throws {
        let reader = try reader(try upstream(), selector: #"{cluster="a"}"#)
        #expect(reader.queries.count == MeasuredPowerFamilies.Family.allCases.count)
        let rapl = try #require(reader.queries.first { $0.family == .raplPackage }?.promQL)
        #expect(
            rapl == #"node_rapl_package_joules_total{cluster="a"} or "#
                + #"label_replace(timestamp(node_rapl_package_joules_total{cluster="a"}), "footprint_sample", "#
                + #""timestamp", "", "")"#)
        let node = try #require(reader.queries.first { $0.family == .node }?.promQL)
        #expect(node == #"ipmi_dcmi_power_consumption_watts{cluster="a"}"#)
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
}
