/// Labels rendered once, escaped, as `a="x",b="y"` (no braces), to be written in front of many samples.
///
/// A host's identity labels appear on every host family; escaping them once per host instead of once per
/// sample is most of what makes rendering a large snapshot cheap.
public struct EscapedLabels: Sendable, Equatable {
    public let bytes: [UInt8]

    public init(_ labels: LabelSet) {
        var bytes: [UInt8] = []
        for (index, label) in labels.labels.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: label.name.utf8)
            bytes.append(contentsOf: #"=""#.utf8)
            TextEscaping.appendLabelValue(label.value, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
        self.bytes = bytes
    }

    public static let empty = EscapedLabels(LabelSet())
}
