import Foundation
import HTTPClient
import Logging
import MetricsServer
import Model
import Readers
import TestSupport
import Testing

/// Serves the recorded Prometheus API responses on loopback, choosing the file by the PromQL asked.
func prometheusFixtureServer(overrides: [String: FakeUpstream.Reply] = [:]) throws -> FakeUpstream {
    let upstream = try FakeUpstream()
    let files: [(String, String)] = [
        ("up{", "prometheus-api/up.json"),
        ("count by (instance)", "prometheus-api/cores.json"),
        ("node_memory_Active_bytes", "prometheus-api/mem_active_ratio.json"),
        ("node_boot_time_seconds", "prometheus-api/boot_time.json"),
    ]
    upstream.route(
        "/api/v1/query",
        .handler { request in
            let query = request.query["query"] ?? ""
            for (fragment, reply) in overrides where query.contains(fragment) {
                if case .response(let response) = reply { return response }
            }
            if query.hasPrefix("sum by (instance) (node_cpu_seconds_total") {
                // Recorded by mode; the reader asks for the idle and all-mode sums, derived here from it.
                let recorded =
                    (try? PrometheusQueryResponse.decode(Fixture.data("prometheus-api/cpu_seconds_by_mode.json")))?
                    .samples ?? []
                let idleOnly = query.contains(#"mode="idle""#)
                let total = recorded.filter { !idleOnly || $0.labels["mode"] == "idle" }.reduce(0) { $0 + $1.value }
                let body =
                    #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"127.0.0.1:19101"},"value":[1795347125.128,"\#(total)"]}]}}"#
                return ServerResponse(
                    status: 200, headers: [ServerHeader(name: "Content-Type", value: "application/json")],
                    body: Array(body.utf8))
            }
            if query.contains("timestamp(") {
                // Not among the recordings: the CPU sample time of the recorded host.
                let body =
                    #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"127.0.0.1:19101"},"value":[1795347125.2,"1795347120.5"]}]}}"#
                return ServerResponse(
                    status: 200, headers: [ServerHeader(name: "Content-Type", value: "application/json")],
                    body: Array(body.utf8))
            }
            for (fragment, file) in files where query.contains(fragment) {
                let body = (try? Fixture.data(file)) ?? []
                return ServerResponse(
                    status: 200, headers: [ServerHeader(name: "Content-Type", value: "application/json")], body: body)
            }
            return .text("unexpected query \(query)", status: 400)
        }
    )
    return upstream
}

@Suite struct PrometheusReaderTests {
    let logger = Logger(label: "test")

    func reader(_ upstream: FakeUpstream, timeout: Double = 5) throws -> PrometheusReader {
        PrometheusReader(
            settings: .init(
                baseURL: upstream.baseURL, selector: #"{job="node"}"#, hostLabel: "instance", timeoutSeconds: timeout),
            fetcher: try CurlHTTPClient(userAgent: "test")
        )
    }

    @Test func queriesAreAFixedHandful() throws {
        let upstream = try prometheusFixtureServer()
        defer { upstream.stop() }
        let reader = try reader(upstream)
        #expect(reader.queries.up == #"up{job="node"} == 1"#)
        #expect(reader.queries.cpuIdleSeconds == #"sum by (instance) (node_cpu_seconds_total{job="node",mode="idle"})"#)
        #expect(reader.queries.cpuTotalSeconds == #"sum by (instance) (node_cpu_seconds_total{job="node"})"#)
        #expect(reader.queries.cores == #"count by (instance) (node_cpu_seconds_total{job="node",mode="idle"})"#)
        _ = try reader.read(at: 1_795_347_125, logger: logger)
        let asked = upstream.requests(to: "/api/v1/query")
        #expect(asked.count == 7)
        #expect(Set(asked.compactMap { $0.query["time"] }) == ["1795347125.000"])
    }

    @Test func readsTheRecordedHost() throws {
        let upstream = try prometheusFixtureServer()
        defer { upstream.stop() }
        let result = try reader(upstream).read(at: 1_795_347_125, logger: logger)
        let host = try #require(result.readings.first)
        #expect(result.readings.count == 1)
        #expect(host.host == "127.0.0.1:19101")
        #expect(host.labels["cloud_project_name"] == "isis")
        #expect(host.labels["user"] == "jane.doe")
        #expect(host.labels["machine_name"] == "Artemis (Matlab)")
        #expect(host.labels["__name__"] == nil)
        #expect(host.cores == 2)
        #expect(host.bootTime == 1_795_343_106)
        #expect(host.timestamp == 1_795_347_120.5)
        #expect(abs(host.cpuIdleSeconds - 7084.28) < 1e-6)
        #expect(host.cpuTotalSeconds > host.cpuIdleSeconds)
        #expect(abs((host.memoryActiveRatio ?? 0) - 0.00787713676044689) < 1e-15)
    }

    @Test func upstreamErrorIsReportedWithItsMessage() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route(
            "/api/v1/query",
            .response(ServerResponse(status: 400, body: try Fixture.data("prometheus-api/error_bad_query.json"))))
        let error = try #require(throws: ReaderError.self) { try reader(upstream).read(at: 0, logger: logger) }
        #expect(error.status == 400)
        #expect(error.description.contains("bad_data"))
    }

    @Test(arguments: [
        (500, "internal error from a proxy"),
        (503, #"{"status":"error","errorType":"timeout","error":"query timed out"}"#),
    ])
    func badStatus(status: Int, body: String) throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/api/v1/query", .status(status, body))
        let error = try #require(throws: ReaderError.self) { try reader(upstream).read(at: 0, logger: logger) }
        #expect(error.status == status)
    }

    @Test(arguments: [
        "not json at all",
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"abc"]}]}}"#,
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"0x1p-2"]}]}}"#,
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}}"#,
        #"{"status":"success","data":{"resultType":"matrix","result":[]}}"#,
        #"{"status":"success"}"#,
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"1"]}]}}"#,
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[",
    ])
    func malformedBodiesAreClearErrors(body: String) throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/api/v1/query", .ok(body, contentType: "application/json"))
        let error = try #require(throws: ReaderError.self) { try reader(upstream).read(at: 0, logger: logger) }
        #expect(error.isMalformed, "\(error)")
    }

    @Test func emptyResultMeansNoHosts() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/api/v1/query", .fixture("prometheus-api/empty.json"))
        let result = try reader(upstream).read(at: 0, logger: logger)
        #expect(result.readings.isEmpty)
    }

    @Test func slowPrometheusTimesOut() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/api/v1/query", .delay(3, then: .fixture("prometheus-api/empty.json")))
        let started = Date()
        let error = try #require(throws: ReaderError.self) {
            try reader(upstream, timeout: 0.3).read(at: 0, logger: logger)
        }
        #expect(error.isTransport)
        #expect(Date().timeIntervalSince(started) < 2.5)
    }

    @Test func specialValuesDecode() throws {
        let body =
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"x"},"value":[1795346045.750,"+Inf"]},{"metric":{},"value":[1795346045,"NaN"]},{"metric":{},"value":[1,"-Inf"]},{"metric":{},"value":[1,"1e+22"]},{"metric":{},"value":[1,"0.0000001"]}]}}"#
        let response = try PrometheusQueryResponse.decode(Array(body.utf8))
        #expect(
            response.samples.map(\.value).map { $0.isNaN ? 12345 : $0 } == [.infinity, 12345, -.infinity, 1e22, 1e-7])
        #expect(response.samples[0].timestamp == 1_795_346_045.75)
    }

    @Test func hostsWithNonFiniteCountersAreLeftOut() throws {
        let upstream = try prometheusFixtureServer(overrides: [
            "sum by (instance) (node_cpu_seconds_total": .response(
                ServerResponse(
                    status: 200,
                    body: Array(
                        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"127.0.0.1:19101"},"value":[1,"NaN"]}]}}"#
                            .utf8)
                )
            )
        ])
        defer { upstream.stop() }
        let result = try reader(upstream).read(at: 0, logger: logger)
        #expect(result.readings.isEmpty)
        #expect(result.skipped.map(\.host) == ["127.0.0.1:19101"])
    }
}
