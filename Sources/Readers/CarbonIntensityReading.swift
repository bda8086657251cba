import Model

/// A provider of the current grid carbon intensity (one HTTP request per call at most).
///
/// Implementations may be called from any thread; they block until the answer or the timeout.
public protocol CarbonIntensityReading: Sendable {
    /// Where the value comes from, for logs (no credentials in it).
    var url: String { get }
    /// The intensity in force at `now`, in g/kWh.
    func read(now: Double) throws(ReaderError) -> GramsPerKilowattHour
}

/// A provider that also publishes the intensity expected for the coming hours.
public protocol CarbonIntensityForecasting: Sendable {
    /// The periods from about `now` onwards, sorted by start.
    func forecast(now: Double) throws(ReaderError) -> [IntensityPeriod]
}
