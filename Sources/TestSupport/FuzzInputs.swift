import Foundation

/// The inputs kept for one fuzz target: its minimal corpus (`Fuzz/corpus/<target>/`) and every crasher it
/// ever found (`Fuzz/regressions/<target>/`), so tests replay them through the code the fuzzer drives.
public enum FuzzInputs {
    /// One kept input: where it lives, relative to `Fuzz/`, and its bytes.
    public struct Input: Sendable {
        public var name: String
        public var bytes: [UInt8]
    }

    /// The repository's `Fuzz` folder.
    public static var directory: URL {
        // This file is <package>/Sources/TestSupport/FuzzInputs.swift.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz")
    }

    /// Corpus files then regressions, each sorted by name; hidden files (`.gitkeep`) are left out.
    public static func all(_ target: String) throws(FixtureError) -> [Input] {
        try files("corpus/\(target)") + files("regressions/\(target)")
    }

    /// The regressions alone: crashers, each of which must stay fixed.
    public static func regressions(_ target: String) throws(FixtureError) -> [Input] {
        try files("regressions/\(target)")
    }

    static func files(_ folder: String) throws(FixtureError) -> [Input] {
        let path = directory.appendingPathComponent(folder).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        var inputs: [Input] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            inputs.append(Input(name: "\(folder)/\(name)", bytes: try Fixture.read(path: "\(path)/\(name)")))
        }
        return inputs
    }
}
