import Model
import TestSupport
import Testing

@testable import Readers

/// The `up` answer is folded into its targets before the other answers are fetched; the readings must be the
/// ones a join over the whole answer gives.
@Suite struct PrometheusTargetsTests {
    static let body = """
        {"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"__name__":"up","instance":"b:9100","job":"node","user":"jane"},"value":[1800000000,"1"]},
        {"metric":{"__name__":"up","job":"node"},"value":[1800000000,"1"]},
        {"metric":{"__name__":"up","instance":"a:9100","job":"node","user":"bob"},"value":[1800000000,"1"]},
        {"metric":{"__name__":"up","instance":"b:9100","job":"other"},"value":[1800000000,"1"]},
        {"metric":{"__name__":"up","instance":"c:9100","job":"node"},"value":[1800000000,"1"]}
        ]}}
        """

    static func values() -> PrometheusReader.HostValues {
        var values = PrometheusReader.HostValues()
        for host in ["a:9100", "b:9100"] {
            values.cpuIdle[host] = 100
            values.cpuTotal[host] = 400
            values.cores[host] = 4
            values.sampleTime[host] = 1_800_000_000
        }
        values.memoryActiveRatio["b:9100"] = 0.5
        return values
    }

    @Test func foldedTargetsGiveTheReadingsOfTheWholeAnswer() throws {
        let up = try PrometheusQueryResponse.decode(Array(Self.body.utf8))
        let reader = PrometheusReader(settings: .init(baseURL: "http://p"), fetcher: InMemoryFetcher())

        let targets = reader.targets(in: up)
        #expect(targets.order == ["b:9100", "a:9100", "c:9100"])
        #expect(targets.labels[targets.positions["b:9100"]!] == ["instance": "b:9100", "job": "node", "user": "jane"])
        #expect(targets.skipped.map(\.host) == ["", "b:9100"])
        // The answer handed in is left as it was.
        #expect(up.samples[0].labels["__name__"] == "up")

        let result = reader.assemble(up: up, values: Self.values())
        var expected: [HostReading] = []
        for sample in up.samples {
            guard let host = sample.labels["instance"], ["a:9100", "b:9100"].contains(host),
                !expected.contains(where: { $0.host == host })
            else { continue }
            var labels = sample.labels
            labels["__name__"] = nil
            expected.append(
                HostReading(
                    host: host, labels: labels, timestamp: 1_800_000_000, cpuIdleSeconds: 100, cpuTotalSeconds: 400,
                    cores: 4, memoryActiveRatio: host == "b:9100" ? 0.5 : nil, bootTime: nil))
        }
        #expect(result.readings == expected)
        #expect(result.skipped.map(\.reason).last == "no node_cpu_seconds_total")
        #expect(result.skipped.map(\.host) == ["", "b:9100", "c:9100"])
    }

    @Test func targetsKeepOnlyTheLabelsInUse() throws {
        let up = try PrometheusQueryResponse.decode(Array(Self.body.utf8))
        let byInstance = PrometheusReader(
            settings: .init(baseURL: "http://p", keptLabels: ["user"]), fetcher: InMemoryFetcher())
        let kept = byInstance.targets(in: up)
        #expect(kept.labels == [["user": "jane"], ["user": "bob"], [:]])
        // Hosts named by another label keep `instance`, which measured power joins on.
        let byJob = PrometheusReader(
            settings: .init(baseURL: "http://p", hostLabel: "job", keptLabels: ["user"]), fetcher: InMemoryFetcher())
        #expect(byJob.targets(in: up).labels.first == ["instance": "b:9100", "user": "jane"])
    }
}
