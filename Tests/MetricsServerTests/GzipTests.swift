import MetricsServer
import Testing

@Suite struct GzipTests {
    // Decoding goes through curl, so the output is checked against an independent gzip reader.
    private func roundTrip(_ bytes: [UInt8], level: Int32 = 6) throws -> (compressed: [UInt8], decoded: [UInt8]) {
        let compressed = Gzip.compress(bytes, level: level)
        return (compressed, try GzipStreamTests.decoded(compressed))
    }

    @Test(arguments: [0, 1, 1000, 300_000])
    func roundTripsThroughAGzipDecoder(size: Int) throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let bytes = (0..<size).map { index -> UInt8 in
            // Half text-like, half pseudo-random, so both compressible and incompressible runs occur.
            if index % 2 == 0 { return UInt8(ascii: "a") + UInt8(index % 7) }
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }

        let (compressed, decoded) = try roundTrip(bytes)

        #expect(compressed.starts(with: [0x1F, 0x8B, 8]))
        #expect(decoded == bytes)
    }

    @Test(arguments: [-5, -1, 0, 9, 42] as [Int32])
    func clampsLevels(level: Int32) throws {
        let text = Array(String(repeating: "footprint ", count: 500).utf8)

        let (compressed, decoded) = try roundTrip(text, level: level)

        #expect(decoded == text)
        #expect(level == 0 || compressed.count < text.count / 10)
    }

    @Test func gzippedRespectsAcceptEncoding() {
        let body = ServerResponse.text(String(repeating: "x", count: 2000))
        let accepting = ServerRequest(path: "/metrics", headers: ["accept-encoding": "gzip"])
        let refusing = ServerRequest(path: "/metrics", headers: ["accept-encoding": "gzip;q=0"])

        let compressed = body.gzipped(for: accepting)
        let plain = body.gzipped(for: refusing)
        let small = ServerResponse.text("short").gzipped(for: accepting)

        #expect(compressed.header("content-encoding") == "gzip")
        #expect(compressed.body.starts(with: [0x1F, 0x8B]))
        #expect(compressed.header("vary") == "Accept-Encoding")
        #expect(plain.header("content-encoding") == nil)
        #expect(plain.body == body.body)
        #expect(plain.header("vary") == "Accept-Encoding")
        #expect(small.header("content-encoding") == nil)
    }
}
