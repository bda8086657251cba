/// The grid carbon intensity in force at any moment of a report's span: a static value, or half-hourly
/// periods from a provider with a fallback for periods it did not deliver.
public struct IntensityTimeline: Sendable {
    private let constant: GramsPerKilowattHour?
    /// Sorted by start, non-overlapping.
    public let periods: [IntensityPeriod]
    public let fallback: GramsPerKilowattHour

    /// The same value at all times (the static provider).
    public init(constant: GramsPerKilowattHour) {
        self.constant = constant
        self.periods = []
        self.fallback = constant
    }

    /// Provider periods; `fallback` where none covers a moment.
    public init(periods: [IntensityPeriod], fallback: GramsPerKilowattHour) {
        self.constant = nil
        var sorted = periods.sorted { $0.start < $1.start }
        // A later duplicate of the same period (overlapping request pieces) adds nothing.
        sorted = sorted.enumerated().filter { index, period in index == 0 || period.start >= sorted[index - 1].end }
            .map(\.element)
        self.periods = sorted
        self.fallback = fallback
    }

    /// The value in force at `time`, and whether it is the fallback.
    public func value(at time: Double) -> (value: GramsPerKilowattHour, fallback: Bool) {
        if let constant { return (constant, false) }
        var low = 0
        var high = periods.count
        while low < high {
            let middle = (low + high) / 2
            if periods[middle].end <= time { low = middle + 1 } else { high = middle }
        }
        if low < periods.count, periods[low].start <= time { return (periods[low].value, false) }
        return (fallback, true)
    }

    /// The parts of `[from, to)` no provider period covers, merged; empty for a static value.
    public func uncovered(from: Double, to: Double) -> [(from: Double, to: Double)] {
        guard constant == nil, to > from else { return [] }
        var spans: [(from: Double, to: Double)] = []
        var cursor = from
        for period in periods where period.end > from && period.start < to {
            if period.start > cursor { spans.append((cursor, period.start)) }
            cursor = max(cursor, period.end)
        }
        if cursor < to { spans.append((cursor, to)) }
        return spans
    }
}
