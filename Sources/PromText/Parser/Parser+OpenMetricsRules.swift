/// The OpenMetrics rules that span lines: families and metrics contiguous, sample names and values per type,
/// exemplar placement, timestamps per metric, and the parts of histogram and summary points.
extension Parser {
    /// Notes that the lines of family `index` are being read; a family that was left may not come back.
    mutating func enterOpenMetricsFamily(_ index: Int) throws(ParseError) {
        guard index != om.family else { return }
        if om.left.count < families.count { om.left += repeatElement(false, count: families.count - om.left.count) }
        if om.left[index] {
            throw fail(
                "lines of family \(quotedName(index)) are not contiguous: another family came between",
                .familiesContiguous)
        }
        try finishOpenMetricsFamily()
        if om.family >= 0 { om.left[om.family] = true }
        om.family = index
        om.resetFamily()
    }

    mutating func finishOpenMetricsFamily() throws(ParseError) {
        guard om.family >= 0 && om.pointOpen else { return }
        try finishPoint(families[om.family].declared.kind)
    }

    mutating func checkOpenMetricsSample(
        _ index: Int, _ suffix: SampleSuffix, _ labels: [Label], _ value: Double, _ timestamp: Int64?,
        _ hasExemplar: Bool, line sampleLine: Int
    ) throws(ParseError) {
        try enterOpenMetricsFamily(index)
        let kind = families[index].declared.kind
        try checkSampleName(index, kind, suffix)
        let special = try checkValue(index, kind, suffix, labels, value)
        if hasExemplar && !(kind == .counter && suffix == .total)
            && !((kind == .histogram || kind == .gaugeHistogram) && suffix == .bucket)
        {
            throw fail("exemplars belong on counter _total and histogram _bucket samples only", .exemplarPlacement)
        }
        // Info metrics cannot be told apart from their labels, so they have no grouping to check.
        guard kind != .info else { return }
        let newGroup = try checkGrouping(labels, without: special.label, timestamp)
        guard kind == .histogram || kind == .gaugeHistogram || kind == .summary else { return }
        if om.pointOpen && (newGroup || timestamp != om.pointTimestamp) { try finishPoint(kind) }
        if !om.pointOpen {
            om.point = PointState()
            om.pointOpen = true
            om.pointTimestamp = timestamp
        }
        om.pointLine = sampleLine
        try addToPoint(suffix, value, bound: special.bound)
    }

    /// Counters, info, histograms and gauge histograms name every sample with a suffix.
    func checkSampleName(_ index: Int, _ kind: OpenMetricsKind, _ suffix: SampleSuffix) throws(ParseError) {
        guard suffix == .none else { return }
        let allowed: String
        switch kind {
        case .counter: allowed = "_total or _created"
        case .info: allowed = "_info"
        case .histogram: allowed = "_bucket, _count, _sum or _created"
        case .gaugeHistogram: allowed = "_bucket, _gcount or _gsum"
        case .gauge, .summary, .stateset, .unknown: return
        }
        throw fail("samples of family \(quotedName(index)) are named with \(allowed) after it", .sampleName)
    }

    /// Checks the value and the type's own label; returns that label's name (left out of the metric's
    /// identity) and, for a bucket, its bound.
    mutating func checkValue(
        _ index: Int, _ kind: OpenMetricsKind, _ suffix: SampleSuffix, _ labels: [Label], _ value: Double
    ) throws(ParseError) -> (label: String?, bound: Double?) {
        switch suffix {
        case .total, .sum, .count, .bucket, .gcount, .gsum:
            if value.isNaN { throw fail("\(suffix.text) value is NaN", .counterValue) }
            if value < 0 && suffix != .gsum { throw fail("\(suffix.text) value \(value) is negative", .counterValue) }
        case .none, .created, .info: break
        }
        switch (kind, suffix) {
        case (.histogram, .bucket), (.gaugeHistogram, .bucket):
            return ("le", try bucketBound(labels))
        case (.summary, .none):
            try checkQuantile(labels, value)
            return ("quantile", nil)
        case (.stateset, _):
            let name = sampleName(index, .none)
            guard labels.contains(where: { $0.name == name }) else {
                throw fail("stateset sample without a label named \(name.debugDescription)", .stateset)
            }
            if value != 0 && value != 1 { throw fail("stateset value \(value) is neither 0 nor 1", .stateset) }
            return (name, nil)
        case (.info, _):
            if value != 1 { throw fail("info value \(value) is not 1", .infoValue) }
            return (nil, nil)
        default:
            return (nil, nil)
        }
    }

    func bucketBound(_ labels: [Label]) throws(ParseError) -> Double {
        guard let text = labels.first(where: { $0.name == "le" })?.value else {
            throw fail("bucket without an le label", .bucketLabel)
        }
        guard let bound = Self.number(text), !bound.isNaN else {
            throw fail("le \(text.debugDescription) is not a number", .bucketLabel)
        }
        if bound == .infinity && text != "+Inf" {
            throw fail("le \(text.debugDescription) must be written \"+Inf\"", .bucketLabel)
        }
        return bound
    }

    func checkQuantile(_ labels: [Label], _ value: Double) throws(ParseError) {
        guard let text = labels.first(where: { $0.name == "quantile" })?.value else {
            throw fail("summary sample without a quantile label", .quantile)
        }
        guard let quantile = Self.number(text), quantile >= 0 && quantile <= 1 else {
            throw fail("quantile \(text.debugDescription) is not a number from 0 to 1", .quantile)
        }
        if value < 0 { throw fail("quantile value \(value) is negative", .quantile) }
    }

    static func number(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { bytes in
            guard let start = bytes.baseAddress, bytes.count > 0 else { return nil }
            return NumberText.parseFloat(start, bytes.count)
        }
    }

    /// Checks that a metric's samples are contiguous and consistently timestamped; returns whether this
    /// sample starts another metric.
    mutating func checkGrouping(
        _ labels: [Label], without special: String?, _ timestamp: Int64?
    ) throws(ParseError) -> Bool {
        let fingerprint = metricFingerprint(labels, without: special)
        guard fingerprint == om.groupFingerprint && sameMetric(labels, om.group, without: special) else {
            // Kept without the type's own label, so that comparing with any later sample leaves out only its own.
            let key = special == nil ? labels : labels.filter { $0.name != special }
            if let earlier = om.seenGroups.labels(for: fingerprint, insert: key),
                sameMetric(labels, earlier, without: special)
            {
                let shown = labels.filter { $0.name != special }.map { "\($0.name)=\($0.value.debugDescription)" }
                throw fail("samples of metric {\(shown.joined(separator: ","))} are not contiguous", .metricGrouping)
            }
            om.group = key
            om.groupFingerprint = fingerprint
            om.groupHasTimestamp = timestamp != nil
            om.groupTimestamp = timestamp ?? 0
            return true
        }
        if (timestamp != nil) != om.groupHasTimestamp {
            throw fail("some samples of a metric have a timestamp and others not", .timestampOrder)
        }
        if let timestamp {
            if timestamp < om.groupTimestamp { throw fail("timestamp goes back within a metric", .timestampOrder) }
            om.groupTimestamp = timestamp
        }
        return false
    }

    mutating func addToPoint(_ suffix: SampleSuffix, _ value: Double, bound: Double?) throws(ParseError) {
        switch suffix {
        case .bucket:
            guard let bound else { return }
            if let last = om.point.lastBound, bound <= last {
                throw fail("bucket le \(bound) does not ascend from \(last)", .buckets)
            }
            if value < om.point.lastBucketValue {
                throw fail("bucket value \(value) is below the previous bucket's", .buckets)
            }
            om.point.lastBound = bound
            om.point.lastBucketValue = value
            if bound < 0 { om.point.negativeBucket = true }
            if bound == .infinity { om.point.infinityBucketValue = value }
        case .count, .gcount: om.point.count = value
        case .sum: om.point.hasSum = true
        case .gsum:
            om.point.hasGaugeSum = true
            if value < 0 { om.point.negativeGaugeSum = true }
        case .none, .created, .total, .info: break
        }
    }

    /// Checks a finished point, reporting on its last line.
    mutating func finishPoint(_ kind: OpenMetricsKind) throws(ParseError) {
        om.pointOpen = false
        let point = om.point
        let line = om.pointLine
        if kind == .summary {
            guard point.hasSum == (point.count != nil) else {
                throw fail(at: line, "a summary point has _count if and only if it has _sum", .summaryCount)
            }
            return
        }
        guard let infinity = point.infinityBucketValue else {
            throw fail(at: line, "histogram point without a le=\"+Inf\" bucket", .buckets)
        }
        if let count = point.count, count != infinity {
            throw fail(at: line, "count \(count) differs from the +Inf bucket's \(infinity)", .histogramCount)
        }
        let (sum, countName, sumName) =
            kind == .histogram ? (point.hasSum, "_count", "_sum") : (point.hasGaugeSum, "_gcount", "_gsum")
        if sum != (point.count != nil) {
            throw fail(at: line, "a histogram point has \(countName) if and only if it has \(sumName)", .histogramCount)
        }
        if kind == .histogram && point.hasSum && point.negativeBucket {
            throw fail(at: line, "a histogram with negative buckets has no _sum", .histogramCount)
        }
        if kind == .gaugeHistogram && point.negativeGaugeSum && !point.negativeBucket {
            throw fail(at: line, "negative _gsum without negative buckets", .histogramCount)
        }
    }
}
