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
                if try comment() { return }
            } else {
                try sample()
            }
        }
        if openMetrics {
            // Input that stops inside a line ends on that line, not on the one its missing line feed would start.
            let lastLine = end > 0 && base[end - 1] != newline ? line - 1 : line
            throw ParseError(line: lastLine, message: "expected \"# EOF\" at end of input")
        }
    }

    /// Reads a `#` line; returns true at an OpenMetrics `# EOF`.
    mutating func comment() throws(ParseError) -> Bool {
        pos += 1
        skipBlanks()
        let start = pos
        pos = tokenEnd(from: pos)
        let length = pos - start
        func keyword(_ text: StaticString) -> Bool {
            length == text.utf8CodeUnitCount && bytesEqual(base + start, text.utf8Start, length)
        }
        if keyword("HELP") {
            try help()
        } else if keyword("TYPE") {
            try type()
        } else if openMetrics && keyword("UNIT") {
            try unit()
        } else if openMetrics && keyword("EOF") {
            try endOfInput()
            return true
        } else {
            skipLine()
        }
        return false
    }

    mutating func endOfInput() throws(ParseError) {
        skipBlanks()
        guard isLineEnd(pos) else {
            throw fail("unexpected text after \"# EOF\": \(quoted(from: pos, wholeLine: true))")
        }
        finishLine()
        if pos < end { throw fail("unexpected data after \"# EOF\"") }
    }

    /// Reads the metric name of a HELP, TYPE or UNIT line and returns its family.
    mutating func declaredFamily(_ keyword: String) throws(ParseError) -> Int {
        skipBlanks()
        let start = pos
        // TYPE usually follows HELP for the same name: compare with the current family before scanning.
        if current >= 0 {
            let length = families[current].nameLength
            if start + length <= end && bytesEqual(base + families[current].nameStart, base + start, length)
                && isTokenEnd(at(start + length))
            {
                pos = start + length
                return current
            }
        }
        if pos < end && classes[Int(base[pos])] & ByteClass.metricNameStart != 0 {
            pos = scan(from: pos + 1, while: ByteClass.metricName)
        }
        guard isTokenEnd(at(pos)) else { throw fail("invalid metric name \(quoted(from: start))") }
        guard pos > start else { throw fail("expected metric name after \(keyword)") }
        return family(named: start, pos - start)
    }

    mutating func help() throws(ParseError) {
        let index = try declaredFamily("HELP")
        if families[index].helpLength >= 0 { throw fail("second HELP line for metric name \(quotedName(index))") }
        skipBlanks()
        let start = pos
        let lineEnd = lineFeed(from: pos)
        var stop = lineEnd
        if stop > start && base[stop - 1] == carriageReturn { stop -= 1 }
        // Escapes are checked now, so an error names this line; decoding waits until the family is returned.
        families[index].helpEscaped = try checkHelpEscapes(start, stop)
        families[index].helpStart = start
        families[index].helpLength = stop - start
        pos = lineEnd
        finishLine()
    }

    /// Checks the escapes of a HELP text from `start` to `stop`; returns whether it holds any.
    mutating func checkHelpEscapes(_ start: Int, _ stop: Int) throws(ParseError) -> Bool {
        var escaped = false
        var index = start
        while index < stop, let found = memchr(base + index, Int32(backslash), stop - index) {
            let at = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
            let next: UInt8? = at + 1 < stop ? base[at + 1] : nil
            guard let next, next == backslash || next == UInt8(ascii: "n") || next == quote else {
                let shown = next.map { String(decoding: [backslash, $0], as: UTF8.self) } ?? "\\"
                throw fail("invalid escape sequence \(shown.debugDescription) in HELP")
            }
            escaped = true
            index = at + 2
        }
        return escaped
    }

    mutating func type() throws(ParseError) {
        let index = try declaredFamily("TYPE")
        if families[index].typed || families[index].hasSamples {
            throw fail("second TYPE line for metric name \(quotedName(index)), or TYPE reported after samples")
        }
        skipBlanks()
        let start = pos
        pos = tokenEnd(from: pos)
        let length = pos - start
        guard length > 0 else { throw fail("expected metric type after \(quotedName(index))") }
        guard let declared = DeclaredType.of(base + start, length, openMetrics: openMetrics) else {
            throw fail("unknown metric type \(quoted(start, length))")
        }
        skipBlanks()
        guard isLineEnd(pos) else {
            throw fail("unexpected text after metric type: \(quoted(from: pos, wholeLine: true))")
        }
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

    mutating func unit() throws(ParseError) {
        let index = try declaredFamily("UNIT")
        if families[index].unitSeen { throw fail("second UNIT line for metric name \(quotedName(index))") }
        skipBlanks()
        let start = pos
        pos = tokenEnd(from: pos)
        let length = pos - start
        skipBlanks()
        guard isLineEnd(pos) else { throw fail("unexpected text after unit: \(quoted(from: pos, wholeLine: true))") }
        if length > 0 {
            let nameStart = families[index].nameStart
            let nameLength = families[index].nameLength
            let isSuffix =
                nameLength > length + 1 && base[nameStart + nameLength - length - 1] == UInt8(ascii: "_")
                && bytesEqual(base + nameStart + nameLength - length, base + start, length)
            guard isSuffix else {
                throw fail("unit \(quoted(start, length)) is not a suffix of metric name \(quotedName(index))")
            }
        }
        families[index].unitSeen = true
        finishLine()
    }
}
