import Foundation
import HTTPClient

/// A real program (Prometheus, node_exporter, the exporter binary) started by a test and stopped after it.
///
/// Output goes to a log file in a temporary folder, shown in failure messages.
public final class ExternalProcess: @unchecked Sendable {
    // @unchecked: `process` is only mutated in init and `stop`, which tests call from one task.
    public let name: String
    public let logPath: String
    private let process: Process

    public struct LaunchError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `executable` with `arguments` (looked up in PATH when not absolute).
    public init(
        _ executable: String, _ arguments: [String], name: String? = nil, workingDirectory: String? = nil
    ) throws {
        self.name = name ?? URL(fileURLWithPath: executable).lastPathComponent
        guard let path = Self.resolve(executable) else {
            throw LaunchError(description: "\(executable) is not installed (run `make test`, which installs it)")
        }
        let logDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("footprint-tests")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        logPath = logDirectory.appendingPathComponent("\(self.name)-\(UUID().uuidString.prefix(8)).log").path
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    public var isRunning: Bool { process.isRunning }
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Stops the program with SIGTERM (SIGKILL after `grace` seconds) and waits for it.
    public func stop(grace: Double = 5) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Sends a signal without waiting.
    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the program to exit and returns its status.
    public func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard !process.isRunning else { return nil }
        return process.terminationStatus
    }

    /// The program's output so far.
    public var output: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Polls `url` until it answers 200 or the timeout passes.
    public func waitUntilReady(_ url: String, timeout: Double = 20) throws {
        let fetcher = try CurlHTTPClient(userAgent: "footprint-tests")
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else {
                throw LaunchError(description: "\(name) exited early:\n\(output.suffix(2_000))")
            }
            if let response = try? fetcher.fetch(HTTPRequest(url: url, timeoutSeconds: 1)), response.status == 200 {
                return
            }
            usleep(100_000)
        }
        throw LaunchError(description: "\(name) not ready at \(url) after \(timeout) s:\n\(output.suffix(2_000))")
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    static func resolve(_ executable: String) -> String? {
        if executable.hasPrefix("/") {
            return FileManager.default.isExecutableFile(atPath: executable) ? executable : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + [
            "/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin",
        ] {
            let candidate = "\(directory)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
