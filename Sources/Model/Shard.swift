import Crypto

/// One replica's share of a fleet: the hosts whose shard key hashes to `index` modulo `count`.
///
/// The hash is Prometheus' `hashmod` relabel action, exactly: MD5 of the key's UTF-8 bytes, the digest's last
/// eight bytes read as a big-endian unsigned 64-bit integer, modulo `count`. So a relabel rule
/// `{source_labels: [__address__], modulus: N, target_label: __tmp_hash, action: hashmod}` followed by
/// `{source_labels: [__tmp_hash], regex: I, action: keep}` selects the same targets as replica `I` of `N`.
/// The key is the host as the exporter names it: the scrape target's address (`host:port`) in scrape mode, the
/// value of `host_label` (by default `instance`, which is `__address__` unless relabelled) in bridge mode.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// How many replicas share the fleet; at least 1.
    public let count: Int
    /// This replica's number, `0 ..< count`.
    public let index: Int

    /// Why a shard cannot be built from the numbers given.
    public struct InvalidShard: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(count: Int, index: Int) throws(InvalidShard) {
        guard count >= 1 else { throw InvalidShard(description: "shard count must be at least 1; got \(count)") }
        guard index >= 0, index < count else {
            throw InvalidShard(description: "shard index must be between 0 and count - 1 (\(count - 1)); got \(index)")
        }
        self.count = count
        self.index = index
    }

    /// The shard `key` belongs to among `count`, as `hashmod` with modulus `count` computes it.
    public static func bucket(of key: String, count: Int) -> Int {
        let digest = Array(Insecure.MD5.hash(data: Array(key.utf8)))
        var tail: UInt64 = 0
        for byte in digest[8..<16] { tail = tail << 8 | UInt64(byte) }
        return Int(tail % UInt64(count))
    }

    /// Whether the host named `key` is this replica's.
    public func contains(_ key: String) -> Bool {
        count == 1 || Self.bucket(of: key, count: count) == index
    }

    public var description: String { "\(index) of \(count)" }
}
