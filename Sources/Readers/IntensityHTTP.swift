import HTTPClient
import Model

/// The HTTP exchange every carbon-intensity reader shares: one GET for JSON, status and content type checked,
/// HTTP 429 turned into `rateLimited` with the time `Retry-After` names.
enum IntensityHTTP {
    static func getJSON(
        _ url: String,
        headers: [HTTPHeader] = [],
        timeoutSeconds: Double,
        fetcher: any HTTPFetching,
        now: Double,
        errorMessage: ([UInt8]) -> String = { String(decoding: $0.prefix(200), as: UTF8.self) },
        maxBodyBytes: Int = 4 << 20
    ) throws(ReaderError) -> [UInt8] {
        let request = HTTPRequest(
            url: url,
            headers: [HTTPHeader(name: "Accept", value: "application/json")] + headers,
            timeoutSeconds: timeoutSeconds,
            maxBodyBytes: maxBodyBytes
        )
        let response: HTTPResponse
        do {
            response = try fetcher.fetch(request)
        } catch {
            throw .transport(error)
        }
        if response.status == 429 {
            let retryAt = response.header("Retry-After").flatMap { retryAfter($0, now: now) }
            throw .rateLimited(retryAt: retryAt, "\(url): \(errorMessage(response.body))")
        }
        guard response.isSuccess else {
            throw .badStatus(response.status, "\(url): \(errorMessage(response.body))")
        }
        // A captive portal or proxy error page comes back 200 with HTML; say so instead of a JSON error.
        if let type = response.contentType?.lowercased(), !type.contains("json") {
            throw .malformed("\(url): expected JSON, got content type \(type)")
        }
        return response.body
    }

    /// The time a `Retry-After` value names: delay seconds or an HTTP-date.
    static func retryAfter(_ value: String, now: Double) -> Double? {
        let text = value.trimmingSpaces
        if let seconds = Int(text), seconds >= 0 { return now + Double(seconds) }
        return parseHTTPDate(text)
    }
}

extension IntensityHTTP {
    /// Parses an HTTP-date in the IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 5.6.7).
    static func parseHTTPDate(_ text: String) -> Double? {
        let parts = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT", let day = Int(parts[1]),
            let monthIndex = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...31).contains(day), clock[0] < 24, clock[1] < 60, clock[2] < 61 else { return nil }
        let days = UTCDate.days(year: year, month: monthIndex + 1, day: day)
        return Double(days * 86_400 + clock[0] * 3_600 + clock[1] * 60 + clock[2])
    }
}
