import Foundation

/// Files under the repository's `Tests/Fixtures/` folder, found relative to this source file so tests work
/// from any working directory.
public enum Fixture {
    /// The fixtures folder: `Tests/Fixtures` under the package root.
    public static var sharedDirectory: String {
        // This file is <package>/Sources/TestSupport/Fixture.swift.
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Tests")
            .appendingPathComponent("Fixtures")
            .path
    }

    /// The file-system path of a shared fixture, e.g. `sharedURL("prometheus-api/up.json")`.
    public static func sharedURL(_ relative: String) -> String {
        sharedDirectory + "/" + relative
    }

    /// The bytes of a shared fixture.
    /// - Throws: `FixtureError` when the file cannot be read.
    public static func data(_ relative: String) throws(FixtureError) -> [UInt8] {
        try read(path: sharedURL(relative))
    }

    /// The bytes of any file.
    /// - Throws: `FixtureError` when the file cannot be read.
    public static func read(path: String) throws(FixtureError) -> [UInt8] {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw FixtureError(path: path)
        }
        return [UInt8](contents)
    }
}

/// A fixture file that could not be read.
public struct FixtureError: Error, CustomStringConvertible, Equatable {
    public let path: String

    public var description: String { "cannot read fixture \(path)" }
}
