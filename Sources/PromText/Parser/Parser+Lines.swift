#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The line loop and the `#` lines: comments, HELP, TYPE, UNIT and EOF.
extension Parser {
    mutating func run() throws(ParseError) {
        if openMetrics { return try runOpenMetrics() }
        while pos < end {
            let byte = base[pos]
            if byte == newline {
                pos += 1
                line += 1
                continue
            }
            if isBlank(byte) || byte == carriageReturn {
                skipBlanks()
                if isLineEnd(pos) {
                    finishLine()
                    continue
                }
            }
            if base[pos] == UInt8(ascii: "#") {
                try comment()
            } else {
                try sample()
            }
        }
    }

    /// Reads a `#` line of the text format: HELP, TYPE, or a comment.
    mutating func comment() throws(ParseError) {
        pos += 1
        skipBlanks()
        let start = pos
        pos = tokenEnd(from: pos)
        let length = pos - start
        if keyword("HELP", start, length) {
            try help()
        } else if keyword("TYPE", start, length) {
            try type()
        } else {
            skipLine()
        }
    }

    @inline(__always)
    func keyword(_ text: StaticString, _ start: Int, _ length: Int) -> Bool {
        length == text.utf8CodeUnitCount && bytesEqual(base + start, text.utf8Start, length)
    }

    /// The blanks between two tokens of a line: any number in the text format, exactly one space in
    /// OpenMetrics (where `moreAllowed` lets the next token start with blanks, as HELP text may).
    @inline(__always)
    mutating func separator(before what: String, moreAllowed: Bool = false) throws(ParseError) {
        guard openMetrics else { return skipBlanks() }
        guard at(pos) == space else {
            throw fail("expected a space before \(what), got \(shown(at: pos))", .singleSpace)
        }
        pos += 1
        if !moreAllowed && isBlank(at(pos)) { throw fail("more than one blank before \(what)", .singleSpace) }
    }

    /// The end of a metadata line after its last token: trailing blanks are allowed in the text format only.
    @inline(__always)
    mutating func metadataLineEnd(after what: String, _ rule: OpenMetricsRule) throws(ParseError) {
        if !openMetrics { skipBlanks() }
        guard isLineEnd(pos) else {
            let blank = isBlank(at(pos))
            throw fail(
                "unexpected text after \(what): \(quoted(from: pos, wholeLine: true))", blank ? .singleSpace : rule)
        }
    }

    /// Reads the metric name of a HELP, TYPE or UNIT line and returns its family.
    mutating func declaredFamily(_ keyword: String) throws(ParseError) -> Int {
        try separator(before: "metric name")
        let start = pos
        // TYPE usually follows HELP for the same name: compare with the current family before scanning.
        if current >= 0 {
            let length = families[current].nameLength
            if start + length <= end && bytesEqual(base + families[current].nameStart, base + start, length)
                && isTokenEnd(at(start + length))
            {
                pos = start + length
                if openMetrics { try enterMetadata(current, keyword) }
                return current
            }
        }
        if pos < end && classes[Int(base[pos])] & ByteClass.metricNameStart != 0 {
            pos = scan(from: pos + 1, while: ByteClass.metricName)
        }
        guard isTokenEnd(at(pos)) else { throw fail("invalid metric name \(quoted(from: start))", .metricName) }
        guard pos > start else { throw fail("expected metric name after \(keyword)", .metricName) }
        let known = families.count
        let index = family(named: start, pos - start)
        if openMetrics {
            if families.count > known { try checkNewFamilyName(index) }
            try enterMetadata(index, keyword)
        }
        return index
    }

    mutating func help() throws(ParseError) {
        let index = try declaredFamily("HELP")
        if families[index].helpLength >= 0 {
            throw fail("second HELP line for metric name \(quotedName(index))", .metadataOnce)
        }
        try separator(before: "HELP text", moreAllowed: true)
        let start = pos
        let lineEnd = lineFeed(from: pos)
        var stop = lineEnd
        if !openMetrics && stop > start && base[stop - 1] == carriageReturn { stop -= 1 }
        // Escapes are checked now, so an error names this line; decoding waits until the family is returned.
        families[index].helpEscaped =
            openMetrics ? try checkOpenMetricsEscapes(start, stop) : try checkHelpEscapes(start, stop)
        families[index].helpStart = start
        families[index].helpLength = stop - start
        pos = lineEnd
        finishLine()
    }

    /// Checks the escapes of a text-format HELP text from `start` to `stop`; returns whether it holds any.
    @inline(__always)
    mutating func checkHelpEscapes(_ start: Int, _ stop: Int) throws(ParseError) -> Bool {
        var escaped = false
        var index = start
        while index < stop, let found = memchr(base + index, Int32(backslash), stop - index) {
            let at = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
            let next: UInt8? = at + 1 < stop ? base[at + 1] : nil
            guard let next, next == backslash || next == UInt8(ascii: "n") || next == quote else {
                let shown = next.map { String(decoding: [backslash, $0], as: UTF8.self) } ?? "\\"
                throw fail("invalid escape sequence \(shown.debugDescription) in HELP", .escapedString)
            }
            escaped = true
            index = at + 2
        }
        return escaped
    }

    mutating func type() throws(ParseError) {
        let index = try declaredFamily("TYPE")
        if families[index].typed || families[index].hasSamples {
            let name = quotedName(index)
            if openMetrics { throw fail("second TYPE line for metric name \(name)", .metadataOnce) }
            throw fail("second TYPE line for metric name \(name), or TYPE reported after samples", .metadataOnce)
        }
        try separator(before: "metric type")
        let start = pos
        pos = tokenEnd(from: pos)
        let length = pos - start
        guard length > 0 else { throw fail("expected metric type after \(quotedName(index))", .metricType) }
        guard let declared = DeclaredType.of(base + start, length, openMetrics: openMetrics) else {
            throw fail("unknown metric type \(quoted(start, length))", .metricType)
        }
        try metadataLineEnd(after: "metric type", .metricType)
        if openMetrics { try checkDeclaration(index, declared) }
        declare(index, declared)
        finishLine()
    }

    /// Gives family `index` its declared type, and notes whether families exist under its suffixed names.
    mutating func declare(_ index: Int, _ declared: DeclaredType) {
        families[index].declared = declared
        families[index].typed = true
        if declared.suffixes != 0 { anySuffixes = true }
        families[index].wanted = isWanted(index)
        for suffix in SampleSuffix.withText where declared.suffixes & suffix.bit != 0 {
            if findFamily(index, suffix) != nil { families[index].shadowed = true }
        }
    }
}
