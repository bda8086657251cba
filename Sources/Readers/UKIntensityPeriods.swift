import Foundation
import HTTPClient
import Model

/// Reads past half-hourly grid carbon intensity from the GB Carbon Intensity API for a time span.
///
/// National: `/intensity/{from}/{to}` (actual when present, else forecast). Regional:
/// `/regional/intensity/{from}/{to}/regionid/{id}` or `…/postcode/{outward code}` (forecast only). The API
/// serves at most 14 days per request, so longer spans are asked in 14-day pieces.
public struct UKIntensityPeriods: Sendable {
    /// The periods read, and those the API listed without a usable value (with why).
    public struct Result: Sendable, Equatable {
        public var periods: [IntensityPeriod]
        public var unusable: [String]
    }

    /// The longest span the API answers in one request.
    public static let maxSpanSeconds = 14.0 * 86_400

    public let baseURL: String
    public let region: UKCarbonIntensityReader.Region
    public let timeoutSeconds: Double
    private let fetcher: any HTTPFetching

    public init(
        baseURL: String, region: UKCarbonIntensityReader.Region, timeoutSeconds: Double = 10, fetcher: any HTTPFetching
    ) {
        self.baseURL = baseURL
        self.region = region
        self.timeoutSeconds = timeoutSeconds
        self.fetcher = fetcher
    }

    /// The request URL for one piece of at most 14 days.
    public func url(from: Double, to: Double) -> String {
        let span = "\(Self.formatTime(from))/\(Self.formatTime(to))"
        let base = baseURL.trimmingTrailingSlash
        switch region {
        case .national: return "\(base)/intensity/\(span)"
        case .regionID(let id): return "\(base)/regional/intensity/\(span)/regionid/\(id)"
        case .postcode(let postcode): return "\(base)/regional/intensity/\(span)/postcode/\(postcode.urlQueryEscaped)"
        }
    }

    /// The pieces `[from, to)` is asked in: whole half-hours, at most 14 days each.
    public static func pieces(from: Double, to: Double) -> [(from: Double, to: Double)] {
        let start = (from / 1_800).rounded(.down) * 1_800
        let end = (to / 1_800).rounded(.up) * 1_800
        var pieces: [(from: Double, to: Double)] = []
        var cursor = start
        while cursor < end {
            let next = min(cursor + maxSpanSeconds, end)
            pieces.append((cursor, next))
            cursor = next
        }
        return pieces
    }

    /// Reads one piece.
    public func read(from: Double, to: Double) throws(ReaderError) -> Result {
        // Fourteen days of half-hours run to a few hundred kilobytes; the limit leaves room for regional answers.
        let body = try IntensityHTTP.getJSON(
            // `now` only dates a 429's Retry-After, which is about the present, not the span asked for.
            url(from: from, to: to), timeoutSeconds: timeoutSeconds, fetcher: fetcher,
            now: Date().timeIntervalSince1970,
            errorMessage: UKCarbonIntensityReader.errorMessage, maxBodyBytes: 16 << 20)
        return try Self.decode(body, region: region)
    }

    static func decode(_ body: [UInt8], region: UKCarbonIntensityReader.Region) throws(ReaderError) -> Result {
        typealias Reader = UKCarbonIntensityReader
        let raw = try Reader.decodePeriods(body, region: region, answer: "response")
        var result = Result(periods: [], unusable: [])
        for period in raw {
            guard let from = Reader.parseTime(period.from), let to = Reader.parseTime(period.to), to > from else {
                result.unusable.append("period \(period.from)–\(period.to): unreadable times")
                continue
            }
            guard let value = period.intensity.actual ?? period.intensity.forecast else {
                result.unusable.append("period \(period.from): neither actual nor forecast")
                continue
            }
            guard CarbonIntensity.isPlausible(value) else {
                result.unusable.append("period \(period.from): \(value) g/kWh out of range")
                continue
            }
            result.periods.append(IntensityPeriod(start: from, end: to, value: GramsPerKilowattHour(value)))
        }
        result.periods.sort { $0.start < $1.start }
        return result
    }

    /// `YYYY-MM-DDThh:mmZ`, the API's documented form (UTC, whole minutes).
    public static func formatTime(_ time: Double) -> String {
        String(UTCDate.format((time / 60).rounded(.down) * 60).dropLast(4)) + "Z"
    }
}
