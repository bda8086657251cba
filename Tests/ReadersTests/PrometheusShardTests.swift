import Model
import Readers
import TestSupport
import Testing

/// The bridge's two shard routes: Prometheus selecting through `shard_label`, or the reader keeping the hosts
/// whose host label hashes to its shard.
@Suite struct PrometheusShardTests {
    static let hosts = (1...30).map { "10.0.\($0 / 10).\($0 % 10):9100" }

    static func upAnswer() throws -> PrometheusQueryResponse {
        let series = hosts.map {
            #"{"metric":{"__name__":"up","instance":"\#($0)","job":"node"},"value":[1800000000,"1"]}"#
        }
        let body =
            #"{"status":"success","data":{"resultType":"vector","result":["#
            + series.joined(separator: ",") + "]}}"
        return try PrometheusQueryResponse.decode(Array(body.utf8))
    }

    static func values() -> PrometheusReader.HostValues {
        var values = PrometheusReader.HostValues()
        for host in hosts {
            values.cpuIdle[host] = 100
            values.cpuTotal[host] = 400
            values.cores[host] = 4
            values.sampleTime[host] = 1_800_000_000
        }
        return values
    }

    @Test func withAShardLabelEveryQuerySelectsTheShard() throws {
        let settings = PrometheusReader.Settings(
            baseURL: "http://p", selector: #"{job="node"}"#, shard: try Shard(count: 4, index: 2),
            shardLabel: "footprint_shard")
        #expect(settings.effectiveSelector == #"{job="node",footprint_shard="2"}"#)
        let reader = PrometheusReader(settings: settings, fetcher: InMemoryFetcher())
        for query in reader.queries.history {
            #expect(query.contains(#"footprint_shard="2""#), "\(query)")
        }
        // Prometheus chose the hosts: every host it lists is kept.
        let result = reader.assemble(up: try Self.upAnswer(), values: Self.values())
        #expect(result.readings.count == Self.hosts.count)
    }

    @Test func withoutALabelTheReaderKeepsItsShard() throws {
        let shard = try Shard(count: 4, index: 1)
        let settings = PrometheusReader.Settings(baseURL: "http://p", selector: #"{job="node"}"#, shard: shard)
        #expect(settings.effectiveSelector == #"{job="node"}"#)
        let reader = PrometheusReader(settings: settings, fetcher: InMemoryFetcher())
        let result = reader.assemble(up: try Self.upAnswer(), values: Self.values())
        let expected = Self.hosts.filter { Shard.bucket(of: $0, count: 4) == 1 }
        #expect(!expected.isEmpty && expected.count < Self.hosts.count)
        #expect(result.readings.map(\.host) == expected)
        // Other replicas' hosts are not "skipped": they are simply not this replica's.
        #expect(result.skipped.isEmpty)
    }

    @Test func aShardLabelWithoutAShardChangesNothing() {
        let settings = PrometheusReader.Settings(baseURL: "http://p", selector: "", shardLabel: "footprint_shard")
        #expect(settings.effectiveSelector == "")
        #expect(PrometheusReader(settings: settings, fetcher: InMemoryFetcher()).queries.up == "up == 1")
    }
}
