@testable import App
import HTTPClient
import Logging
import MetricsServer
import Model
import TestSupport
import Testing

@Suite struct CarbonIntensityServiceTests {
    @Test func lastGoodValueUntilMaxAgeThenFallback() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/intensity", .fixture("carbon-intensity-uk/intensity_current.json"))
        var settings = Configuration.CarbonIntensity()
        settings.uk.url = upstream.baseURL
        settings.maxAge = 3_600
        settings.fallbackGramsPerKilowattHour = 300
        let clock = ManualClock()
        let service = CarbonIntensityService(
            settings: settings, region: "GB", fetcher: try CurlHTTPClient(userAgent: "test"), clock: clock,
            logger: Logger(label: "test")
        )
        // Before any answer: the fallback, flagged.
        #expect(service.current().fallback)
        #expect(service.current().value.value == 300)

        service.refresh()
        #expect(service.current() == .init(value: GramsPerKilowattHour(176), provider: "uk", region: "GB", ageSeconds: 0, fallback: false))
        #expect(service.sourceStatus().up)

        for reply: FakeUpstream.Reply in [.status(500, "down"), .ok("garbage"), .ok(#"{"data":[{"from":"a","to":"b","intensity":{"actual":99999}}]}"#)] {
            upstream.route("/intensity", reply)
            clock.advance(by: 600)
            service.refresh()
            #expect(service.current().value.value == 176)
            #expect(!service.current().fallback)
            #expect(!service.sourceStatus().up)
        }
        #expect(service.sourceStatus().errors == 3)

        clock.advance(by: 1_801)  // last good value now older than max_age
        let expired = service.current()
        #expect(expired.fallback)
        #expect(expired.value.value == 300)
        #expect(expired.ageSeconds == 3_601)

        upstream.route("/intensity", .fixture("carbon-intensity-uk/intensity_current.json"))
        service.refresh()
        #expect(!service.current().fallback)
        #expect(service.sourceStatus().up)
    }

    @Test func staticValueNeverAsksAnyone() throws {
        var settings = Configuration.CarbonIntensity()
        settings.provider = .static
        settings.staticGramsPerKilowattHour = 123
        let service = CarbonIntensityService(
            settings: settings, region: "default", fetcher: try CurlHTTPClient(userAgent: "test"), clock: ManualClock(),
            logger: Logger(label: "test")
        )
        #expect(!service.needsRefresh)
        #expect(service.current() == .init(value: GramsPerKilowattHour(123), provider: "static", region: "default", ageSeconds: 0, fallback: false))
    }
}
