import Foundation

/// Shell commands a test needs run (openssl making certificates), in a folder, stopping at the first failure.
public enum ShellScript {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `commands` with `/bin/sh -e` in `directory`, output discarded.
    /// - Throws: `Failure` with `failure` as its text when a command fails.
    public static func run(_ commands: [String], in directory: String, failure: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-ec", commands.joined(separator: "\n")]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: failure) }
    }
}
