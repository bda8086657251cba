import Foundation
import HTTPClient
import Logging
import MetricsServer
import Model
import Readers
import TestSupport
import Testing

@testable import Config
@testable import Grid

@Suite struct CarbonIntensityServiceTests {
    /// 2026-11-22T11:10Z, inside the first half-hour of the recorded GB responses.
    static let inFirstPeriod = 1_795_345_800.0

    static func service(
        _ configuration: Configuration, clock: ManualClock, jitter: Double = 0
    ) throws -> CarbonIntensityService {
        try CarbonIntensityService(
            configuration: configuration, fetcher: TestStack.fetcher, clock: clock, logger: Logger(label: "test"),
            jitter: { jitter })
    }

    static func tokenFile() throws -> String {
        let path = "\(try TestStack.temporaryDirectory())/token"
        try "secret-token\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func lastGoodValueUntilMaxAgeThenFallback() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/intensity", .fixture("carbon-intensity-uk/intensity_current.json"))
        var configuration = Configuration()
        configuration.carbonIntensity.uk.url = upstream.baseURL
        configuration.carbonIntensity.maxAge = 3_600
        configuration.carbonIntensity.fallbackGramsPerKilowattHour = 300
        let clock = ManualClock()
        let service = try Self.service(configuration, clock: clock)
        // Before any answer: the fallback, flagged.
        #expect(service.current(region: "GB").fallback)
        #expect(service.current(region: "GB").value.value == 300)

        service.refresh()
        #expect(
            service.current() == [
                .init(value: GramsPerKilowattHour(176), provider: "uk", region: "GB", ageSeconds: 0, fallback: false)
            ])
        #expect(service.sourceStatus().up)

        let replies: [FakeUpstream.Reply] = [
            .status(500, "down"), .ok("garbage"),
            .ok(#"{"data":[{"from":"a","to":"b","intensity":{"actual":99999}}]}"#, contentType: "application/json"),
        ]
        for reply in replies {
            upstream.route("/intensity", reply)
            clock.advance(by: 600)
            service.refresh()
            #expect(service.current(region: "GB").value.value == 176)
            #expect(!service.current(region: "GB").fallback)
            #expect(!service.sourceStatus().up)
        }
        #expect(service.sourceStatus().errors == 3)

        clock.advance(by: 1_801) // last good value now older than max_age
        let expired = service.current(region: "GB")
        #expect(expired.fallback)
        #expect(expired.provider == "uk")
        #expect(expired.value.value == 300)
        #expect(expired.ageSeconds == 3_601)

        upstream.route("/intensity", .fixture("carbon-intensity-uk/intensity_current.json"))
        clock.advance(by: 3_600) // past any backoff
        service.refresh()
        #expect(!service.current(region: "GB").fallback)
        #expect(service.sourceStatus().up)
    }

    @Test func staticValueNeverAsksAnyone() throws {
        var configuration = Configuration()
        configuration.carbonIntensity.provider = .static
        configuration.carbonIntensity.staticGramsPerKilowattHour = 123
        let service = try Self.service(configuration, clock: ManualClock())
        #expect(!service.needsRefresh)
        #expect(
            service.current() == [
                .init(
                    value: GramsPerKilowattHour(123), provider: "static", region: "default", ageSeconds: 0,
                    fallback: false)
            ])
    }

    /// uk, then electricitymaps, then static: the first with a fresh value supplies it and says so.
    @Test func failoverFollowsTheChainWithProvenance() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/intensity", .status(500, "down"))
        upstream.route("/v3/carbon-intensity/latest", .fixture("electricitymaps/latest_DE.json"))
        var configuration = Configuration()
        configuration.carbonIntensity.providers = [.uk, .electricitymaps, .static]
        configuration.carbonIntensity.uk.url = upstream.baseURL
        configuration.carbonIntensity.electricityMaps = .init(
            url: upstream.url("/v3"), zone: "DE", tokenFile: try Self.tokenFile())
        configuration.carbonIntensity.staticGramsPerKilowattHour = 222
        configuration.carbonIntensity.refresh = 300
        configuration.carbonIntensity.maxAge = 900
        let clock = ManualClock(Self.inFirstPeriod)
        let service = try Self.service(configuration, clock: clock)
        #expect(service.current(region: "GB").provider == "static") // nothing asked yet: static is always fresh

        service.refresh()
        var inForce = service.current(region: "GB")
        #expect(inForce.provider == "electricitymaps")
        #expect(inForce.value.value == 302)
        #expect(!inForce.fallback)
        let mapsRequest = try #require(upstream.requests(to: "/v3/carbon-intensity/latest").first)
        #expect(mapsRequest.header("auth-token") == "secret-token")
        #expect(mapsRequest.query["zone"] == "DE")

        // Both down: Electricity Maps' value stays in force until max_age, then static takes over.
        upstream.route("/v3/carbon-intensity/latest", .status(503, "busy"))
        clock.advance(by: 600)
        service.refresh()
        #expect(service.current(region: "GB").provider == "electricitymaps")
        clock.advance(by: 600)
        service.refresh()
        inForce = service.current(region: "GB")
        #expect(
            inForce
                == .init(
                    value: GramsPerKilowattHour(222), provider: "static", region: "GB", ageSeconds: 0, fallback: false))

        // uk recovers: it is asked again once its backoff has passed, and wins.
        upstream.route("/intensity", .fixture("carbon-intensity-uk/intensity_current.json"))
        clock.advance(by: 3_600)
        upstream.clearRequests()
        service.refresh()
        #expect(service.current(region: "GB").provider == "uk")
        #expect(upstream.requests(to: "/v3/carbon-intensity/latest").isEmpty, "a fresh first provider ends the walk")
    }

    @Test func chainWithoutStaticFallsBackUnderTheFirstProvidersName() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/v3/carbon-intensity/latest", .fixture("electricitymaps/latest_null.json"))
        var configuration = Configuration()
        configuration.carbonIntensity.providers = [.electricitymaps]
        configuration.carbonIntensity.electricityMaps = .init(
            url: upstream.url("/v3"), zone: "DE", tokenFile: try Self.tokenFile())
        configuration.carbonIntensity.fallbackGramsPerKilowattHour = 400
        let service = try Self.service(configuration, clock: ManualClock())
        service.refresh()
        let inForce = service.current(region: "DE")
        #expect(inForce.region == "DE")
        #expect(inForce.provider == "electricitymaps")
        #expect(inForce.fallback)
        #expect(inForce.value.value == 400)
    }

    @Test(arguments: [("600", 600.0), ("Sun, 22 Nov 2026 11:30:00 GMT", 1_795_347_000 - inFirstPeriod)])
    func rateLimitedProviderWaitsForRetryAfter(retryAfter: String, wait: Double) throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route(
            "/intensity",
            .response(
                ServerResponse(
                    status: 429, headers: [ServerHeader(name: "Retry-After", value: retryAfter)],
                    body: Array("slow down".utf8))))
        var configuration = Configuration()
        configuration.carbonIntensity.uk.url = upstream.baseURL
        configuration.carbonIntensity.refresh = 60
        let clock = ManualClock(Self.inFirstPeriod)
        let service = try Self.service(configuration, clock: clock, jitter: 0)
        service.refresh()
        #expect(upstream.requests(to: "/intensity").count == 1)
        #expect(!service.sourceStatus().up)
        upstream.route("/intensity", .fixture("carbon-intensity-uk/intensity_current.json"))
        // Every minute a refresh: none may ask before the named time, the first one after it does.
        var elapsed = 0.0
        while elapsed + 60 < wait {
            clock.advance(by: 60)
            elapsed += 60
            service.refresh()
            #expect(upstream.requests(to: "/intensity").count == 1, "asked \(elapsed) s after a 429 naming \(wait) s")
        }
        clock.advance(by: wait - elapsed)
        service.refresh()
        #expect(upstream.requests(to: "/intensity").count == 2)
        #expect(service.current(region: "GB").value.value == 176)
    }

    @Test(arguments: [
        (0.0, [150.0, 300, 600, 1_200, 1_800, 1_800]), (0.999_999, [300, 600, 1_200, 2_400, 3_600, 3_600]),
    ])
    func backoffIsExponentialWithJitterAndCapped(jitter: Double, expected: [Double]) throws {
        var configuration = Configuration()
        configuration.carbonIntensity.refresh = 300
        let service = try Self.service(configuration, clock: ManualClock(), jitter: jitter)
        let delays = (1...6).map { service.backoff(failures: $0).rounded() }
        #expect(delays == expected)
    }

    @Test func failedProviderIsNotAskedDuringItsBackoff() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/intensity", .status(500, "down"))
        var configuration = Configuration()
        configuration.carbonIntensity.uk.url = upstream.baseURL
        configuration.carbonIntensity.refresh = 100
        let clock = ManualClock()
        let service = try Self.service(configuration, clock: clock, jitter: 0)
        // Delays with no jitter: 50, 100, 200, 400 s. Refreshing every 50 s asks at 0, 50, 150, 350, 750.
        var askedAt: [Double] = []
        for step in 0..<16 {
            let before = upstream.requests(to: "/intensity").count
            service.refresh()
            if upstream.requests(to: "/intensity").count > before { askedAt.append(Double(step * 50)) }
            clock.advance(by: 50)
        }
        #expect(askedAt == [0, 50, 150, 350, 750])
    }

    /// The backoff never outgrows half of max_age, so a recovered provider is asked while its value would still be
    /// in force: refresh 2 s, max_age 8 s, an outage of 40 s, then the provider is back.
    @Test func recoveredProviderIsUsedWithinMaxAge() throws {
        var configuration = Configuration()
        configuration.carbonIntensity.refresh = 2
        configuration.carbonIntensity.maxAge = 8
        let capped = try Self.service(configuration, clock: ManualClock(), jitter: 0.999_999)
        #expect((1...20).map { capped.backoff(failures: $0) }.allSatisfy { $0 <= 4 })

        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/intensity", .status(500, "down"))
        configuration.carbonIntensity.uk.url = upstream.baseURL
        let clock = ManualClock(Self.inFirstPeriod)
        let service = try Self.service(configuration, clock: clock, jitter: 0.999_999)
        for _ in 0..<20 {
            service.refresh()
            clock.advance(by: 2)
        }
        #expect(service.current(region: "GB").fallback)
        upstream.route("/intensity", .fixture("carbon-intensity-uk/intensity_current.json"))
        var waited = 0.0
        while service.current(region: "GB").fallback && waited < 30 {
            service.refresh()
            if !service.current(region: "GB").fallback { break }
            clock.advance(by: 2)
            waited += 2
        }
        #expect(!service.current(region: "GB").fallback)
        #expect(waited < 8, "the recovered provider's value was used \(waited) s after it came back")
    }

    /// Two regions with the same GB settings and a third elsewhere: one request per provider per refresh.
    @Test func oneRequestPerProviderPerRefresh() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/intensity", .fixture("carbon-intensity-uk/intensity_current.json"))
        upstream.route("/regional/regionid/13", .fixture("carbon-intensity-uk/regional_regionid_13.json"))
        let yaml = """
            carbon_intensity:
              uk: {url: "\(upstream.baseURL)"}
              regions:
                - {name: london, host_pattern: 'ldn-.*', uk: {region_id: 13}}
                - {name: gb-too, match: {site: b}}
                - {name: london-again, match: {site: c}, uk: {region_id: 13}}
            """
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "c.yml")
        let service = try Self.service(configuration, clock: ManualClock(Self.inFirstPeriod))
        service.refresh()
        #expect(upstream.requests(to: "/intensity").count == 1)
        #expect(upstream.requests(to: "/regional/regionid/13").count == 1)
        let values = Dictionary(uniqueKeysWithValues: service.current().map { ($0.region, $0.value.value) })
        #expect(values == ["london": 145, "gb-too": 176, "london-again": 145, "GB": 176])
    }

    @Test func relativeIndexIsUnusableAndNeverAskedAgain() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/login", .fixture("watttime/login.json"))
        upstream.route("/v3/signal-index", .fixture("watttime/signal_index_CAISO_NORTH.json"))
        let password = try Self.tokenFile()
        let yaml = """
            carbon_intensity:
              providers: [watttime, static]
              watttime: {url: "\(upstream.baseURL)", region: CAISO_NORTH, endpoint: signal-index, username: site, password_file: "\(password)"}
              static_grams_per_kwh: 210
            """
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "c.yml")
        let clock = ManualClock(Self.inFirstPeriod)
        let service = try Self.service(configuration, clock: clock)
        service.refresh()
        #expect(service.current(region: "CAISO_NORTH").provider == "static")
        clock.advance(by: 86_400)
        service.refresh()
        #expect(upstream.requests(to: "/v3/signal-index").count == 1)
        let login = try #require(upstream.requests(to: "/login").first)
        #expect(login.header("Authorization") == "Basic \(Data("site:secret-token".utf8).base64EncodedString())")
    }

    @Test func wattTimeForecastConvertsPoundsPerMegawattHour() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/login", .fixture("watttime/login.json"))
        upstream.route("/v3/forecast", .fixture("watttime/forecast_CAISO_NORTH.json"))
        let yaml = """
            carbon_intensity:
              provider: watttime
              watttime: {url: "\(upstream.baseURL)", region: CAISO_NORTH, username: site, password_file: "\(try Self.tokenFile())"}
            """
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "c.yml")
        // 11:07Z: the 11:05 point (815.0 lbs/MWh) is in force.
        let clock = ManualClock(1_795_345_200 + 420)
        let service = try Self.service(configuration, clock: clock)
        service.refresh()
        let inForce = service.current(region: "CAISO_NORTH")
        #expect(inForce.provider == "watttime")
        #expect(abs(inForce.value.value - 815.0 * 0.453592) < 1e-9)
        let request = try #require(upstream.requests(to: "/v3/forecast").first)
        #expect(request.header("Authorization") == "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJmb290cHJpbnQtdGVzdCJ9.")
        #expect(request.query["region"] == "CAISO_NORTH")
        // The token is kept: a second refresh logs in no more.
        clock.advance(by: 300)
        service.refresh()
        #expect(upstream.requests(to: "/login").count == 1)
    }

    @Test func forecastGaugesFromTheNationalForecast() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/intensity/2026-11-22T11:00Z/fw48h", .fixture("carbon-intensity-uk/intensity_fw24h.json"))
        upstream.route(
            "/regional/intensity/2026-11-22T11:00Z/fw48h/regionid/13",
            .fixture("carbon-intensity-uk/regional_fw48h_regionid_13.json"))
        let yaml = """
            carbon_intensity:
              uk: {url: "\(upstream.baseURL)"}
              regions: [{name: london, host_pattern: 'ldn-.*', uk: {region_id: 13}}]
            """
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "c.yml")
        let service = try Self.service(configuration, clock: ManualClock(Self.inFirstPeriod))
        #expect(service.hasForecasts)
        service.refreshForecasts()
        let summaries = Dictionary(uniqueKeysWithValues: service.forecastSummaries().map { ($0.region, $0) })
        let national = try #require(summaries["GB"])
        #expect(national.provider == "uk")
        #expect(national.minimum.value.value == 100)
        #expect(national.minimum.start == UTCDate.parse("2026-11-23T00:30Z"))
        // 48 half-hours from 11:00Z; now is 11:10Z, so the first counts for 20 of its 30 minutes.
        let london = try #require(summaries["london"])
        #expect(london.minimum.value.value == 98)
        #expect(london.minimum.start == UTCDate.parse("2026-11-22T12:30Z"))
        let later: Double = (150 + 120 + 98 + 101 + 160) * 30
        let weighted: Double = (145 * 20 + later) / 170
        #expect(abs(london.mean.value - weighted) < 1e-9)
    }
}
