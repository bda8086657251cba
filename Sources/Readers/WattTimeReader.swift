import Foundation
import HTTPClient
import Model
import Synchronization

/// Reads a region's marginal emissions rate from WattTime (v3), logging in with HTTP Basic credentials for a
/// bearer token (kept for 25 of its 30 minutes, renewed once on HTTP 401).
///
/// Only a signal in mass per energy can be used: `meta.units` `lbs_co2_per_mwh` is converted with
/// 1 lb/MWh = 0.453592 g/kWh and `kg_co2_per_mwh` is already g/kWh. `/v3/signal-index` (the free tier's
/// signal) answers a relative index, 0-100 (`percent`): it ranks the present against the region's recent
/// past and has no absolute scale, so it cannot become grams per kWh. Such an answer is `unusable`.
public struct WattTimeReader: CarbonIntensityReading, CarbonIntensityForecasting {
    public let baseURL: String
    public let region: String
    /// The data path, `/v3/forecast` or `/v3/signal-index`.
    public let path: String
    public let timeoutSeconds: Double
    private let username: String
    private let password: String
    private let fetcher: any HTTPFetching
    private let token = TokenCache()

    public init(
        baseURL: String, region: String, path: String = "/v3/forecast", username: String, password: String,
        timeoutSeconds: Double = 10, fetcher: any HTTPFetching
    ) {
        self.baseURL = baseURL
        self.region = region
        self.path = path
        self.username = username
        self.password = password
        self.timeoutSeconds = timeoutSeconds
        self.fetcher = fetcher
    }

    public var url: String {
        "\(baseURL.trimmingTrailingSlash)\(path)?region=\(region.urlQueryEscaped)&signal_type=co2_moer"
    }

    public func read(now: Double) throws(ReaderError) -> GramsPerKilowattHour {
        let signal = try fetchSignal(now: now)
        // The point in force: the newest at or before now; a forecast may start a moment after now.
        if let point = signal.points.last(where: { $0.start <= now })
            ?? signal.points.first.flatMap({ $0.start - now <= signal.period ? $0 : nil })
        {
            return point.value
        }
        throw .noData("no point near now in the answer")
    }

    public func forecast(now: Double) throws(ReaderError) -> [IntensityPeriod] {
        let signal = try fetchSignal(now: now)
        return signal.points.map { IntensityPeriod(start: $0.start, end: $0.start + signal.period, value: $0.value) }
    }

    struct Signal {
        var points: [(start: Double, value: GramsPerKilowattHour)]
        var period: Double
    }

    private func fetchSignal(now: Double) throws(ReaderError) -> Signal {
        var renewed = false
        while true {
            let bearer = try currentToken(now: now, renew: renewed)
            do {
                let body = try IntensityHTTP.getJSON(
                    url, headers: [HTTPHeader(name: "Authorization", value: "Bearer \(bearer)")],
                    timeoutSeconds: timeoutSeconds,
                    fetcher: fetcher, now: now)
                return try Self.decode(body)
            } catch  where error.status == 401 && !renewed {
                renewed = true
            }
        }
    }

    private func currentToken(now: Double, renew: Bool) throws(ReaderError) -> String {
        if !renew, let cached = token.valid(at: now) { return cached }
        let credentials = Data("\(username):\(password)".utf8).base64EncodedString()
        let body = try IntensityHTTP.getJSON(
            "\(baseURL.trimmingTrailingSlash)/login",
            headers: [HTTPHeader(name: "Authorization", value: "Basic \(credentials)")],
            timeoutSeconds: timeoutSeconds, fetcher: fetcher, now: now)
        struct Login: Decodable { var token: String }
        guard let login = try? JSONDecoder().decode(Login.self, from: Data(body)), !login.token.isEmpty else {
            throw .malformed("WattTime login answered no token")
        }
        token.store(login.token, until: now + 25 * 60)
        return login.token
    }

    struct Answer: Decodable {
        struct Point: Decodable {
            var pointTime: String
            var value: Double?
            enum CodingKeys: String, CodingKey {
                case pointTime = "point_time"
                case value
            }
        }
        struct Meta: Decodable {
            var units: String?
            var dataPointPeriodSeconds: Double?
            enum CodingKeys: String, CodingKey {
                case units
                case dataPointPeriodSeconds = "data_point_period_seconds"
            }
        }
        var data: [Point]
        var meta: Meta
    }

    /// Grams per kWh per unit of each convertible `meta.units`.
    static let conversions: [String: Double] = ["lbs_co2_per_mwh": 0.453592, "kg_co2_per_mwh": 1]

    static func decode(_ body: [UInt8]) throws(ReaderError) -> Signal {
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: Data(body))
        } catch {
            throw .malformed("not a WattTime signal answer: \(String(describing: error).prefix(300))")
        }
        let units = answer.meta.units ?? "(none)"
        guard let factor = conversions[units] else {
            throw .unusable("WattTime units \(units) are not a mass per energy (a relative index cannot become g/kWh)")
        }
        var points: [(start: Double, value: GramsPerKilowattHour)] = []
        for point in answer.data {
            guard let value = point.value else { continue }
            guard let start = UTCDate.parse(point.pointTime) else {
                throw .malformed("point_time \(point.pointTime)")
            }
            let grams = value * factor
            guard CarbonIntensity.isPlausible(grams) else {
                throw .outOfRange("\(grams) g/kWh at \(point.pointTime)")
            }
            points.append((start, GramsPerKilowattHour(grams)))
        }
        guard !points.isEmpty else { throw .noData("no points with a value") }
        let period = answer.meta.dataPointPeriodSeconds.flatMap { $0 > 0 ? $0 : nil } ?? 300
        return Signal(points: points.sorted { $0.start < $1.start }, period: period)
    }
}

/// The WattTime bearer token and when to stop using it.
private final class TokenCache: Sendable {
    private let state = Mutex<(token: String, until: Double)?>(nil)

    func valid(at now: Double) -> String? {
        state.withLock { cached in cached.flatMap { now < $0.until ? $0.token : nil } }
    }

    func store(_ token: String, until: Double) {
        state.withLock { $0 = (token, until) }
    }
}
