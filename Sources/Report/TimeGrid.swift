import Model

/// The buckets of one time resolution over a report's span: fixed steps or calendar months (UTC).
public struct TimeGrid: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Buckets of `seconds` starting at `origin` (and every multiple away from it).
        case fixed(seconds: Double, origin: Double)
        /// UTC calendar months.
        case month
        /// UTC calendar years.
        case year
    }

    /// `step`, `hourly`, `daily` or `monthly`.
    public let name: String
    public let kind: Kind
    /// Bucket bounds clipped to the span, in time order; `start < end`.
    public let starts: [Double]
    public let ends: [Double]

    public init(name: String, kind: Kind, from: Double, to: Double) {
        self.name = name
        self.kind = kind
        var starts: [Double] = []
        var ends: [Double] = []
        var cursor = from
        while cursor < to {
            let next: Double
            switch kind {
            case .fixed(let seconds, let origin):
                let index = ((cursor - origin) / seconds).rounded(.down)
                var boundary = origin + (index + 1) * seconds
                // Floating-point rounding must never produce an empty bucket.
                if boundary <= cursor { boundary = origin + (index + 2) * seconds }
                next = boundary
            case .month:
                next = UTCDate.nextMonthStart(cursor)
            case .year:
                next = UTCDate.nextYearStart(cursor)
            }
            starts.append(cursor)
            ends.append(min(next, to))
            cursor = next
        }
        self.starts = starts
        self.ends = ends
    }

    public var count: Int { starts.count }

    /// The bucket containing `time` (`start <= time < end`), or nil outside the span.
    public func index(of time: Double) -> Int? {
        guard let first = starts.first, let last = ends.last, time >= first, time < last else { return nil }
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= time { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Spreads an interval `[start, end)` evenly over the buckets it overlaps: calls `body` with each bucket
    /// and the share of the interval that falls in it. Parts outside the span get nothing.
    public func distribute(start: Double, end: Double, _ body: (Int, Double) -> Void) {
        let length = end - start
        guard length > 0, let first = starts.first, let last = ends.last else { return }
        let clippedStart = max(start, first)
        let clippedEnd = min(end, last)
        guard clippedEnd > clippedStart, var bucket = index(of: clippedStart) else { return }
        while bucket < starts.count, starts[bucket] < clippedEnd {
            let overlap = min(clippedEnd, ends[bucket]) - max(clippedStart, starts[bucket])
            if overlap > 0 { body(bucket, overlap / length) }
            bucket += 1
        }
    }
}
