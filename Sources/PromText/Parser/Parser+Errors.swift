/// Error text: what the parser quotes from the input when it reports a problem.
extension Parser {
    /// An error on the current line. In OpenMetrics the message ends by naming the rule broken.
    func fail(_ message: String, _ rule: OpenMetricsRule) -> ParseError { fail(at: line, message, rule) }

    func fail(at line: Int, _ message: String, _ rule: OpenMetricsRule) -> ParseError {
        guard openMetrics else { return ParseError(line: line, message: message) }
        return ParseError(line: line, message: "\(message) (rule \(rule.rawValue))", rule: rule)
    }

    /// Text for an error message: the bytes from `start` to the end of the token or line, quoted.
    func quoted(from start: Int, wholeLine: Bool = false) -> String {
        guard wholeLine else { return quoted(start, tokenEnd(from: start) - start) }
        var stop = start
        while stop < end && base[stop] != newline { stop += 1 }
        if stop > start && base[stop - 1] == carriageReturn { stop -= 1 }
        return quoted(start, stop - start)
    }

    /// The character at `index` for an error message, quoted, or "end of line".
    func shown(at index: Int) -> String {
        isLineEnd(index) ? "end of line" : quoted(index, 1)
    }

    /// A would-be label name at `start` for an error message: its name characters, or the one character that
    /// cannot start one.
    func shownLabelName(at start: Int) -> String {
        let stop = scan(from: start, while: ByteClass.labelName)
        return stop > start ? quoted(start, stop - start) : shown(at: start)
    }

    func quoted(_ start: Int, _ length: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: max(0, length)), as: UTF8.self)
            .debugDescription
    }

    /// The name of family `index`, quoted for an error message.
    func quotedName(_ index: Int) -> String { quoted(families[index].nameStart, families[index].nameLength) }
}
