import Counters
import Model
import PromText

/// A snapshot's exposition produced in blocks of a few hundred hosts of one family at a time, so that a large
/// fleet's text can be compressed or sent as it is written instead of first being held whole.
///
/// The blocks, joined, are byte for byte what `SnapshotRenderer.render` writes, with `trailer` (such as the
/// exporter's own `process_*` families) before OpenMetrics' `# EOF`. Each iteration starts from the first
/// block, so a copy of a fresh value can be iterated again for the same bytes.
public struct ExpositionBlocks: IteratorProtocol, Sequence, Sendable {
    private let prepared: SnapshotRenderer.Prepared
    private let status: ExporterStatus
    private let format: ExpositionFormat
    private let trailer: [UInt8]
    private let hostsPerBlock: Int
    private var definitionIndex = 0
    private var nextHost = 0
    private var finished = false

    /// - Parameter hostsPerBlock: 512 hosts make blocks of about 100 KB at typical label sizes: large enough
    ///   that the per-block work vanishes, small enough to add nothing noticeable to memory.
    public init(
        _ prepared: SnapshotRenderer.Prepared, status: ExporterStatus, format: ExpositionFormat = .text,
        trailer: [UInt8] = [], hostsPerBlock: Int = 512
    ) {
        precondition(hostsPerBlock > 0, "a block holds at least one host")
        self.prepared = prepared
        self.status = status
        self.format = format
        self.trailer = trailer
        self.hostsPerBlock = hostsPerBlock
    }

    /// The next non-empty block, or nil after the last.
    public mutating func next() -> [UInt8]? {
        let definitions = MetricCatalog.all
        let hostCount = prepared.snapshot.accounts.count
        while !finished {
            var writer = ExpositionWriter(format: format, reservingCapacity: 128 << 10)
            guard definitionIndex < definitions.count else {
                finished = true
                var last = trailer
                if format == .openMetrics { last += writer.finish() }
                return last.isEmpty ? nil : last
            }
            let hosts = nextHost..<Swift.min(nextHost + hostsPerBlock, hostCount)
            SnapshotRenderer().write(
                definitions[definitionIndex], prepared.snapshot, prepared.hostLabels, status, hosts: hosts, &writer)
            if hosts.upperBound >= hostCount {
                definitionIndex += 1
                nextHost = 0
            } else {
                nextHost = hosts.upperBound
            }
            let block = writer.takeWritten()
            if !block.isEmpty { return block }
        }
        return nil
    }
}
