/// OpenMetrics `# UNIT` and `# EOF` lines.
extension Parser {
    mutating func unit() throws(ParseError) {
        let index = try declaredFamily("UNIT")
        if families[index].unitSeen {
            throw fail("second UNIT line for metric name \(quotedName(index))", .metadataOnce)
        }
        try separator(before: "unit")
        let start = pos
        pos = scan(from: pos, while: ByteClass.metricName)
        let length = pos - start
        guard isTokenEnd(at(pos)) else { throw fail("invalid unit \(quoted(from: start))", .unit) }
        try metadataLineEnd(after: "unit", .unit)
        if length > 0 {
            let nameStart = families[index].nameStart
            let nameLength = families[index].nameLength
            let isSuffix =
                nameLength > length + 1 && base[nameStart + nameLength - length - 1] == UInt8(ascii: "_")
                && bytesEqual(base + nameStart + nameLength - length, base + start, length)
            guard isSuffix else {
                throw fail("unit \(quoted(start, length)) is not a suffix of metric name \(quotedName(index))", .unit)
            }
            families[index].hasUnit = true
            try checkUnitAllowed(index, families[index].declared.kind)
        }
        families[index].unitSeen = true
        finishLine()
    }

    /// Info and stateset families carry no unit.
    func checkUnitAllowed(_ index: Int, _ kind: OpenMetricsKind) throws(ParseError) {
        guard families[index].hasUnit && (kind == .info || kind == .stateset) else { return }
        let word = kind == .info ? "info" : "stateset"
        throw fail("\(word) family \(quotedName(index)) cannot have a unit", .unit)
    }

    /// `# EOF`, which must end the input but for one line feed.
    mutating func endOfInput() throws(ParseError) {
        guard isLineEnd(pos) else {
            throw fail("unexpected text after \"# EOF\": \(quoted(from: pos, wholeLine: true))", .eofLast)
        }
        finishLine()
        if pos < end { throw fail("unexpected data after \"# EOF\"", .eofLast) }
    }
}
