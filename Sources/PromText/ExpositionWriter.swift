/// Writes families and samples in one exposition format into a byte buffer.
///
/// The caller writes each family's header once and then its samples contiguously, in the order they should
/// appear; the writer does not sort. `finish()` returns the bytes (adding `# EOF` for OpenMetrics).
public struct ExpositionWriter {
    public let format: ExpositionFormat
    private var bytes: [UInt8] = []

    public init(format: ExpositionFormat = .text, reservingCapacity capacity: Int = 4096) {
        self.format = format
        bytes.reserveCapacity(capacity)
    }

    /// Writes `# HELP` and `# TYPE` for a family (OpenMetrics: `# TYPE` first, counter names without `_total`).
    public mutating func writeHeader(name: String, help: String, type: MetricType) {
        switch format {
        case .text:
            if !help.isEmpty {
                bytes.append(contentsOf: "# HELP ".utf8)
                bytes.append(contentsOf: name.utf8)
                bytes.append(UInt8(ascii: " "))
                TextEscaping.appendHelp(help, format: format, to: &bytes)
                bytes.append(UInt8(ascii: "\n"))
            }
            bytes.append(contentsOf: "# TYPE ".utf8)
            bytes.append(contentsOf: name.utf8)
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: type.rawValue.utf8)
            bytes.append(UInt8(ascii: "\n"))
        case .openMetrics:
            let familyName = type == .counter && name.hasSuffix("_total") ? String(name.dropLast(6)) : name
            bytes.append(contentsOf: "# TYPE ".utf8)
            bytes.append(contentsOf: familyName.utf8)
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: type.openMetricsWord.utf8)
            bytes.append(UInt8(ascii: "\n"))
            if !help.isEmpty {
                bytes.append(contentsOf: "# HELP ".utf8)
                bytes.append(contentsOf: familyName.utf8)
                bytes.append(UInt8(ascii: " "))
                TextEscaping.appendHelp(help, format: format, to: &bytes)
                bytes.append(UInt8(ascii: "\n"))
            }
        }
    }

    /// Writes one sample whose labels are given as a `LabelSet`.
    public mutating func writeSample(
        name: String,
        labels: LabelSet,
        value: Double,
        timestampMilliseconds: Int64? = nil
    ) {
        bytes.append(contentsOf: name.utf8)
        if !labels.labels.isEmpty {
            bytes.append(UInt8(ascii: "{"))
            for (index, label) in labels.labels.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendLabel(label.name, label.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
        finishSample(value: value, timestampMilliseconds: timestampMilliseconds)
    }

    /// Writes one sample with pre-escaped labels followed by at most one further label.
    public mutating func writeSample(
        name: String,
        escapedLabels: EscapedLabels,
        extraLabel: Label? = nil,
        value: Double
    ) {
        writeSample(
            name: Array(name.utf8),
            escapedLabels: escapedLabels,
            extraLabels: extraLabel.map { EscapedLabels(LabelSet([$0])) },
            value: value
        )
    }

    /// The fast path for large families: the name as bytes and every label already escaped, so a sample is
    /// a handful of memory copies and the value's digits.
    public mutating func writeSample(
        name: [UInt8],
        escapedLabels: EscapedLabels,
        extraLabels: EscapedLabels?,
        value: Double
    ) {
        bytes.append(contentsOf: name)
        let hasLabels = !escapedLabels.bytes.isEmpty
        let extra = extraLabels?.bytes ?? []
        if hasLabels || !extra.isEmpty {
            bytes.append(UInt8(ascii: "{"))
            bytes.append(contentsOf: escapedLabels.bytes)
            if !extra.isEmpty {
                if hasLabels { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: extra)
            }
            bytes.append(UInt8(ascii: "}"))
        }
        finishSample(value: value, timestampMilliseconds: nil)
    }

    /// The bytes written since the last call, leaving the writer empty but for its capacity, so that a large
    /// exposition can be handed on in blocks instead of held whole. Adds no `# EOF`.
    public mutating func takeWritten() -> [UInt8] {
        let written = bytes
        bytes.removeAll(keepingCapacity: true)
        return written
    }

    /// The finished exposition.
    public mutating func finish() -> [UInt8] {
        if format == .openMetrics { bytes.append(contentsOf: "# EOF\n".utf8) }
        return bytes
    }

    private mutating func appendLabel(_ name: String, _ value: String) {
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: "="))
        bytes.append(UInt8(ascii: "\""))
        TextEscaping.appendLabelValue(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func finishSample(value: Double, timestampMilliseconds: Int64?) {
        bytes.append(UInt8(ascii: " "))
        SampleValueText.append(value, to: &bytes)
        if let timestampMilliseconds {
            bytes.append(UInt8(ascii: " "))
            switch format {
            case .text:
                SampleValueText.appendInteger(timestampMilliseconds, to: &bytes)
            case .openMetrics:
                // OpenMetrics timestamps are seconds.
                SampleValueText.append(Double(timestampMilliseconds) / 1000, to: &bytes)
            }
        }
        bytes.append(UInt8(ascii: "\n"))
    }
}
