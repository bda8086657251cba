import Model
import Testing

@Suite struct MD5Tests {
    /// RFC 1321, appendix A.5.
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        (
            "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "57edf4a22be3c955ac49da2e2107b67a"
        ),
    ])
    func rfc1321Suite(message: String, digest: String) {
        #expect(MD5.hex(Array(message.utf8)) == digest)
    }

    /// Messages whose padding spills into a second block, and a long one.
    @Test func blockBoundaries() {
        #expect(MD5.hex(Array(String(repeating: "a", count: 1000).utf8)) == "cabe45dcc9ae5b66ba86600cca6b8ba8")
        #expect(MD5.digest(Array(repeating: 0, count: 55)).count == 16)
        #expect(MD5.hex(Array(repeating: 0x61, count: 56)) != MD5.hex(Array(repeating: 0x61, count: 55)))
    }
}

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
