import PromText
import Testing

@testable import Runtime

@Suite struct AcceptNegotiationTests {
    @Test(
        arguments: [
            (nil, false),
            ("text/plain;version=0.0.4;q=0.5,*/*;q=0.1", false),
            (
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
                true
            ),
            (
                "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
                true
            ),
            ("application/openmetrics-text;version=1.0.0;q=0.2,text/plain;q=0.9", false),
            ("*/*", false),
        ] as [(String?, Bool)])
    func acceptNegotiation(accept: String?, openMetrics: Bool) {
        #expect((AcceptNegotiation.format(forAccept: accept) == .openMetrics) == openMetrics)
    }
}
