/// Label sets: `{name="value",...}`, located first, then checked and built into strings.
///
/// A label whose name or raw value has the same bytes as the previous sample's label at the same position
/// takes that label's string without scanning or decoding it again: series of one family mostly share their
/// label names, and neighbouring series often share values.
extension Parser {
    /// Reads labels after `{` up to and including `}`.
    @inline(__always)
    mutating func readLabels(_ nameStart: Int, _ nameLength: Int) throws(ParseError) -> [Label] {
        var count = 0
        var sameNamesAsPrevious = true
        // The position lives in a local while scanning; `pos` is updated before anything that reads it.
        var index = pos
        while true {
            skipBlanks(&index)
            if at(index) == UInt8(ascii: "}") {
                if openMetrics && count > 0 {
                    throw fail("trailing comma in labels of metric \(quoted(nameStart, nameLength))", .labelSyntax)
                }
                index += 1
                break
            }
            if count == rawCapacity { growRawLabels() }
            let raw = try locateLabel(&index, count, nameStart, nameLength)
            if !raw.sameName { sameNamesAsPrevious = false }
            currentRaw[count] = raw
            count += 1
            if try labelSeparator(&index, raw) { break }
        }
        pos = index
        // The previous sample's names were already found distinct; the same names in the same order still are.
        if !(sameNamesAsPrevious && count == previousCount) && count > 1 {
            try checkDistinctNames(count, nameStart, nameLength)
        }
        let labels = try buildLabels(count)
        swap(&previousRaw, &currentRaw)
        previousCount = count
        previousLabels = labels
        return labels
    }

    /// Blanks between the tokens of labels: allowed in the text format, not in OpenMetrics.
    @inline(__always) func skipBlanks(_ index: inout Int) {
        guard !openMetrics else { return }
        while index < end && isBlank(base[index]) { index += 1 }
    }

    /// Finds one `name="value"` from `index`, leaving `index` after the closing quote.
    @inline(__always)
    mutating func locateLabel(
        _ index: inout Int, _ count: Int, _ nameStart: Int, _ nameLength: Int
    ) throws(ParseError) -> RawLabel {
        let hasPrevious = count < previousCount
        let previous = previousRaw[count]
        let labelStart = index
        var raw = RawLabel(nameStart: labelStart, nameLength: 0, valueStart: 0, valueLength: 0)
        if hasPrevious, labelStart + previous.nameLength <= end,
            bytesEqual(base + previous.nameStart, base + labelStart, previous.nameLength),
            classes[Int(at(labelStart + previous.nameLength))] & ByteClass.labelName == 0
        {
            index = labelStart + previous.nameLength
            raw.sameName = true
        } else {
            guard classes[Int(at(index))] & ByteClass.labelNameStart != 0 else {
                pos = index
                throw fail(
                    "invalid label name \(shownLabelName(at: index)) for metric \(quoted(nameStart, nameLength))",
                    .labelName)
            }
            index = scan(from: index + 1, while: ByteClass.labelName)
        }
        let labelLength = index - labelStart
        raw.nameLength = labelLength
        skipBlanks(&index)
        guard at(index) == UInt8(ascii: "=") else {
            throw fail(
                "expected '=' after label name \(quoted(labelStart, labelLength)), got \(shown(at: index))",
                .labelSyntax)
        }
        index += 1
        skipBlanks(&index)
        guard at(index) == quote else {
            throw fail(
                "expected '\"' at start of value of label \(quoted(labelStart, labelLength)), got \(shown(at: index))",
                .labelSyntax)
        }
        index += 1
        let valueStart = index
        raw.valueStart = valueStart
        // The same bytes followed by a quote end the value exactly where the previous one ended.
        if hasPrevious, valueStart + previous.valueLength < end,
            bytesEqual(base + previous.valueStart, base + valueStart, previous.valueLength),
            base[valueStart + previous.valueLength] == quote
        {
            index = valueStart + previous.valueLength
            raw.sameValue = true
        } else {
            (index, raw.escaped) = try scanLabelValue(from: valueStart, labelStart, labelLength)
        }
        raw.valueLength = index - valueStart
        index += 1
        return raw
    }

    /// Steps over the `,` or `}` after a label value; returns true at the `}`.
    @inline(__always)
    func labelSeparator(_ index: inout Int, _ raw: RawLabel) throws(ParseError) -> Bool {
        skipBlanks(&index)
        let byte = at(index)
        index += 1
        if byte == UInt8(ascii: ",") { return false }
        if byte == UInt8(ascii: "}") { return true }
        throw fail(
            "expected ',' or '}' after value of label \(quoted(raw.nameStart, raw.nameLength)), got \(shown(at: index - 1))",
            .labelSyntax)
    }

    func checkDistinctNames(_ count: Int, _ nameStart: Int, _ nameLength: Int) throws(ParseError) {
        for later in 1..<count {
            let name = currentRaw[later]
            for earlier in 0..<later
            where currentRaw[earlier].nameLength == name.nameLength
                && bytesEqual(base + currentRaw[earlier].nameStart, base + name.nameStart, name.nameLength)
            {
                throw fail(
                    "duplicate label name \(quoted(name.nameStart, name.nameLength)) for metric \(quoted(nameStart, nameLength))",
                    .labelName)
            }
        }
    }

    /// The labels located in `currentRaw`, as an array of exactly their number.
    mutating func buildLabels(_ count: Int) throws(ParseError) -> [Label] {
        var labels: [Label] = []
        labels.reserveCapacity(count)
        for index in 0..<count {
            let raw = currentRaw[index]
            let name = raw.sameName ? previousLabels[index].name : labelName(raw.nameStart, raw.nameLength)
            let value: String
            if raw.sameValue {
                value = previousLabels[index].value
            } else if let decoded = labelValue(raw) {
                value = decoded
            } else {
                throw fail("invalid UTF-8 in value of label \(quoted(raw.nameStart, raw.nameLength))", .utf8)
            }
            labels.append(Label(name, value))
        }
        return labels
    }

    mutating func growRawLabels() {
        // Which buffer holds the previous sample flips every sample; it must stay that way.
        let previousIsFirst = previousRaw == rawStorage.first
        rawCapacity *= 2
        rawStorage.grow(to: rawCapacity)
        previousRaw = previousIsFirst ? rawStorage.first : rawStorage.second
        currentRaw = previousIsFirst ? rawStorage.second : rawStorage.first
    }

    /// Checks a label value's escapes from `start`; returns the index of its closing quote and whether the value
    /// holds escapes. The text format knows `\\`, `\"` and `\n` only; OpenMetrics lets a backslash escape any
    /// character but a line feed. (Mutating only so that calling it does not copy the parser.)
    mutating func scanLabelValue(
        from start: Int, _ labelStart: Int, _ labelLength: Int
    ) throws(ParseError) -> (Int, Bool) {
        var index = start
        var escaped = false
        while true {
            guard index < end && base[index] != newline else {
                throw fail("unterminated value of label \(quoted(labelStart, labelLength))", .labelSyntax)
            }
            let byte = base[index]
            if byte == quote { return (index, escaped) }
            if byte == backslash {
                guard index + 1 < end && !(openMetrics && base[index + 1] == newline) else {
                    throw fail("unterminated value of label \(quoted(labelStart, labelLength))", .escapedString)
                }
                let next = base[index + 1]
                guard openMetrics || next == backslash || next == quote || next == UInt8(ascii: "n") else {
                    let shown = String(decoding: [backslash, next], as: UTF8.self)
                    throw fail(
                        "invalid escape sequence \(shown.debugDescription) in value of label \(quoted(labelStart, labelLength))",
                        .escapedString)
                }
                escaped = true
                index += 2
                continue
            }
            index += 1
        }
    }

    mutating func labelName(_ start: Int, _ length: Int) -> String {
        let hash = NameTable.hash(base + start, length)
        if let found = labelNameTable.find(base + start, length, hash: hash) { return labelNames[found] }
        labelNameTable.insert(base + start, length, hash: hash)
        let name = String(decoding: UnsafeBufferPointer(start: base + start, count: length), as: UTF8.self)
        labelNames.append(name)
        return name
    }

    /// The decoded value of a label, or nil if it is not valid UTF-8.
    mutating func labelValue(_ raw: RawLabel) -> String? {
        // Up to 15 UTF-8 bytes a String is stored inline: making it is cheaper than looking it up.
        if raw.valueLength <= 15 { return decodeLabelValue(raw) }
        let hash = NameTable.hash(base + raw.valueStart, raw.valueLength)
        if let found = labelValueTable.find(base + raw.valueStart, raw.valueLength, hash: hash) {
            return labelValues[found]
        }
        guard let value = decodeLabelValue(raw) else { return nil }
        labelValueTable.insert(base + raw.valueStart, raw.valueLength, hash: hash)
        labelValues.append(value)
        return value
    }

    mutating func decodeLabelValue(_ raw: RawLabel) -> String? {
        let text = UnsafeBufferPointer(start: base + raw.valueStart, count: raw.valueLength)
        guard raw.escaped else { return makeString(text) }
        unescape(text, into: &scratch)
        return scratch.withUnsafeBufferPointer { makeString($0) }
    }
}

/// Decodes the escapes of a label value or HELP text: `\\`, `\"` and `\n`; any other escape (which only
/// OpenMetrics lets through) is kept as written, backslash included.
func unescape(_ text: UnsafeBufferPointer<UInt8>, into bytes: inout [UInt8]) {
    bytes.removeAll(keepingCapacity: true)
    var index = 0
    while index < text.count {
        let byte = text[index]
        guard byte == backslash && index + 1 < text.count else {
            bytes.append(byte)
            index += 1
            continue
        }
        let next = text[index + 1]
        if next == UInt8(ascii: "n") {
            bytes.append(newline)
        } else if next == backslash || next == quote {
            bytes.append(next)
        } else {
            bytes.append(byte)
            bytes.append(next)
        }
        index += 2
    }
}
