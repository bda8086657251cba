import Foundation
import Model
import Testing

@testable import Readers

/// `/proc/self` parsing for the exporter's own `process_*` metrics.
@Suite struct ProcessSelfReaderTests {
    // A command name with spaces and a parenthesis, as `comm` may hold: fields are counted from the last `)`.
    static let stat =
        "4242 (footprint (x) y) S 1 4242 4242 0 -1 4194560 1200 0 0 0 250 50 0 0 20 0 9 0 123400 734003200 "
        + "5120 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n"
    static let limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max cpu time              unlimited            unlimited            seconds
        Max open files            4352                 524288               files
        """

    @Test func parsesStatAndLimits() throws {
        let statistics = try #require(
            ProcessSelfReader.parse(
                stat: Self.stat, limits: Self.limits, openFileDescriptors: 12, bootTime: 1_795_340_000,
                ticksPerSecond: 100, pageSize: 4096))
        #expect(statistics.cpuSeconds == 3) // (250 + 50) ticks
        #expect(statistics.residentMemoryBytes == 5120 * 4096)
        #expect(statistics.virtualMemoryBytes == 734_003_200)
        #expect(statistics.startTimeSeconds == 1_795_340_000 + 1_234)
        #expect(statistics.maxFileDescriptors == 4352)
        #expect(statistics.openFileDescriptors == 12)
    }

    @Test func unlimitedDescriptorsAndTruncatedStat() {
        let unlimited = ProcessSelfReader.parse(
            stat: Self.stat, limits: "Max open files            unlimited            unlimited            files\n",
            openFileDescriptors: nil, bootTime: 0, ticksPerSecond: 100, pageSize: 4096)
        #expect(unlimited?.maxFileDescriptors == nil)
        #expect(
            ProcessSelfReader.parse(
                stat: "4242 (x) S 1 2 3", limits: nil, openFileDescriptors: nil, bootTime: 0, ticksPerSecond: 100,
                pageSize: 4096) == nil)
        #expect(
            ProcessSelfReader.parse(
                stat: "no parenthesis", limits: nil, openFileDescriptors: nil, bootTime: 0, ticksPerSecond: 100,
                pageSize: 4096) == nil)
    }

    @Test func readsThisProcess() throws {
        let statistics = try #require(ProcessSelfReader().read())
        #expect(statistics.residentMemoryBytes > 0)
        #expect((statistics.openFileDescriptors ?? 0) >= 3)
        #expect(abs(statistics.startTimeSeconds - Date().timeIntervalSince1970) < 24 * 3_600)
        #expect(ProcessSelfReader(procRoot: "/nonexistent").read() == nil)
    }

    @Test func bootTimeFromSystemStat() {
        #expect(ProcessSelfReader.bootTime(systemStat: "cpu  1 2 3\nbtime 1795340000\nprocesses 9\n") == 1_795_340_000)
        #expect(ProcessSelfReader.bootTime(systemStat: "cpu  1 2 3\n") == nil)
    }
}
