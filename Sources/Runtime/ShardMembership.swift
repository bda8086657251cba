import Config
import Model

/// Whether a stored host is this replica's, as far as the exporter itself decides shards.
///
/// In scrape mode and in bridge mode without `shard_label` the exporter hashes each host, so it knows which
/// stored hosts moved away. With `shard_label` Prometheus decides (its relabel rule may hash another key), so
/// every stored host is kept and those no longer listed age out through `host_grace_period` as usual.
struct ShardMembership {
    private let shard: Shard?

    init(configuration: Configuration) {
        let labelled = configuration.source.kind == .prometheus && configuration.source.prometheus.shardLabel != nil
        shard = labelled ? nil : configuration.shard
    }

    func keeps(_ host: String) -> Bool { shard?.contains(host) ?? true }
}
