/// Encodes whole families in a canonical order: families by name, series by labels.
public struct TextEncoder: Sendable {
    public let format: ExpositionFormat

    public init(format: ExpositionFormat = .text) {
        self.format = format
    }

    public func encode(_ families: [MetricFamily]) -> [UInt8] {
        var writer = ExpositionWriter(format: format)
        for family in families.sorted(by: { $0.name < $1.name }) {
            writer.writeHeader(name: family.name, help: family.help, type: family.type)
            let samples = family.samples.sorted { left, right in
                left.name != right.name ? left.name < right.name : left.labels < right.labels
            }
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

    public func encodeString(_ families: [MetricFamily]) -> String {
        String(decoding: encode(families), as: UTF8.self)
    }
}
