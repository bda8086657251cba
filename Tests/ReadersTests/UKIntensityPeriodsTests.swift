import HTTPClient
import Model
import Readers
import TestSupport
import Testing

@Suite struct UKIntensityPeriodsTests {
    static let day = Double(UTCDate.days(year: 2026, month: 11, day: 21)) * 86_400

    func reader(
        _ upstream: FakeUpstream, _ region: UKCarbonIntensityReader.Region = .national
    ) throws -> UKIntensityPeriods {
        UKIntensityPeriods(
            baseURL: upstream.baseURL, region: region, timeoutSeconds: 2, fetcher: try CurlHTTPClient(userAgent: "test")
        )
    }

    @Test func nationalRangeFromTheRecordedDay() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route(
            "/intensity/2026-11-21T00:00Z/2026-11-22T00:00Z",
            .fixture("carbon-intensity-uk/intensity_range_2026-11-21.json"))
        let result = try reader(upstream).read(from: Self.day, to: Self.day + 86_400)
        #expect(result.periods.count == 48)
        #expect(result.unusable.isEmpty)
        #expect(
            result.periods.first
                == IntensityPeriod(start: Self.day, end: Self.day + 1_800, value: GramsPerKilowattHour(145)))
        #expect(result.periods.last?.end == Self.day + 86_400)
        #expect(zip(result.periods, result.periods.dropFirst()).allSatisfy { $0.end == $1.start })
    }

    @Test func regionalPathsAndNestedData() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        // The regional range answer nests the periods in one region object (an object, not an array, as seen in the wild).
        let body = #"""
            {"data":{"regionid":13,"shortname":"London","data":[
              {"from":"2026-11-21T00:00Z","to":"2026-11-21T00:30Z","intensity":{"forecast":120,"index":"low"}},
              {"from":"2026-11-21T00:30Z","to":"2026-11-21T01:00Z","intensity":{"forecast":null,"index":"low"}},
              {"from":"2026-11-21T01:00Z","to":"2026-11-21T01:30Z","intensity":{"forecast":5000,"index":"high"}}]}}
            """#
        upstream.route(
            "/regional/intensity/2026-11-21T00:00Z/2026-11-21T01:30Z/regionid/13",
            .ok(body, contentType: "application/json"))
        let result = try reader(upstream, .regionID(13)).read(from: Self.day, to: Self.day + 5_400)
        #expect(result.periods.map(\.value.value) == [120])
        #expect(result.unusable.count == 2)
        #expect(
            try reader(upstream, .postcode("RG10")).url(from: Self.day, to: Self.day + 1_800)
                == upstream.baseURL + "/regional/intensity/2026-11-21T00:00Z/2026-11-21T00:30Z/postcode/RG10")
    }

    @Test func errorsAreReaderErrors() throws {
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        upstream.route(
            "/intensity/2026-11-21T00:00Z/2026-11-21T00:30Z",
            .status(400, #"{"error":{"code":"400 Bad Request","message":"Please enter a valid date range"}}"#))
        #expect(throws: ReaderError.self) { try reader(upstream).read(from: Self.day, to: Self.day + 1_800) }
        upstream.route("/intensity/2026-11-21T00:00Z/2026-11-21T01:00Z", .ok("not json"))
        #expect(throws: ReaderError.self) { try reader(upstream).read(from: Self.day, to: Self.day + 3_600) }
    }

    @Test func longSpansGoInFourteenDayPiecesOfWholeHalfHours() {
        let pieces = UKIntensityPeriods.pieces(from: Self.day + 100, to: Self.day + 30 * 86_400 + 100)
        #expect(pieces.count == 3)
        #expect(pieces.first?.from == Self.day)
        #expect(pieces.last?.to == Self.day + 30 * 86_400 + 1_800)
        #expect(pieces.allSatisfy { $0.to - $0.from <= UKIntensityPeriods.maxSpanSeconds })
        #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.to == $1.from })
        #expect(UKIntensityPeriods.formatTime(Self.day + 3_600 + 59) == "2026-11-21T01:00Z")
    }
}
