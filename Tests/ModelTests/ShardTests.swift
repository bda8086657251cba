import Model
import Testing

@Suite struct ShardTests {
    /// Values from Python's hashlib, computed the way Prometheus' hashmod does (last 8 digest bytes, big-endian).
    @Test(arguments: [
        ("127.0.0.1:9100", 3, 1), ("127.0.0.1:9100", 7, 5), ("127.0.0.1:9100", 1000, 150),
        ("10.0.0.5:9100", 3, 2), ("10.0.0.5:9100", 7, 0), ("10.0.0.5:9100", 1000, 870),
        ("node-17.example.org:9100", 3, 1), ("node-17.example.org:9100", 1000, 235), ("", 1000, 958),
    ])
    func bucketIsPrometheusHashmod(key: String, count: Int, bucket: Int) {
        #expect(Shard.bucket(of: key, count: count) == bucket)
    }

    @Test func replicasTogetherHoldEveryHostOnce() throws {
        let shards = try (0..<4).map { try Shard(count: 4, index: $0) }
        for host in (1...200).map({ "10.1.\($0 / 256).\($0 % 256):9100" }) {
            #expect(shards.filter { $0.contains(host) }.count == 1, "\(host)")
        }
        let single = try Shard(count: 1, index: 0)
        #expect(single.contains("anything"))
    }

    @Test(arguments: [(0, 0), (-1, 0), (3, 3), (3, -1), (2, 5)])
    func refusesImpossibleShards(count: Int, index: Int) {
        #expect(throws: Shard.InvalidShard.self) { try Shard(count: count, index: index) }
    }

    @Test func describesItselfForLogs() throws {
        #expect(try Shard(count: 3, index: 2).description == "2 of 3")
    }
}
