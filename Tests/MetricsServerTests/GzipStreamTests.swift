import HTTPClient
import MetricsServer
import TestSupport
import Testing

@Suite struct GzipStreamTests {
    /// Text-like bytes, as an exposition is.
    static func text(_ size: Int) -> [UInt8] {
        (0..<size).map { UInt8(ascii: "a") + UInt8($0 % 23) }
    }

    /// A gzip member decoded by curl, an independent gzip reader (the Gzip tests use it too).
    static func decoded(_ compressed: [UInt8]) throws -> [UInt8] {
        let upstream = try FakeUpstream()
        upstream.route(
            "/z",
            .response(
                ServerResponse(
                    status: 200, headers: [ServerHeader(name: "Content-Encoding", value: "gzip")], body: compressed)))
        let client = try CurlHTTPClient(userAgent: "test")
        return try client.fetch(HTTPRequest(url: upstream.url("/z"))).body
    }

    @Test(arguments: [1, 1000, 65_536, 300_000])
    func blocksDecompressToTheirConcatenation(blockSize: Int) throws {
        let bytes = Self.text(700_001)
        let stream = GzipStream()
        var start = 0
        while start < bytes.count {
            let end = min(start + blockSize, bytes.count)
            stream.append(Array(bytes[start..<end]))
            start = end
        }
        let compressed = stream.finish()

        #expect(compressed.starts(with: [0x1F, 0x8B, 8]))
        #expect(compressed.count < bytes.count / 10)
        #expect(try Self.decoded(compressed) == bytes)
    }

    /// A cached answer holds its buffer until the next collection: the member keeps no more than a quarter of slack.
    @Test func theMemberHoldsLittleMoreMemoryThanItsSize() throws {
        // Random-ish bytes compress poorly: about 1.2 MB of output, grown by doubling past 1 MiB.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let bytes = (0..<1_800_000).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 59) + UInt8(ascii: "a")
        }
        let stream = GzipStream()
        stream.append(bytes)
        let compressed = stream.finish()
        #expect(compressed.count > 1_000_000)
        #expect(compressed.capacity <= compressed.count + compressed.count / 4)
        #expect(try Self.decoded(compressed) == bytes)
    }

    @Test func nothingAppendedIsAnEmptyMember() throws {
        #expect(try Self.decoded(GzipStream().finish()).isEmpty)
    }
}

@Suite struct StreamedBodyTests {
    @Test(arguments: [0, 1, 300_001])
    func blocksAreSentWithTheirLength(size: Int) throws {
        let body = GzipStreamTests.text(size)
        // Blocks of uneven sizes, some empty, none aligned with the server's 64 KiB buffer.
        let blocks = stride(from: 0, to: size, by: 70_001).flatMap { start in
            [[], Array(body[start..<min(start + 70_001, size)])]
        }
        let server = try MetricsServer(listenAddress: .loopback(port: 0)) { _ in
            ServerResponse(
                status: 200, headers: [ServerHeader(name: "Content-Type", value: "text/plain")],
                streamedBody: StreamedBody(length: size, blocks: { blocks.makeIterator() }))
        }
        let client = try CurlHTTPClient(userAgent: "test")
        for _ in 0..<2 {
            let response = try client.fetch(HTTPRequest(url: "http://127.0.0.1:\(server.port)/big"))
            #expect(response.status == 200)
            #expect(response.header("content-length") == "\(size)")
            #expect(response.header("content-type") == "text/plain")
            #expect(response.body == body)
        }
        let head = try client.fetch(HTTPRequest(url: "http://127.0.0.1:\(server.port)/big", method: .head))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
    }
}
