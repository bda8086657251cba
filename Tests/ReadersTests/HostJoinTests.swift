import Model
import Readers
import Testing

@Suite struct HostJoinTests {
    @Test(arguments: [
        ("127.0.0.2:9100", "127.0.0.2"), ("node-1.example.org:9290", "node-1.example.org"), ("node-1", "node-1"),
        ("[::1]:9100", "[::1]"), ("fe80::1", "fe80::1"),
    ])
    func hostPartIsEverythingBeforeThePort(value: String, host: String) {
        #expect(HostJoin.hostPart(value) == host)
        #expect(HostJoin.instanceHost.key(["instance": value]) == host)
    }

    @Test func anotherLabelAndARegexWithReplacement() throws {
        let join = try HostJoin(label: "target", pattern: #"(.+)-bmc(\.mgmt)?"#, replacement: "${1}.compute")
        #expect(join.key(["target": "node7-bmc.mgmt", "instance": "exporter:9290"]) == "node7.compute")
        #expect(join.key(["target": "switch3"]) == nil)
        #expect(join.key(["instance": "node7-bmc"]) == nil)
    }

    @Test func replacementExpansion() throws {
        let join = try HostJoin(label: "Hostname", pattern: #"(\w+)\.(\w+)"#, replacement: "$2/$1/$9/$x$")
        #expect(join.key(["Hostname": "gpu1.site"]) == "site/gpu1//$x$")
    }

    @Test func nodeReadingsJoinByTheHostPartOfTheirInstanceLabel() {
        let bridge = HostReading(
            host: "node7", labels: ["instance": "node7:9100"], timestamp: 0, cpuIdleSeconds: 0, cpuTotalSeconds: 0,
            cores: 1)
        #expect(HostJoin.nodeKey(of: bridge) == "node7")
        let scraped = HostReading(host: "10.1.2.3:9100", timestamp: 0, cpuIdleSeconds: 0, cpuTotalSeconds: 0, cores: 1)
        #expect(HostJoin.nodeKey(of: scraped) == "10.1.2.3")
    }

    @Test func anInvalidRegexIsAClearError() {
        #expect(throws: ReaderError.self) { try HostJoin(pattern: "(unclosed") }
        do {
            _ = try HostJoin(pattern: "(unclosed")
        } catch {
            #expect(error.description.contains("join regex (unclosed"))
        }
    }
}
