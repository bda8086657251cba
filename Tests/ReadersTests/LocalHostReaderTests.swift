import Model
import Readers
import TestSupport
import Testing

@Suite struct LocalHostReaderTests {
    @Test func readsProcfsFixture() throws {
        let reader = LocalHostReader(procRoot: Fixture.sharedURL("proc"), host: "ws-1", labels: ["user": "alice"])
        let reading = try reader.read()
        #expect(reading.host == "ws-1")
        #expect(reading.labels == ["user": "alice"])
        #expect(reading.cores == 2)
        #expect(reading.bootTime == 1_795_340_000)
        #expect(reading.timestamp == 1_795_340_602.5)
        #expect(reading.cpuIdleSeconds == 468_284.83)
        // user+nice+system+idle+iowait+irq+softirq+steal, guest excluded.
        #expect(abs(reading.cpuTotalSeconds - 603_779.29) < 1e-6)
        #expect(reading.memoryActiveRatio == 0.25)
        #expect(reading.isValid)
    }

    @Test func readsThisHost() throws {
        let reading = try LocalHostReader().read()
        #expect(reading.isValid)
        #expect(reading.cores >= 1)
        #expect(!reading.host.isEmpty)
    }

    @Test func missingProcfsIsAnError() {
        #expect(throws: ReaderError.self) { try LocalHostReader(procRoot: "/nonexistent-proc").read() }
    }
}
