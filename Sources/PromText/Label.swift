/// One label: a name matching `[a-zA-Z_][a-zA-Z0-9_]*` and any UTF-8 value.
public struct Label: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The labels of one series, kept in the order they are written.
///
/// Order is part of the value: two sets with the same labels in another order compare unequal, so callers that
/// need canonical order build the set with `sortedByName`.
public struct LabelSet: Sendable, Hashable, Comparable, ExpressibleByDictionaryLiteral {
    public var labels: [Label]

    public init(_ labels: [Label] = []) {
        self.labels = labels
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.labels = elements.map { Label($0.0, $0.1) }
    }

    /// A copy with labels ordered by name, the canonical order client libraries write.
    public var sortedByName: LabelSet { LabelSet(labels.sorted { $0.name < $1.name }) }

    /// The value of the label called `name`, or nil.
    public subscript(name: String) -> String? {
        labels.first { $0.name == name }?.value
    }

    /// Series order: label by label, comparing values, then names; a shorter prefix sorts first.
    public static func < (lhs: LabelSet, rhs: LabelSet) -> Bool {
        for (left, right) in zip(lhs.labels, rhs.labels) {
            if left.value != right.value { return left.value < right.value }
            if left.name != right.name { return left.name < right.name }
        }
        return lhs.labels.count < rhs.labels.count
    }
}
