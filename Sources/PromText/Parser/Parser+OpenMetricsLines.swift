#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// OpenMetrics lines: the encoding, the line loop with its `#` lines, and the metadata rules.
extension Parser {
    mutating func runOpenMetrics() throws(ParseError) {
        try checkOpenMetricsBytes()
        while pos < end {
            let byte = base[pos]
            if byte == newline { throw fail("blank line", .noBlankLines) }
            if isBlank(byte) { throw fail("blank at the start of a line", .singleSpace) }
            if byte == UInt8(ascii: "#") {
                if try openMetricsComment() { return try finishOpenMetricsFamily() }
            } else {
                try openMetricsSample()
            }
        }
        // Input that stops inside a line ends on that line, not on the one its missing line feed would start.
        let lastLine = end > 0 && base[end - 1] != newline ? line - 1 : line
        throw fail(at: lastLine, "expected \"# EOF\" at end of input", .eofLast)
    }

    /// Reads a `#` line; returns true at `# EOF`.
    mutating func openMetricsComment() throws(ParseError) -> Bool {
        pos += 1
        guard at(pos) == space else {
            throw fail("expected \"# \" to start a TYPE, UNIT, HELP or EOF line", .commentLine)
        }
        pos += 1
        let start = pos
        while pos < end && base[pos] != space && base[pos] != newline { pos += 1 }
        let length = pos - start
        if keyword("TYPE", start, length) {
            try type()
        } else if keyword("HELP", start, length) {
            try help()
        } else if keyword("UNIT", start, length) {
            try unit()
        } else if keyword("EOF", start, length) {
            try endOfInput()
            return true
        } else {
            throw fail("only TYPE, UNIT, HELP and EOF lines may start with \"#\"", .commentLine)
        }
        return false
    }

    /// Checks the whole input once: UTF-8 throughout, and no line ending in a carriage return.
    func checkOpenMetricsBytes() throws(ParseError) {
        var index = 0
        while index < end, let found = memchr(base + index, Int32(carriageReturn), end - index) {
            let at = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
            if at + 1 >= end || base[at + 1] == newline {
                throw fail(at: lineNumber(of: at), "line ends with a carriage return", .lineEnding)
            }
            index = at + 1
        }
        if isASCII(base, end) { return }
        index = 0
        while index < end {
            guard let length = utf8SequenceLength(at: index) else {
                throw fail(at: lineNumber(of: index), "invalid UTF-8", .utf8)
            }
            index += length
        }
    }

    /// The 1-based line holding byte `offset`.
    func lineNumber(of offset: Int) -> Int {
        var count = 1
        for index in 0..<offset where base[index] == newline { count += 1 }
        return count
    }

    /// The length of the well-formed UTF-8 sequence at `index` (RFC 3629: no overlong forms, surrogates or
    /// code points past U+10FFFF), or nil.
    func utf8SequenceLength(at index: Int) -> Int? {
        let lead = base[index]
        if lead < 0x80 { return 1 }
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF:
            length = 3
            if lead == 0xE0 { low = 0xA0 }
            if lead == 0xED { high = 0x9F }
        case 0xF0...0xF4:
            length = 4
            if lead == 0xF0 { low = 0x90 }
            if lead == 0xF4 { high = 0x8F }
        default: return nil
        }
        guard index + length <= end, base[index + 1] >= low && base[index + 1] <= high else { return nil }
        for offset in 2..<length where base[index + offset] & 0xC0 != 0x80 { return nil }
        return length
    }

    /// Checks an escaped string (HELP text) from `start` to `stop`: no raw double quote, and a backslash
    /// followed by a character; returns whether it holds escapes. Escapes other than `\\`, `\"`, `\n` pass
    /// through as written.
    func checkOpenMetricsEscapes(_ start: Int, _ stop: Int) throws(ParseError) -> Bool {
        var escaped = false
        var index = start
        while true {
            // Between escapes a raw double quote is the one thing to look for; memchr finds both quickly.
            let next = index < stop ? memchr(base + index, Int32(backslash), stop - index) : nil
            let segmentEnd = next.map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self) - base } ?? stop
            if index < segmentEnd && memchr(base + index, Int32(quote), segmentEnd - index) != nil {
                throw fail("unescaped double quote in HELP", .escapedString)
            }
            guard next != nil else { return escaped }
            guard segmentEnd + 1 < stop else { throw fail("backslash at the end of HELP", .escapedString) }
            escaped = true
            index = segmentEnd + 2
        }
    }

    /// A family's metadata line: the family must not have been left, nor have samples yet.
    mutating func enterMetadata(_ index: Int, _ keyword: String) throws(ParseError) {
        try enterOpenMetricsFamily(index)
        if families[index].hasSamples {
            throw fail("\(keyword) line for metric name \(quotedName(index)) after its samples", .metadataBeforeSamples)
        }
    }

    /// A family that a metadata line creates may not be named like another family's sample.
    mutating func checkNewFamilyName(_ index: Int) throws(ParseError) {
        let family = families[index]
        guard anySuffixes, let owner = suffixOwner(family.nameStart, family.nameLength)?.owner, owner != index else {
            return
        }
        throw fail(
            "metric name \(quotedName(index)) clashes with the samples of family \(quotedName(owner))", .nameClash)
    }

    /// A TYPE may not claim sample names that another family already has, nor give a unit to info or stateset.
    mutating func checkDeclaration(_ index: Int, _ declared: DeclaredType) throws(ParseError) {
        for suffix in SampleSuffix.withText where declared.suffixes & suffix.bit != 0 {
            if let other = findFamily(index, suffix) {
                throw fail(
                    "\(quotedName(index)) declares sample names of the existing family \(quotedName(other))",
                    .nameClash)
            }
        }
        try checkUnitAllowed(index, declared.kind)
    }
}
