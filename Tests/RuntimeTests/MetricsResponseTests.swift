import Counters
import Exposition
import HTTPClient
import MetricsServer
import Model
import PromText
import TestSupport
import Testing

@testable import Runtime

@Suite struct MetricsResponseTests {
    static func blocks(hosts: Int, format: ExpositionFormat = .text) -> ExpositionBlocks {
        let accounts = (0..<hosts).map { index in
            var account = HostAccount(
                host: "node-\(index).example.org:9100", attribution: ["project-\(index % 7)"], gridRegion: "GB-13",
                profileName: "default", cores: 8, lastSeen: 0)
            account.busyEnergy = Joules(Double(index) * 12.5)
            account.power = Watts(Double(index) + 0.25)
            return account
        }
        let snapshot = Snapshot(
            attributionLabels: ["cloud_project_name"], accounts: accounts, hostsInLastCollection: hosts,
            lastCollection: 1_795_347_125.5)
        let status = ExporterStatus(sources: [], grids: [], version: "1.2.3", revision: "abcdef")
        return ExpositionBlocks(SnapshotRenderer().prepare(snapshot), status: status, format: format)
    }

    /// The body a client receives, through curl (which also undoes gzip).
    private func received(_ response: ServerResponse) throws -> HTTPResponse {
        let server = try MetricsServer(listenAddress: .loopback(port: 0)) { _ in response }
        return try CurlHTTPClient(userAgent: "test").fetch(HTTPRequest(url: "http://127.0.0.1:\(server.port)/metrics"))
    }

    @Test(arguments: [0, 20, 3000])
    func gzipAnswersDecompressToTheText(hosts: Int) throws {
        let blocks = Self.blocks(hosts: hosts)
        let text = Array(blocks.joined())
        let response = MetricsResponse.make(blocks, contentType: "text/plain", gzip: true)

        #expect(response.streamedBody == nil)
        #expect(response.header("Vary") == "Accept-Encoding")
        #expect((response.header("Content-Encoding") == "gzip") == (text.count >= MetricsResponse.minimumGzipBytes))
        #expect(try received(response).body == text)
    }

    @Test func smallUncompressedAnswersAreHeldWhole() {
        let blocks = Self.blocks(hosts: 20, format: .openMetrics)
        let response = MetricsResponse.make(blocks, contentType: "application/openmetrics-text", gzip: false)

        #expect(response.streamedBody == nil)
        #expect(response.body == Array(blocks.joined()))
        #expect(response.header("Content-Type") == "application/openmetrics-text")
        #expect(response.header("Content-Encoding") == nil)
    }

    @Test func largeUncompressedAnswersAreStreamedWithTheirLength() throws {
        let blocks = Self.blocks(hosts: 30_000)
        let text = Array(blocks.joined())
        #expect(text.count > MetricsResponse.maximumHeldBytes)
        let response = MetricsResponse.make(blocks, contentType: "text/plain", gzip: false)

        #expect(response.body.isEmpty)
        #expect(response.streamedBody?.length == text.count)
        let answer = try received(response)
        #expect(answer.header("content-length") == "\(text.count)")
        #expect(answer.body == text)
    }
}
