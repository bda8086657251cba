import HTTPClient
import Logging
import MetricsServer
import Model
import Readers
import TestSupport
import Testing

@Suite struct PrometheusRangeReaderTests {
    @Test func decodesTheRecordedMatrix() throws {
        let response = try PrometheusMatrixResponse.decode(
            try Fixture.data("prometheus-api/range_cpu_seconds_by_mode.json"))
        #expect(response.series.count == 8)
        let idle = try #require(response.series.first { $0.labels["mode"] == "idle" })
        #expect(idle.labels["instance"] == "127.0.0.1:19101")
        #expect(idle.points.map(\.time) == [1_795_347_095, 1_795_347_105, 1_795_347_115, 1_795_347_125])
        #expect(idle.points.last?.value == 7_084.280000000001)
    }

    @Test func matrixAndVectorAreNotConfused() throws {
        #expect(throws: ReaderError.self) {
            try PrometheusMatrixResponse.decode(try Fixture.data("prometheus-api/up.json"))
        }
        #expect(throws: ReaderError.self) {
            try PrometheusQueryResponse.decode(try Fixture.data("prometheus-api/range_cpu_seconds_by_mode.json"))
        }
        let reversed =
            #"{"data":{"result":[{"values":[[1,"NaN"],[2.5,"+Inf"]],"metric":{}}],"resultType":"matrix"},"status":"success"}"#
        let decoded = try PrometheusMatrixResponse.decode(Array(reversed.utf8))
        #expect(decoded.series.first?.points.count == 2)
        #expect(decoded.series.first?.points.first?.value.isNaN == true)
        #expect(throws: ReaderError.self) {
            try PrometheusMatrixResponse.decode(
                Array(#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{}}]}}"#.utf8))
        }
    }

    @Test func chunksStayWithinADayAndThePointLimit() {
        let midnight = Double(UTCDate.days(year: 2026, month: 10, day: 1)) * 86_400
        let year = PrometheusRangeReader.chunks(start: midnight, end: midnight + 365 * 86_400, resolution: 60)
        #expect(year.count == 366)
        #expect(year.allSatisfy { ($0.end - $0.start) / 60 + 1 <= 1_440 })
        #expect(year.allSatisfy { Int($0.start / 86_400) == Int($0.end / 86_400) })
        #expect(zip(year, year.dropFirst()).allSatisfy { $1.start == $0.end + 60 })
        let fine = PrometheusRangeReader.chunks(start: midnight + 100, end: midnight + 86_400, resolution: 1)
        #expect(fine.allSatisfy { ($0.end - $0.start) + 1 <= Double(PrometheusRangeReader.maxPointsPerRequest) })
        #expect(fine.first?.start == midnight + 100)
        #expect(fine.last?.end == midnight + 86_400)
    }

    @Test func stepsAssembleReadingsLikeAnInstantCollection() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route(
            "/api/v1/query_range",
            .handler { request in
                let query = request.query["query"] ?? ""
                let labels = query.hasPrefix("up") ? #"{"instance":"h:9100","user":"ann"}"# : #"{"instance":"h:9100"}"#
                let values =
                    query.contains("timestamp(")
                    ? ["99", "159"]
                    : query.hasPrefix("count")
                        ? ["2", "2"]
                        : query.contains("Active")
                            ? ["0.5", "0.5"]
                            : query.contains("MemTotal")
                                ? ["4096", "4096"]
                                : query.contains("boot")
                                    ? ["10", "10"]
                                    : query.contains(#"mode=\"idle\""#) || query.contains(#"mode="idle""#)
                                        ? ["50", "80"]
                                        : query.hasPrefix("up") ? ["1", "1"] : ["100", "200"]
                let body =
                    #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":\#(labels),"values":[[100,"\#(values[0])"],[160,"\#(values[1])"]]}]}}"#
                return ServerResponse(status: 200, body: Array(body.utf8))
            })
        let reader = PrometheusRangeReader(
            settings: PrometheusReader.Settings(baseURL: upstream.baseURL, selector: #"{job="node"}"#),
            fetcher: try CurlHTTPClient(userAgent: "test"))
        let steps = try reader.read(
            PrometheusRangeReader.Chunk(start: 100, end: 160), resolution: 60, logger: Logger(label: "test"))
        #expect(steps.map(\.time) == [100, 160])
        let second = try #require(steps.last?.result.readings.first)
        #expect(
            second
                == HostReading(
                    host: "h:9100", labels: ["instance": "h:9100", "user": "ann"], timestamp: 159, cpuIdleSeconds: 80,
                    cpuTotalSeconds: 200, cores: 2, memoryActiveRatio: 0.5, bootTime: 10, memoryTotalBytes: 4_096))
        let requests = upstream.requests(to: "/api/v1/query_range")
        #expect(requests.count == 8)
        #expect(
            requests.allSatisfy {
                $0.query["start"] == "100.000" && $0.query["end"] == "160.000" && $0.query["step"] == "60.000"
            })
    }
}
