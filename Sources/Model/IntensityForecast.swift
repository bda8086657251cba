/// One period of a carbon-intensity time series (a half-hour of the GB forecast, an hour of a site file).
public struct IntensityPeriod: Sendable, Equatable {
    /// Start, inclusive, Unix seconds.
    public var start: Double
    /// End, exclusive, Unix seconds.
    public var end: Double
    public var value: GramsPerKilowattHour

    public init(start: Double, end: Double, value: GramsPerKilowattHour) {
        self.start = start
        self.end = end
        self.value = value
    }

    public func contains(_ time: Double) -> Bool { start <= time && time < end }
}

/// Summary arithmetic over a forecast: the lowest half-hour, the mean and the best window of a given length.
///
/// All of it works on half-hour slots: a longer period (an hourly file) counts as consecutive half-hours of
/// the same value, so windows are whole half-hours whatever the source's resolution. A slot is "in the next
/// 24 h" when it overlaps `[now, now + 24 h)`, so the half-hour in progress counts.
public struct IntensityForecast: Sendable, Equatable {
    public static let slotSeconds = 1_800.0
    public static let horizonSeconds = 86_400.0

    /// Half-hour slots, sorted by start, without overlaps.
    public let slots: [IntensityPeriod]

    /// Splits the periods into half-hour slots. Periods that do not start on a half-hour boundary or are not
    /// whole half-hours are cut at the boundaries; later periods win over earlier ones that overlap them.
    public init(periods: [IntensityPeriod]) {
        var bySlot: [Double: GramsPerKilowattHour] = [:]
        for period in periods.sorted(by: { $0.start < $1.start }) where period.end > period.start {
            var slot = (period.start / Self.slotSeconds).rounded(.down) * Self.slotSeconds
            while slot < period.end {
                // A slot belongs to the period that covers its middle, so a partial overlap does not count twice.
                if period.contains(slot + Self.slotSeconds / 2) { bySlot[slot] = period.value }
                slot += Self.slotSeconds
            }
        }
        slots = bySlot.sorted { $0.key < $1.key }.map {
            IntensityPeriod(start: $0.key, end: $0.key + Self.slotSeconds, value: $0.value)
        }
    }

    /// The slots overlapping `[now, now + 24 h)`.
    public func next24Hours(from now: Double) -> [IntensityPeriod] {
        slots.filter { $0.end > now && $0.start < now + Self.horizonSeconds }
    }

    /// The lowest slot over the next 24 h; the earliest of equal ones.
    public func minimum(from now: Double) -> IntensityPeriod? {
        next24Hours(from: now).min { $0.value.value < $1.value.value }
    }

    /// The mean over the next 24 h, weighting each slot by the part of it inside the horizon.
    public func mean(from now: Double) -> GramsPerKilowattHour? {
        var weighted = 0.0
        var seconds = 0.0
        for slot in next24Hours(from: now) {
            let overlap = min(slot.end, now + Self.horizonSeconds) - max(slot.start, now)
            guard overlap > 0 else { continue }
            weighted += slot.value.value * overlap
            seconds += overlap
        }
        return seconds > 0 ? GramsPerKilowattHour(weighted / seconds) : nil
    }

    /// A run of contiguous slots and its mean intensity.
    public struct Window: Sendable, Equatable {
        public var start: Double
        public var end: Double
        public var mean: GramsPerKilowattHour
    }

    /// The contiguous run of `length` seconds (rounded up to whole half-hours) with the lowest mean intensity
    /// among the slots of the next 24 h; the earliest of equal ones. Nil when no such run exists (gaps, or a
    /// forecast shorter than the window).
    public func bestWindow(length: Double, from now: Double) -> Window? {
        let count = max(Int((length / Self.slotSeconds).rounded(.up)), 1)
        let slots = next24Hours(from: now)
        guard slots.count >= count else { return nil }
        var best: Window?
        for first in 0...(slots.count - count) {
            let run = slots[first..<(first + count)]
            // Contiguous only: a missing half-hour would hide an unknown value inside the window.
            guard zip(run.dropLast(), run.dropFirst()).allSatisfy({ $0.end == $1.start }) else { continue }
            let mean = run.reduce(0) { $0 + $1.value.value } / Double(count)
            if mean < best?.mean.value ?? .infinity {
                best = Window(
                    start: slots[first].start, end: slots[first + count - 1].end, mean: GramsPerKilowattHour(mean))
            }
        }
        return best
    }
}
