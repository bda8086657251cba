import Foundation
import HTTPClient
import Model

/// Reads the current grid carbon intensity from the GB Carbon Intensity API (national, region id or postcode).
///
/// National answers carry `actual` (an estimate; null for periods not yet closed) and `forecast`; the value
/// used is `actual` when present, else `forecast`. Regional answers only have `forecast`. `data` is decoded
/// as an array or a single object, since the API returns both for the same kind of request.
public struct UKCarbonIntensityReader: CarbonIntensityReading {
    public enum Region: Sendable, Equatable, CustomStringConvertible {
        case national
        case regionID(Int)
        case postcode(String)

        /// The `grid_region` label value.
        public var description: String {
            switch self {
            case .national: "GB"
            case .regionID(let id): "GB-\(id)"
            case .postcode(let postcode): "GB-\(postcode)"
            }
        }

        var path: String {
            switch self {
            case .national: "/intensity"
            case .regionID(let id): "/regional/regionid/\(id)"
            case .postcode(let postcode): "/regional/postcode/\(postcode.urlQueryEscaped)"
            }
        }
    }

    public let baseURL: String
    public let region: Region
    public let timeoutSeconds: Double
    let fetcher: any HTTPFetching

    public init(baseURL: String, region: Region, timeoutSeconds: Double = 10, fetcher: any HTTPFetching) {
        self.baseURL = baseURL
        self.region = region
        self.timeoutSeconds = timeoutSeconds
        self.fetcher = fetcher
    }

    public var url: String { baseURL.trimmingTrailingSlash + region.path }

    /// The intensity of the half-hour containing `now` (or the first period given), in g/kWh.
    public func read(now: Double) throws(ReaderError) -> GramsPerKilowattHour {
        let body = try IntensityHTTP.getJSON(
            url, timeoutSeconds: timeoutSeconds, fetcher: fetcher, now: now, errorMessage: Self.errorMessage)
        return try Self.decode(body, region: region, now: now)
    }

    static func decode(_ body: [UInt8], region: Region, now: Double) throws(ReaderError) -> GramsPerKilowattHour {
        let periods = try decodePeriods(body, region: region, answer: "response")
        guard !periods.isEmpty else { throw .noData("no periods in the response") }
        let current =
            periods.first { period in
                guard let from = parseTime(period.from), let to = parseTime(period.to) else { return false }
                return from <= now && now < to
            } ?? periods[0]
        guard let value = current.intensity.actual ?? current.intensity.forecast else {
            throw .noData("period \(current.from) has neither actual nor forecast")
        }
        guard CarbonIntensity.isPlausible(value) else {
            throw .outOfRange("\(value) g/kWh for \(current.from)")
        }
        return GramsPerKilowattHour(value)
    }

    static func errorMessage(_ body: [UInt8]) -> String {
        if let envelope = try? JSONDecoder().decode(ErrorEnvelope.self, from: Data(body)) {
            return "\(envelope.error.code): \(envelope.error.message)"
        }
        return String(decoding: body.prefix(200), as: UTF8.self)
    }

    /// Parses the API's `YYYY-MM-DDThh:mmZ` (seconds optional) into Unix seconds.
    static func parseTime(_ text: String) -> Double? {
        guard text.hasSuffix("Z") else { return nil }
        return UTCDate.parse(text)
    }

    /// The half-hour periods of a national answer, or of a regional one (which nests them per region).
    /// - Parameter answer: what the body should have been, for the error message.
    static func decodePeriods(_ body: [UInt8], region: Region, answer: String) throws(ReaderError) -> [Period] {
        do {
            switch region {
            case .national:
                return try JSONDecoder().decode(Envelope<Period>.self, from: Data(body)).data.items
            case .regionID, .postcode:
                return try JSONDecoder().decode(Envelope<RegionData>.self, from: Data(body)).data.items.flatMap {
                    $0.data.items
                }
            }
        } catch {
            throw .malformed("not a carbon intensity \(answer): \(String(describing: error).prefix(300))")
        }
    }

    /// A JSON value that is either one object or an array of them.
    struct OneOrMany<Element: Decodable>: Decodable {
        var items: [Element]

        init(from decoder: any Decoder) throws {
            if let many = try? [Element](from: decoder) {
                items = many
            } else {
                items = [try Element(from: decoder)]
            }
        }
    }

    struct Envelope<Element: Decodable>: Decodable {
        var data: OneOrMany<Element>
    }

    struct Period: Decodable {
        struct Intensity: Decodable {
            var forecast: Double?
            var actual: Double?
        }

        var from: String
        var to: String
        var intensity: Intensity
    }

    struct RegionData: Decodable {
        var data: OneOrMany<Period>
    }

    struct ErrorEnvelope: Decodable {
        struct Detail: Decodable {
            var code: String
            var message: String
        }

        var error: Detail
    }
}
