/// Turning what was read into `MetricFamily` values.
extension Parser {
    /// Samples are appended to `openSamples` while they stay in one family, which is cheaper than appending
    /// through the array of all families' samples each time.
    mutating func switchOpenFamily(to index: Int) {
        if openFamily >= 0 { swap(&samples[openFamily], &openSamples) }
        openFamily = index
        if index >= 0 { swap(&samples[index], &openSamples) }
    }

    mutating func materialize() -> [MetricFamily] {
        switchOpenFamily(to: -1)
        var result: [MetricFamily] = []
        result.reserveCapacity(families.count)
        for (index, family) in families.enumerated() where family.wanted && !samples[index].isEmpty {
            var name: String
            if let known = names[index] {
                name = known
            } else {
                name = String(
                    decoding: UnsafeBufferPointer(start: base + family.nameStart, count: family.nameLength),
                    as: UTF8.self)
                name += family.declared.nameSuffix.text.description
            }
            result.append(
                MetricFamily(name: name, help: help(of: family), type: family.declared.type, samples: samples[index]))
        }
        return result
    }

    mutating func help(of family: FamilyState) -> String {
        guard family.helpLength > 0 else { return "" }
        let text = UnsafeBufferPointer(start: base + family.helpStart, count: family.helpLength)
        guard family.helpEscaped else { return String(decoding: text, as: UTF8.self) }
        unescape(text, into: &scratch)
        return String(decoding: scratch, as: UTF8.self)
    }
}
