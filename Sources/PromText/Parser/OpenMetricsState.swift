/// What the OpenMetrics checks remember between samples: the family being read, the families already left,
/// and the metric (label set) and point that the current sample continues.
struct OpenMetricsState {
    /// The family whose lines are being read, or -1.
    var family = -1
    /// Per family index, whether its lines ended because another family's began.
    var left: [Bool] = []

    /// The current metric: its labels as written without `le`, `quantile` or the stateset label, and their
    /// fingerprint; and every metric of the family seen so far, by fingerprint. Fingerprints only find
    /// candidates: labels are compared before anything is concluded.
    var group: [Label] = []
    var groupFingerprint: UInt64?
    var seenGroups = MetricFingerprints()
    var groupHasTimestamp = false
    var groupTimestamp: Int64 = 0

    /// The histogram or summary point being read (one metric at one timestamp).
    var point = PointState()
    var pointOpen = false
    var pointTimestamp: Int64?
    var pointLine = 0

    mutating func resetFamily() {
        groupFingerprint = nil
        seenGroups.removeAll()
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

/// An order-independent fingerprint of `labels` without the one named `special`.
func metricFingerprint(_ labels: [Label], without special: String?) -> UInt64 {
    var sum: UInt64 = 0
    for label in labels where label.name != special {
        // Summing mixed per-label hashes makes the result independent of label order.
        sum &+= (textHash(label.name) &* 0x9E37_79B9_7F4A_7C15) ^ textHash(label.value)
    }
    return sum
}

private func textHash(_ text: String) -> UInt64 {
    var text = text
    return text.withUTF8 { bytes in
        guard let start = bytes.baseAddress else { return 0x51_7CC1_B727_220A }
        return NameTable.hash(start, bytes.count)
    }
}

/// Whether two label sets hold the same labels, in any order, leaving aside the one named `special`.
func sameMetric(_ left: [Label], _ right: [Label], without special: String?) -> Bool {
    var leftCount = 0
    for label in left where label.name != special {
        leftCount += 1
        guard right.contains(label) else { return false }
    }
    return leftCount == right.reduce(0) { $1.name == special ? $0 : $0 + 1 }
}
