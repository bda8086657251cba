import Foundation
import HTTPClient
import MetricsServer
import Model
import Readers
import Synchronization
import TestSupport
import Testing

@Suite struct GridProviderReaderTests {
    static let fetcher: CurlHTTPClient = {
        do { return try CurlHTTPClient(userAgent: "test") } catch { fatalError("curl: \(error)") }
    }()

    /// 2026-11-22T11:10Z.
    static let now = 1_795_345_800.0

    static func json(_ text: String, status: Int = 200, headers: [ServerHeader] = []) -> FakeUpstream.Reply {
        .response(
            ServerResponse(
                status: status, headers: [ServerHeader(name: "Content-Type", value: "application/json")] + headers,
                body: Array(text.utf8)))
    }

    func maps(
        _ reply: FakeUpstream.Reply, endpoint: ElectricityMapsReader.Endpoint = .latest, timeout: Double = 2
    ) throws -> Result<GramsPerKilowattHour, ReaderError> {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route("/v3/carbon-intensity/\(endpoint.rawValue)", reply)
        let reader = ElectricityMapsReader(
            baseURL: upstream.url("/v3/"), zone: "DE", endpoint: endpoint, token: "t0ken", timeoutSeconds: timeout,
            fetcher: Self.fetcher)
        let result = Result { () throws(ReaderError) in try reader.read(now: Self.now) }
        let request = upstream.requests.first
        #expect(request?.header("auth-token") == "t0ken")
        #expect(request?.query["zone"] == "DE")
        return result
    }

    @Test func electricityMapsLatestAndHistory() throws {
        #expect(try maps(.fixture("electricitymaps/latest_DE.json")).get().value == 302)
        // The newest history point with a value: 10:00Z (11:00Z is null).
        #expect(try maps(.fixture("electricitymaps/history_DE.json"), endpoint: .history).get().value == 309)
    }

    @Test func electricityMapsNullIsNoData() throws {
        let error = try #require(throws: ReaderError.self) {
            try maps(.fixture("electricitymaps/latest_null.json")).get()
        }
        #expect(error.isNoData)
    }

    @Test func electricityMapsErrorsAreReported() throws {
        let unauthorized = try #require(throws: ReaderError.self) {
            try maps(.response(ServerResponse(status: 401, body: try Fixture.data("electricitymaps/error_401.json"))))
                .get()
        }
        #expect(unauthorized.status == 401)
        #expect(unauthorized.description.contains("Invalid authentication token"))
        let html = try #require(throws: ReaderError.self) {
            try maps(.ok("<html>portal</html>", contentType: "text/html")).get()
        }
        #expect(html.isMalformed)
        #expect(html.description.contains("text/html"))
        let garbage = try #require(throws: ReaderError.self) {
            try maps(Self.json(#"{"zone":"DE","carbonIntensity":"high"}"#)).get()
        }
        #expect(garbage.isMalformed)
        let outOfRange = try #require(throws: ReaderError.self) {
            try maps(Self.json(#"{"zone":"DE","carbonIntensity":-4}"#)).get()
        }
        #expect(outOfRange.isOutOfRange)
    }

    @Test(
        arguments: [("120", now + 120), ("Sun, 22 Nov 2026 12:00:00 GMT", 1_795_348_800), ("soon", nil)]
            as [(String, Double?)])
    func rateLimitedCarriesRetryAfter(value: String, retryAt: Double?) throws {
        let reply = Self.json(
            #"{"error":"Too many requests"}"#, status: 429, headers: [ServerHeader(name: "Retry-After", value: value)])
        let error = try #require(throws: ReaderError.self) { try maps(reply).get() }
        #expect(error.isRateLimited)
        #expect(error.status == 429)
        #expect(error.retryAt == retryAt)
    }

    @Test func slowAnswerTimesOut() throws {
        let started = Date()
        let error = try #require(throws: ReaderError.self) {
            try maps(.delay(3, then: .fixture("electricitymaps/latest_DE.json")), timeout: 0.5).get()
        }
        #expect(error.isTransport)
        #expect(Date().timeIntervalSince(started) < 2.5)
    }

    func wattTime(
        _ reply: FakeUpstream.Reply, path: String = "/v3/forecast", now: Double = 1_795_345_200 + 420
    ) throws -> (Result<GramsPerKilowattHour, ReaderError>, FakeUpstream) {
        let upstream = try FakeUpstream()
        upstream.route("/login", .fixture("watttime/login.json"))
        upstream.route(path, reply)
        let reader = WattTimeReader(
            baseURL: upstream.baseURL, region: "CAISO_NORTH", path: path, username: "u", password: "p",
            timeoutSeconds: 2, fetcher: Self.fetcher)
        return (Result { () throws(ReaderError) in try reader.read(now: now) }, upstream)
    }

    @Test func wattTimePoundsConvertAndIndexIsUnusable() throws {
        let (pounds, first) = try wattTime(.fixture("watttime/forecast_CAISO_NORTH.json"))
        first.stop()
        #expect(abs(try pounds.get().value - 815.0 * 0.453592) < 1e-9)
        let (index, second) = try wattTime(.fixture("watttime/signal_index_CAISO_NORTH.json"), path: "/v3/signal-index")
        second.stop()
        let error = try #require(throws: ReaderError.self) { try index.get() }
        #expect(error.isUnusable)
        #expect(error.description.contains("percent"))
        let kilograms =
            #"{"data":[{"point_time":"2026-11-22T11:00:00Z","value":312}],"meta":{"units":"kg_co2_per_mwh","data_point_period_seconds":300}}"#
        let (kg, third) = try wattTime(Self.json(kilograms))
        third.stop()
        #expect(try kg.get().value == 312)
    }

    @Test func wattTimeLogsInAgainOnUnauthorized() throws {
        let calls = Counter()
        let reply = FakeUpstream.Reply.handler { _ in
            // The first data request is refused, as with an expired token; the retry after a new login succeeds.
            if calls.next() == 1 { return ServerResponse(status: 401, body: Array("expired".utf8)) }
            return ServerResponse(
                status: 200, headers: [ServerHeader(name: "Content-Type", value: "application/json")],
                body: (try? Fixture.data("watttime/forecast_CAISO_NORTH.json")) ?? [])
        }
        let (result, upstream) = try wattTime(reply)
        defer { upstream.stop() }
        #expect(try result.get().value > 0)
        #expect(upstream.requests(to: "/login").count == 2)
    }

    func fileReader(_ fixture: String) throws -> IntensityFileReader {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "grid-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/\(URL(fileURLWithPath: fixture).lastPathComponent)"
        try Data(try Fixture.data(fixture)).write(to: URL(fileURLWithPath: path))
        return IntensityFileReader(path: path)
    }

    @Test func siteFileCSVHourly() throws {
        let reader = try fileReader("intensity-file/site_hourly.csv")
        #expect(try reader.read(now: Self.now).value == 150) // 11:00-12:00
        // 12:00-13:00 has no value: a gap, so no data.
        #expect(throws: ReaderError.self) { try reader.read(now: Self.now + 3_600) }
        #expect(try reader.read(now: Self.now + 2 * 3_600).value == 90)
        let slots = IntensityForecast(periods: try reader.forecast(now: Self.now)).slots
        #expect(slots.map(\.value.value) == [150, 150, 90, 90, 110, 110])
    }

    @Test func siteFileJSONHalfHourlyAndReReadOnChange() throws {
        let reader = try fileReader("intensity-file/site_halfhourly.json")
        #expect(try reader.read(now: Self.now).value == 140)
        #expect(try reader.read(now: Self.now + 1_800).value == 120)
        #expect(try reader.read(now: Self.now + 3_600).value == 100) // given as Unix seconds
        let changed = #"[{"start":"2026-11-22T11:00Z","end":"2026-11-22T12:00Z","grams_per_kwh":77.5}]"#
        try changed.write(toFile: reader.path, atomically: true, encoding: .utf8)
        #expect(try reader.read(now: Self.now).value == 77.5)
    }

    @Test(arguments: [
        ("start,grams_per_kwh\n2026-11-22T11:00Z,100\nyesterday,5\n", ":3: \"yesterday\" is not a time"),
        ("2026-11-22T11:00Z,abc\n2026-11-22T11:30Z,5\n", ":1: \"abc\" is not a number"),
        ("2026-11-22T11:00Z,100\n2026-11-22T11:20Z,90\n", "not 30 or 60 minutes"),
        ("2026-11-22T11:00Z,100\n", "not 30 or 60 minutes"),
        ("2026-11-22T11:00Z,5000,2026-11-22T12:00Z\n", "5000"),
    ])
    func badSiteFilesAreErrorsWithTheirLine(csv: String, expected: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "grid-\(UUID().uuidString.prefix(8)).csv"
        ).path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: ReaderError.self) { try IntensityFileReader(path: path).read(now: Self.now) }
        #expect(error.description.contains(expected), "\(error)")
    }

    @Test func ukRegionalForecastWithDataAsAnObject() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route(
            "/regional/intensity/2026-11-22T11:00Z/fw48h/regionid/13",
            .fixture("carbon-intensity-uk/regional_fw48h_regionid_13.json"))
        upstream.route(
            "/regional/intensity/2026-11-22T11:00Z/fw48h/postcode/RG10",
            .fixture("carbon-intensity-uk/regional_postcode_RG10.json"))
        upstream.route("/intensity/2026-11-22T11:00Z/fw48h", .fixture("carbon-intensity-uk/intensity_fw24h.json"))
        func reader(_ region: UKCarbonIntensityReader.Region) -> UKCarbonIntensityReader {
            UKCarbonIntensityReader(baseURL: upstream.baseURL, region: region, timeoutSeconds: 2, fetcher: Self.fetcher)
        }
        #expect(try reader(.regionID(13)).forecast(now: Self.now).map(\.value.value) == [145, 150, 120, 98, 101, 160])
        #expect(try reader(.postcode("RG10")).forecast(now: Self.now).first?.value.value == 131)
        let national = try reader(.national).forecast(now: Self.now)
        #expect(national.count == 48)
        #expect(national[0].value.value == 210) // the forecast, not the actual, for a forecast
    }

    @Test(
        arguments: [
            ("2026-11-22T11:00Z", 1_795_345_200.0), ("2026-11-22T11:00:00.350Z", 1_795_345_200.35),
            ("2026-11-22T12:00:00+01:00", 1_795_345_200), ("2026-11-22 11:00:00-00:30", 1_795_347_000),
            ("2026-11-22T11:00", nil),
            ("2026-13-01T00:00Z", nil), ("x", nil),
        ] as [(String, Double?)])
    func isoTimes(text: String, seconds: Double?) {
        let parsed = UTCDate.parse(text)
        if let seconds { #expect(abs((parsed ?? 0) - seconds) < 1e-6) } else { #expect(parsed == nil) }
    }

    @Test func isoMinutesRoundTrips() {
        for time in stride(from: 0.0, to: 4_000_000_000, by: 86_399_940) {
            #expect(UTCDate.parse(UTCDate.formatMinutes(time)) == (time / 60).rounded(.down) * 60)
        }
    }
}

/// A thread-safe call counter for handler replies.
private final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}
