import HTTPClient
import MetricsServer
import Model
import Readers
import TestSupport
import Testing

@Suite struct UKCarbonIntensityReaderTests {
    func read(
        _ region: UKCarbonIntensityReader.Region, _ reply: FakeUpstream.Reply, path: String, now: Double = 1_795_000_000
    ) throws -> GramsPerKilowattHour {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route(path, reply)
        let reader = UKCarbonIntensityReader(
            baseURL: upstream.baseURL, region: region, timeoutSeconds: 2, fetcher: try CurlHTTPClient(userAgent: "test")
        )
        return try reader.read(now: now)
    }

    /// 2026-11-22T11:10Z, inside the first half-hour of the recorded responses.
    let insideFirstPeriod = 1_795_345_800.0

    @Test func nationalUsesActualWhenPresent() throws {
        let value = try read(.national, .fixture("carbon-intensity-uk/intensity_current.json"), path: "/intensity")
        #expect(value.value == 176)
    }

    @Test func forecastWhenActualIsNull() throws {
        // 11:40Z lies in the second period, whose actual is null.
        let value = try read(
            .national, .fixture("carbon-intensity-uk/intensity_fw24h.json"), path: "/intensity",
            now: insideFirstPeriod + 1_800)
        #expect(value.value == 214)
    }

    @Test func regionalByIDAndPostcode() throws {
        #expect(
            try read(
                .regionID(13), .fixture("carbon-intensity-uk/regional_regionid_13.json"), path: "/regional/regionid/13"
            ).value == 145)
        #expect(
            try read(
                .postcode("RG10"), .fixture("carbon-intensity-uk/regional_postcode_RG10.json"),
                path: "/regional/postcode/RG10"
            ).value == 131)
    }

    @Test func dataAsASingleObject() throws {
        let body =
            #"{"data":{"from":"2026-11-22T11:00Z","to":"2026-11-22T11:30Z","intensity":{"forecast":99,"actual":null,"index":"low"}}}"#
        #expect(try read(.national, .ok(body, contentType: "application/json"), path: "/intensity").value == 99)
        let regional =
            #"{"data":{"regionid":13,"shortname":"London","data":{"from":"a","to":"b","intensity":{"forecast":77,"index":"low"}}}}"#
        #expect(
            try read(.regionID(13), .ok(regional, contentType: "application/json"), path: "/regional/regionid/13").value
                == 77)
    }

    @Test func errorBodyIsReported() throws {
        let error = try #require(throws: ReaderError.self) {
            try read(
                .national,
                .response(ServerResponse(status: 400, body: try Fixture.data("carbon-intensity-uk/error_400.json"))),
                path: "/intensity")
        }
        #expect(error.status == 400)
        #expect(error.description.contains("Please enter a valid date"))
    }

    @Test(arguments: [
        "garbage", "{}", #"{"data":[]}"#,
        #"{"data":[{"from":"x","to":"y","intensity":{"forecast":null,"actual":null}}]}"#,
    ])
    func garbageIsAnError(body: String) throws {
        #expect(throws: ReaderError.self) {
            try read(.national, .ok(body, contentType: "application/json"), path: "/intensity")
        }
    }

    @Test(arguments: [-5.0, 5_000.0])
    func outOfRangeValuesAreRejected(value: Double) throws {
        let body =
            #"{"data":[{"from":"2026-11-22T11:00Z","to":"2026-11-22T11:30Z","intensity":{"forecast":1,"actual":\#(value)}}]}"#
        let error = try #require(throws: ReaderError.self) {
            try read(.national, .ok(body, contentType: "application/json"), path: "/intensity")
        }
        #expect(error.isOutOfRange)
    }

    @Test func serverErrorIsAnError() throws {
        let error = try #require(throws: ReaderError.self) {
            try read(.national, .status(500, "boom"), path: "/intensity")
        }
        #expect(error.status == 500)
    }
}
