/// Text-format sample lines, one step per part: name, labels, value, timestamp, end of line.
extension Parser {
    mutating func sample() throws(ParseError) {
        let nameStart = pos
        let (index, suffix) = try sampleNameFamily()
        let nameLength = pos - nameStart
        if !families[index].hasSamples { families[index].hasSamples = true }
        guard families[index].wanted else {
            skipLine()
            return
        }
        skipBlanks()
        var labels: [Label] = []
        if at(pos) == UInt8(ascii: "{") {
            pos += 1
            labels = try readLabels(nameStart, nameLength)
            skipBlanks()
        }
        let value = try sampleValue()
        let timestamp = try sampleTimestamp()
        try sampleLineEnd()
        let sample = Sample(
            name: sampleName(index, suffix), labels: LabelSet(labels), value: value, timestampMilliseconds: timestamp)
        if index != openFamily { switchOpenFamily(to: index) }
        openSamples.append(sample)
    }

    /// Reads the sample name at `pos` and returns its family and suffix.
    @inline(__always)
    mutating func sampleNameFamily() throws(ParseError) -> (Int, SampleSuffix) {
        let nameStart = pos
        // Most samples continue the current family: comparing its name is cheaper than scanning and looking up.
        if current >= 0 {
            let length = families[current].nameLength
            if nameStart + length <= end && bytesEqual(base + families[current].nameStart, base + nameStart, length)
                && classes[Int(at(nameStart + length))] & ByteClass.metricName == 0
            {
                pos = nameStart + length
                return (current, .none)
            }
        }
        guard classes[Int(at(pos))] & ByteClass.metricNameStart != 0 else {
            throw fail("invalid metric name \(quoted(from: pos))", .metricName)
        }
        pos = scan(from: pos + 1, while: ByteClass.metricName)
        return sampleFamily(nameStart, pos - nameStart)
    }

    @inline(__always)
    mutating func sampleValue() throws(ParseError) -> Double {
        let valueStart = pos
        pos = tokenEnd(from: pos)
        guard let value = NumberText.parseFloat(base + valueStart, pos - valueStart) else {
            throw fail("expected float as value, got \(quoted(valueStart, pos - valueStart))", .number)
        }
        skipBlanks()
        return value
    }

    /// The timestamp after the value, if there is one, in milliseconds.
    @inline(__always)
    mutating func sampleTimestamp() throws(ParseError) -> Int64? {
        guard !isLineEnd(pos) else { return nil }
        let start = pos
        pos = tokenEnd(from: pos)
        let timestamp = try readTimestamp(start, pos - start)
        skipBlanks()
        return timestamp
    }

    @inline(__always)
    mutating func sampleLineEnd() throws(ParseError) {
        guard isLineEnd(pos) else {
            throw fail("spurious string after timestamp: \(quoted(from: pos, wholeLine: true))", .singleSpace)
        }
        finishLine()
    }

    mutating func readTimestamp(_ start: Int, _ length: Int) throws(ParseError) -> Int64 {
        if !openMetrics {
            guard let milliseconds = NumberText.parseInteger(base + start, length) else {
                throw fail("expected integer as timestamp, got \(quoted(start, length))", .timestamp)
            }
            return milliseconds
        }
        guard let seconds = NumberText.parseFloat(base + start, length), seconds.isFinite else {
            throw fail("expected float seconds as timestamp, got \(quoted(start, length))", .timestamp)
        }
        // OpenMetrics allows any real number; past ±2^63 milliseconds (292 million years) the nearest
        // representable one is kept.
        let milliseconds = (seconds * 1000).rounded()
        if milliseconds >= 0x1p63 { return .max }
        if milliseconds <= -0x1p63 { return .min }
        return Int64(milliseconds)
    }
}
