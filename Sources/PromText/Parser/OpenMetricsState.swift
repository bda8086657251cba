/// What the OpenMetrics checks remember between samples: the family being read, the families already left,
/// and the metric (label set) and point that the current sample continues.
struct OpenMetricsState {
    /// The family whose lines are being read, or -1.
    var family = -1
    /// Per family index, whether its lines ended because another family's began.
    var left: [Bool] = []

    /// The current metric's labels without `le`, `quantile` or the stateset label, and every such label set
    /// of the family seen so far.
    var group: [Label]?
    var seenGroups: Set<[Label]> = []
    var groupHasTimestamp = false
    var groupTimestamp: Int64 = 0

    /// The histogram or summary point being read (one metric at one timestamp).
    var point = PointState()
    var pointOpen = false
    var pointTimestamp: Int64?
    var pointLine = 0

    mutating func resetFamily() {
        group = nil
        seenGroups.removeAll(keepingCapacity: true)
        pointOpen = false
    }
}

/// The parts of one histogram, gauge histogram or summary point read so far.
struct PointState {
    var lastBound: Double?
    var lastBucketValue = 0.0
    var infinityBucketValue: Double?
    var negativeBucket = false
    var count: Double?
    var hasSum = false
    var hasGaugeSum = false
    var negativeGaugeSum = false
}
