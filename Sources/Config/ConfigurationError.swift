/// Every problem found in a configuration file, each as `file:line: message`.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String

        public var description: String { "\(file):\(line): \(message)" }
    }

    public var problems: [Problem]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
