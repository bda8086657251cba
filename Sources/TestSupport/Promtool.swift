import Foundation

/// Debian's promtool, which `make test` installs; tests fail rather than skip when it is missing.
public enum Promtool {
    /// Runs promtool with `arguments`, feeding the file at `stdinPath` on standard input.
    public static func run(_ arguments: [String], stdinPath: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: stdinPath))
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// `promtool check metrics < path`: exit 0 when the exposition parses and passes the lint.
    public static func checkMetrics(_ path: String) throws -> (status: Int32, output: String) {
        try run(["check", "metrics"], stdinPath: path)
    }
}
