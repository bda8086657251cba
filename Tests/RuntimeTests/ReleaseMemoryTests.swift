import Foundation
import Testing

@testable import Runtime

/// Giving the code pages of start-up back to the kernel.
@Suite struct ReleaseMemoryTests {
    /// The resident kilobytes of the mapping starting at `start`, from `/proc/self/smaps`.
    static func residentKilobytes(ofMappingAt start: UInt) throws -> Int {
        let smaps = try String(contentsOfFile: "/proc/self/smaps", encoding: .utf8)
        var inMapping = false
        for line in smaps.split(separator: "\n") {
            if let dash = line.firstIndex(of: "-"), let address = UInt(line[..<dash], radix: 16),
                line.split(separator: " ").count >= 5
            {
                inMapping = address == start
            } else if inMapping, line.hasPrefix("Rss:") {
                return Int(line.split(separator: " ")[1]) ?? -1
            }
        }
        return -1
    }

    @Test func theCodeMappingIsTheExecutablesOwn() throws {
        let mapping = try #require(ReleaseMemory.executableCodeMapping())
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
        let line = try #require(
            maps.split(separator: "\n").first { $0.hasPrefix(String(mapping.lowerBound, radix: 16) + "-") })
        #expect(line.contains(" r-xp "))
        #expect(line.hasSuffix(executable))
        #expect(line.hasPrefix("\(String(mapping.lowerBound, radix: 16))-\(String(mapping.upperBound, radix: 16)) "))
    }

    @Test func reclaimedCodeIsNoLongerResident() throws {
        let mapping = try #require(ReleaseMemory.executableCodeMapping())
        let before = try Self.residentKilobytes(ofMappingAt: mapping.lowerBound)
        #expect(before > 1_024)
        let advised = try #require(ReleaseMemory.reclaimCodePages())
        #expect(advised == Int(mapping.upperBound - mapping.lowerBound))
        // Code this test runs faults back in, but far less than the test binary had resident.
        let after = try Self.residentKilobytes(ofMappingAt: mapping.lowerBound)
        #expect(after >= 0)
        #expect(after < before / 2)
    }
}
