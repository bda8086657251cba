import HTTPClient
import Logging
import MetricsServer
import Model
import Readers
import TestSupport
import Testing

@Suite struct MeasuredPowerRangeReaderTests {
    /// A matrix answer for the IPMI and RAPL package queries (a RAPL-only target, with its sample times), empty for
    /// the other families.
    func upstream() throws -> FakeUpstream {
        let upstream = try FakeUpstream()
        let ipmi =
            #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"instance":"10.0.0.7:9290"},"values":[[1000,"200"],[1060,"260"],[1120,"230"]]}]}}"#
        let rapl =
            #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"instance":"10.0.0.8:9100","path":"p0"},"values":[[1000,"100"],[1060,"2500"]]},{"metric":{"footprint_sample":"timestamp","instance":"10.0.0.8:9100","job":"rapl"},"values":[[1000,"998.5"],[1060,"1058.5"]]}]}}"#
        let empty = #"{"status":"success","data":{"resultType":"matrix","result":[]}}"#
        upstream.route(
            "/api/v1/query_range",
            .handler { request in
                let query = request.query["query"] ?? ""
                let body =
                    query.contains("(ipmi_dcmi") ? ipmi : query.contains("(node_rapl_package") ? rapl : empty
                return ServerResponse(
                    status: 200, headers: [ServerHeader(name: "Content-Type", value: "application/json")],
                    body: Array(body.utf8))
            })
        return upstream
    }

    @Test func eachStepHasTheSamplesAnInstantReadWouldHave() throws {
        let upstream = try upstream()
        let reader = MeasuredPowerRangeReader(
            settings: .init(prometheus: .init(baseURL: upstream.baseURL)), fetcher: try CurlHTTPClient(userAgent: "t"))
        let steps = try reader.read(.init(start: 1000, end: 1120), resolution: 60, logger: Logger(label: "t"))
        #expect(steps.map(\.time) == [1000, 1060, 1120])
        #expect(upstream.requests(to: "/api/v1/query_range").count == MeasuredPowerFamilies.Family.allCases.count)
        let node = steps.map { $0.result.samples.first { $0.host == "10.0.0.7" }?.gauges.first?.watts }
        #expect(node == [200, 260, 230])
        let rapl = try #require(steps[1].result.samples.first { $0.host == "10.0.0.8" })
        #expect(rapl.counters == [.init(domain: .raplPackage, id: "p0", joules: 2500, timestamp: 1058.5)])
        #expect(steps[2].result.samples.map(\.host) == ["10.0.0.7"])
    }
}
