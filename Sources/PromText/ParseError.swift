/// A syntax error in an exposition, with the 1-based line it was found on.
public struct ParseError: Error, CustomStringConvertible, Equatable, Sendable {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    /// Worded like the Go parser's errors, so a scrape failure reads the same as it would in `promtool`.
    public var description: String { "text format parsing error in line \(line): \(message)" }
}
