import Model

/// The grid carbon intensity in force at any moment of a report's span: a static value, or half-hourly
/// periods from a provider with a fallback for periods it did not deliver.
public struct IntensityTimeline: Sendable {
    /// One provider period, `[from, to)` in Unix seconds.
    public struct Period: Sendable, Equatable {
        public var from: Double
        public var to: Double
        public var value: GramsPerKilowattHour

        public init(from: Double, to: Double, value: GramsPerKilowattHour) {
            self.from = from
            self.to = to
            self.value = value
        }
    }

    private let constant: GramsPerKilowattHour?
    /// Sorted by start, non-overlapping.
    public let periods: [Period]
    public let fallback: GramsPerKilowattHour

    /// The same value at all times (the static provider).
    public init(constant: GramsPerKilowattHour) {
        self.constant = constant
        self.periods = []
        self.fallback = constant
    }

    /// Provider periods; `fallback` where none covers a moment.
    public init(periods: [Period], fallback: GramsPerKilowattHour) {
        self.constant = nil
        var sorted = periods.sorted { $0.from < $1.from }
        // A later duplicate of the same period (overlapping request pieces) adds nothing.
        sorted = sorted.enumerated().filter { index, period in index == 0 || period.from >= sorted[index - 1].to }.map(\.element)
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
            if periods[middle].to <= time { low = middle + 1 } else { high = middle }
        }
        if low < periods.count, periods[low].from <= time { return (periods[low].value, false) }
        return (fallback, true)
    }

    /// The parts of `[from, to)` no provider period covers, merged; empty for a static value.
    public func uncovered(from: Double, to: Double) -> [(from: Double, to: Double)] {
        guard constant == nil, to > from else { return [] }
        var spans: [(from: Double, to: Double)] = []
        var cursor = from
        for period in periods where period.to > from && period.from < to {
            if period.from > cursor { spans.append((cursor, period.from)) }
            cursor = max(cursor, period.to)
        }
        if cursor < to { spans.append((cursor, to)) }
        return spans
    }
}
