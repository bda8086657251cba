import Foundation
import Model

/// The GB API's 48-hour forecast: national `/intensity/{from}/fw48h`, regional
/// `/regional/intensity/{from}/fw48h/regionid/{id}` and `.../postcode/{outward}`.
///
/// The regional answer's `data` has been seen both as a list and as a single object, so it is decoded as
/// either (the same `OneOrMany` the current-value decoding uses).
extension UKCarbonIntensityReader: CarbonIntensityForecasting {
    /// The forecast URL for the half-hour containing `now`.
    public func forecastURL(now: Double) -> String {
        let from = UTCDate.formatMinutes((now / 1_800).rounded(.down) * 1_800)
        let base = baseURL.trimmingTrailingSlash
        switch region {
        case .national: return "\(base)/intensity/\(from)/fw48h"
        case .regionID(let id): return "\(base)/regional/intensity/\(from)/fw48h/regionid/\(id)"
        case .postcode(let postcode):
            return "\(base)/regional/intensity/\(from)/fw48h/postcode/\(postcode.urlQueryEscaped)"
        }
    }

    public func forecast(now: Double) throws(ReaderError) -> [IntensityPeriod] {
        let body = try IntensityHTTP.getJSON(
            forecastURL(now: now), timeoutSeconds: timeoutSeconds, fetcher: fetcher, now: now,
            errorMessage: Self.errorMessage)
        return try Self.decodeForecast(body, region: region)
    }

    /// Every period with a usable value: the forecast, else the (estimated) actual. Periods with neither or
    /// with an implausible value are left out; an answer with none left is `noData`.
    static func decodeForecast(_ body: [UInt8], region: Region) throws(ReaderError) -> [IntensityPeriod] {
        let periods = try decodePeriods(body, region: region, answer: "forecast")
        let result = periods.compactMap { period -> IntensityPeriod? in
            guard let start = parseTime(period.from), let end = parseTime(period.to), end > start,
                let value = period.intensity.forecast ?? period.intensity.actual, CarbonIntensity.isPlausible(value)
            else { return nil }
            return IntensityPeriod(start: start, end: end, value: GramsPerKilowattHour(value))
        }
        guard !result.isEmpty else { throw .noData("no usable periods in the forecast") }
        return result.sorted { $0.start < $1.start }
    }
}
