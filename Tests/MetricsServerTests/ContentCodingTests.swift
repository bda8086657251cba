import MetricsServer
import Testing

@Suite struct ContentCodingTests {
    @Test(arguments: [
        ("gzip", true),
        ("GZIP", true),
        ("x-gzip", true),
        ("gzip, deflate, br", true),
        ("deflate, gzip;q=0.5", true),
        ("br;q=1.0, gzip ; q=0.001", true),
        ("*", true),
        ("deflate, *;q=0.1", true),
        ("gzip;q=0", false),
        ("gzip;q=0.000", false),
        ("gzip;q=0, *", false),
        ("*;q=0", false),
        ("identity", false),
        ("deflate, br", false),
        ("", false),
        ("gzip;q=2", false),
        ("gzip;q=abc", false),
        ("gzip;q=0.0001", false),
        ("*;q=0, gzip;q=0.3", true),
        ("gzip;level=1", true),
    ])
    func acceptsGzip(header: String, accepted: Bool) {
        #expect(ContentCoding.acceptsGzip(header) == accepted)
    }

    @Test func missingHeaderMeansIdentity() {
        #expect(!ContentCoding.acceptsGzip(nil))
    }
}
