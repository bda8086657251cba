/// Encodes whole families in a canonical order: families by name, series by metric and bound.
public struct TextEncoder: Sendable {
    public let format: ExpositionFormat

    public init(format: ExpositionFormat = .text) {
        self.format = format
    }

    public func encode(_ families: [MetricFamily]) -> [UInt8] {
        var writer = ExpositionWriter(format: format)
        for family in families.sorted(by: { $0.name < $1.name }) {
            writer.writeHeader(name: family.name, help: family.help, type: family.type)
            // Sample names keep the order they first came in (`_total` before `_created`, as a valid input has
            // them), so a round trip keeps each metric's timestamps in order.
            var nameRank: [String: Int] = [:]
            for sample in family.samples where nameRank[sample.name] == nil { nameRank[sample.name] = nameRank.count }
            let samples = family.samples.sorted { Self.seriesOrder($0, $1, nameRank: nameRank) }
            for sample in samples {
                writer.writeSample(
                    name: sample.name,
                    labels: sample.labels,
                    value: sample.value,
                    timestampMilliseconds: sample.timestampMilliseconds
                )
            }
        }
        return writer.finish()
    }

    /// Series order within a family: by metric (the labels without `le` and `quantile`, in name order), then sample
    /// name (in `nameRank` order, else by name), then bound. A histogram or summary point so stays together with its
    /// buckets in ascending order, as OpenMetrics requires and the text format recommends.
    static func seriesOrder(_ left: Sample, _ right: Sample, nameRank: [String: Int] = [:]) -> Bool {
        let leftMetric = metric(left.labels)
        let rightMetric = metric(right.labels)
        if leftMetric != rightMetric { return leftMetric < rightMetric }
        if left.name != right.name {
            if let leftRank = nameRank[left.name], let rightRank = nameRank[right.name] { return leftRank < rightRank }
            return left.name < right.name
        }
        for name in boundLabels {
            if let leftBound = left.labels[name].flatMap(Double.init),
                let rightBound = right.labels[name].flatMap(Double.init),
                leftBound != rightBound
            {
                return leftBound < rightBound
            }
        }
        return left.labels < right.labels
    }

    private static let boundLabels = ["le", "quantile"]

    private static func metric(_ labels: LabelSet) -> LabelSet {
        LabelSet(labels.labels.filter { !boundLabels.contains($0.name) }).sortedByName
    }

    public func encodeString(_ families: [MetricFamily]) -> String {
        String(decoding: encode(families), as: UTF8.self)
    }
}
