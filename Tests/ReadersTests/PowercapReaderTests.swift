import Foundation
import Model
import Readers
import TestSupport
import Testing

@Suite struct PowercapReaderTests {
    @Test func readsPackagesAndDRAMWithTheirWrapRangeAndCountsUnreadableZones() throws {
        let result = try PowercapReader(root: Fixture.sharedURL("powercap"), host: "local").read(at: 42)
        let counters = result.sample.counters
        #expect(counters.map(\.id) == ["intel-rapl:0", "intel-rapl:0:2", "intel-rapl:1"])
        #expect(counters.map(\.domain) == [.raplPackage, .raplDram, .raplPackage])
        #expect(counters[0].joules == 262_143)
        #expect(counters[0].wrapJoules == 262_143.32885)
        #expect(counters[1].wrapJoules == 65_712.999613)
        #expect(result.unreadableZones == ["intel-rapl:1:0"])
        #expect(result.sample.timestamp == 42)
        #expect(result.sample.host == "local")
    }

    @Test func aMissingTreeIsNoData() {
        do {
            _ = try PowercapReader(root: Fixture.sharedURL("powercap/absent"), host: "h").read(at: 0)
            Issue.record("expected an error")
        } catch {
            #expect(error.isNoData)
        }
    }

    @Test func aZoneWithGarbageInEnergyIsCountedAsUnreadable() throws {
        let directory = try TemporaryDirectory.make("powercap")
        for (zone, energy) in [("intel-rapl:0", "12345678\n"), ("intel-rapl:1", "not a number\n")] {
            try FileManager.default.createDirectory(atPath: "\(directory)/\(zone)", withIntermediateDirectories: true)
            try "package-\(zone.suffix(1))\n".write(
                toFile: "\(directory)/\(zone)/name", atomically: true, encoding: .utf8)
            try energy.write(toFile: "\(directory)/\(zone)/energy_uj", atomically: true, encoding: .utf8)
        }
        let result = try PowercapReader(root: directory, host: "h").read(at: 0)
        #expect(result.sample.counters.map(\.joules) == [12.345678])
        #expect(result.sample.counters.first?.wrapJoules == nil)
        #expect(result.unreadableZones == ["intel-rapl:1"])
    }

    @Test func aTreeWithoutReadableZonesIsNoData() throws {
        let directory = try TemporaryDirectory.make("powercap")
        do {
            _ = try PowercapReader(root: directory, host: "h").read(at: 0)
            Issue.record("expected an error")
        } catch {
            #expect(error.isNoData)
        }
    }
}
