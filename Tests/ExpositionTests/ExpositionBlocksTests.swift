import Counters
import Exposition
import Model
import PromText
import TestSupport
import Testing

@Suite struct ExpositionBlocksTests {
    /// A fleet where some hosts lack power, GPUs or a method, so slices start and end inside families with gaps.
    static func fleet(hosts: Int) -> Snapshot {
        let accounts = (0..<hosts).map { index in
            var account = HostAccount(
                host: "node-\(index)", attribution: ["project-\(index % 7)", "user \"\(index % 3)\""],
                gridRegion: index % 4 == 0 ? nil : "GB-13", profileName: "default", cores: 8, lastSeen: 0)
            account.busyEnergy = Joules(Double(index) * 12.5)
            account.idleEnergy = Joules(Double(index) / 3)
            if index % 5 != 0 { account.power = Watts(Double(index) + 0.25) }
            if index % 9 == 0 {
                account.gpuPower = Watts(40)
                account.gpuBusyEnergy = Joules(Double(index))
            }
            if index % 2 == 0 { account.powerMethod = .node }
            return account
        }
        return Snapshot(
            attributionLabels: ["cloud_project_name", "user"], accounts: accounts, hostsInLastCollection: hosts,
            lastCollection: 1_795_347_125.5)
    }

    static let statistics = ProcessStatistics(
        cpuSeconds: 1.5, residentMemoryBytes: 4096, virtualMemoryBytes: 8192, openFileDescriptors: 9,
        maxFileDescriptors: 1024, startTimeSeconds: 1_795_340_000)

    @Test(arguments: [1, 2, 3, 512])
    func joinedBlocksAreTheGoldenText(hostsPerBlock: Int) throws {
        let prepared = SnapshotRenderer().prepare(SnapshotRendererTests.fixedSnapshot())
        for (format, golden) in [
            (ExpositionFormat.text, "snapshot.golden.prom"), (.openMetrics, "snapshot.golden.om.txt"),
        ] {
            let blocks = ExpositionBlocks(
                prepared, status: SnapshotRendererTests.status, format: format, hostsPerBlock: hostsPerBlock)
            if let difference = Golden.compare(Array(blocks.joined()), name: golden) {
                Issue.record("\(format) in blocks of \(hostsPerBlock): \(difference)")
            }
        }
    }

    @Test(arguments: [0, 1, 7, 1000])
    func joinedBlocksEqualAWholeRender(hosts: Int) {
        let prepared = SnapshotRenderer().prepare(Self.fleet(hosts: hosts))
        for format in [ExpositionFormat.text, .openMetrics] {
            let whole = SnapshotRenderer().render(prepared, status: SnapshotRendererTests.status, format: format)
            for hostsPerBlock in [1, 64, 512] {
                let blocks = ExpositionBlocks(
                    prepared, status: SnapshotRendererTests.status, format: format, hostsPerBlock: hostsPerBlock)
                #expect(Array(blocks.joined()) == whole, "\(format), \(hostsPerBlock) hosts per block")
                #expect(blocks.allSatisfy { !$0.isEmpty })
            }
        }
    }

    @Test func theTrailerGoesWhereAppendingPutsIt() {
        let prepared = SnapshotRenderer().prepare(Self.fleet(hosts: 30))
        for format in [ExpositionFormat.text, .openMetrics] {
            let whole = SnapshotRenderer().render(prepared, status: SnapshotRendererTests.status, format: format)
            let expected = ProcessMetricsRenderer().appending(Self.statistics, to: whole, format: format)
            let blocks = ExpositionBlocks(
                prepared, status: SnapshotRendererTests.status, format: format,
                trailer: ProcessMetricsRenderer().render(Self.statistics, format: format), hostsPerBlock: 8)
            #expect(Array(blocks.joined()) == expected, "\(format)")
        }
    }

    @Test func aCopyIteratesAgainFromTheStart() {
        let blocks = ExpositionBlocks(
            SnapshotRenderer().prepare(Self.fleet(hosts: 100)), status: SnapshotRendererTests.status,
            hostsPerBlock: 16)
        var started = blocks
        let firstBlock = started.next()
        #expect(Array(blocks.joined()) == Array(blocks.joined()))
        var fresh = blocks
        #expect(fresh.next() == firstBlock)
        #expect(started.next() != firstBlock)
    }
}
