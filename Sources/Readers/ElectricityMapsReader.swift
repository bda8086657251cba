import Foundation
import HTTPClient
import Model

/// Reads a zone's carbon intensity from the Electricity Maps API (v3), authenticated with the `auth-token`
/// header.
///
/// `latest` (`/carbon-intensity/latest?zone=`) answers one point; `history` (`/carbon-intensity/history?zone=`)
/// the last 24 hourly points, of which the newest with a value at or before now is used. A point's
/// `carbonIntensity` may be null (not yet estimated): that is `noData`, so a failover chain moves on.
public struct ElectricityMapsReader: CarbonIntensityReading {
    public enum Endpoint: String, Sendable, Equatable, CaseIterable {
        case latest
        case history
    }

    public let baseURL: String
    public let zone: String
    public let endpoint: Endpoint
    public let timeoutSeconds: Double
    private let token: String?
    private let fetcher: any HTTPFetching

    public init(
        baseURL: String, zone: String, endpoint: Endpoint = .latest, token: String?, timeoutSeconds: Double = 10,
        fetcher: any HTTPFetching
    ) {
        self.baseURL = baseURL
        self.zone = zone
        self.endpoint = endpoint
        self.token = token
        self.timeoutSeconds = timeoutSeconds
        self.fetcher = fetcher
    }

    public var url: String {
        "\(baseURL.trimmingTrailingSlash)/carbon-intensity/\(endpoint.rawValue)?zone=\(zone.urlQueryEscaped)"
    }

    public func read(now: Double) throws(ReaderError) -> GramsPerKilowattHour {
        let headers = token.map { [HTTPHeader(name: "auth-token", value: $0)] } ?? []
        let body = try IntensityHTTP.getJSON(
            url, headers: headers, timeoutSeconds: timeoutSeconds, fetcher: fetcher, now: now,
            errorMessage: Self.errorMessage)
        switch endpoint {
        case .latest: return try Self.decodeLatest(body)
        case .history: return try Self.decodeHistory(body, now: now)
        }
    }

    struct Point: Decodable {
        var carbonIntensity: Double?
        var datetime: String?
    }

    struct History: Decodable {
        var history: [Point]
    }

    static func decodeLatest(_ body: [UInt8]) throws(ReaderError) -> GramsPerKilowattHour {
        let point: Point
        do {
            point = try JSONDecoder().decode(Point.self, from: Data(body))
        } catch {
            throw .malformed(
                "not an Electricity Maps carbon-intensity answer: \(String(describing: error).prefix(300))")
        }
        guard let value = point.carbonIntensity else {
            throw .noData("carbonIntensity is null for \(point.datetime ?? "the latest point")")
        }
        return try checked(value, point.datetime)
    }

    static func decodeHistory(_ body: [UInt8], now: Double) throws(ReaderError) -> GramsPerKilowattHour {
        let history: History
        do {
            history = try JSONDecoder().decode(History.self, from: Data(body))
        } catch {
            throw .malformed("not an Electricity Maps history answer: \(String(describing: error).prefix(300))")
        }
        let usable = history.history.compactMap { point -> (time: Double, value: Double)? in
            guard let value = point.carbonIntensity, let text = point.datetime, let time = UTCDate.parse(text),
                time <= now
            else { return nil }
            return (time, value)
        }
        guard let newest = usable.max(by: { $0.time < $1.time }) else { throw .noData("no history point with a value") }
        return try checked(newest.value, UTCDate.formatMinutes(newest.time))
    }

    private static func checked(_ value: Double, _ when: String?) throws(ReaderError) -> GramsPerKilowattHour {
        guard CarbonIntensity.isPlausible(value) else {
            throw .outOfRange("\(value) g/kWh for \(when ?? "the latest point")")
        }
        return GramsPerKilowattHour(value)
    }

    /// Error answers carry `{"error": "..."}` or `{"message": "..."}`; the text is shown either way.
    static func errorMessage(_ body: [UInt8]) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            if let text = object["error"] as? String ?? object["message"] as? String { return text }
        }
        return String(decoding: body.prefix(200), as: UTF8.self)
    }
}
