/// OpenMetrics sample lines: `name[{labels}] value [timestamp] [# {labels} value [timestamp]]`, one space
/// between the parts, checked against the family's type before they are kept.
extension Parser {
    mutating func openMetricsSample() throws(ParseError) {
        let sampleLine = line
        let nameStart = pos
        let (index, suffix) = try sampleNameFamily()
        let nameLength = pos - nameStart
        var labels: [Label] = []
        if at(pos) == UInt8(ascii: "{") {
            pos += 1
            labels = try readLabels(nameStart, nameLength)
        }
        try separator(before: "value")
        let valueStart = pos
        pos = tokenEnd(from: pos)
        guard let value = NumberText.parseFloat(base + valueStart, pos - valueStart) else {
            throw fail("expected float as value, got \(quoted(valueStart, pos - valueStart))", .number)
        }
        var timestamp: Int64?
        var hasExemplar = false
        if at(pos) == space {
            pos += 1
            if at(pos) != UInt8(ascii: "#") {
                timestamp = try openMetricsTimestamp()
                if at(pos) == space {
                    pos += 1
                    guard at(pos) == UInt8(ascii: "#") else {
                        throw fail("expected \"#\" to start an exemplar, got \(shown(at: pos))", .exemplarSyntax)
                    }
                }
            }
            if at(pos) == UInt8(ascii: "#") {
                try exemplar(nameStart, nameLength)
                hasExemplar = true
            }
        }
        guard at(pos) == newline else {
            throw fail("unexpected text after sample: \(quoted(from: pos, wholeLine: true))", .singleSpace)
        }
        try checkOpenMetricsSample(index, suffix, labels, value, timestamp, hasExemplar, line: sampleLine)
        families[index].hasSamples = true
        finishLine()
        guard families[index].wanted else { return }
        let sample = Sample(
            name: sampleName(index, suffix), labels: LabelSet(labels), value: value, timestampMilliseconds: timestamp)
        if index != openFamily { switchOpenFamily(to: index) }
        openSamples.append(sample)
    }

    /// A timestamp token at `pos`, in milliseconds.
    mutating func openMetricsTimestamp() throws(ParseError) -> Int64 {
        let start = pos
        pos = tokenEnd(from: pos)
        guard pos > start else { throw fail("blank at the end of a sample line", .singleSpace) }
        return try readTimestamp(start, pos - start)
    }

    /// Reads ` # {labels} value [timestamp]` from the `#`; the exemplar is checked, not kept.
    mutating func exemplar(_ nameStart: Int, _ nameLength: Int) throws(ParseError) {
        pos += 1
        guard at(pos) == space && at(pos + 1) == UInt8(ascii: "{") else {
            throw fail("expected \" {\" after the \"#\" of an exemplar", .exemplarSyntax)
        }
        pos += 2
        let labels = try readLabels(nameStart, nameLength)
        let characters = labels.reduce(0) { $0 + $1.name.unicodeScalars.count + $1.value.unicodeScalars.count }
        if characters > 128 {
            throw fail("exemplar labels hold \(characters) characters, more than 128", .exemplarLength)
        }
        guard at(pos) == space else { throw fail("expected a space before exemplar value", .exemplarSyntax) }
        pos += 1
        let valueStart = pos
        pos = tokenEnd(from: pos)
        guard NumberText.parseFloat(base + valueStart, pos - valueStart) != nil else {
            throw fail("expected float as exemplar value, got \(quoted(valueStart, pos - valueStart))", .exemplarSyntax)
        }
        if at(pos) == space {
            pos += 1
            _ = try openMetricsTimestamp()
        }
    }
}
