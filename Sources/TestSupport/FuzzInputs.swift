import Foundation

/// The inputs kept for one fuzz target: its minimal corpus (`Fuzz/corpus/<target>/`) and every crasher it
/// ever found (`Fuzz/regressions/<target>/`), so tests replay them through the code the fuzzer drives.
public enum FuzzInputs {
    /// One kept input: where it lives, relative to `Fuzz/`, and its bytes.
    public struct Input: Sendable {
        public var name: String
        public var bytes: [UInt8]
    }

    /// An answer whose columns (`instance`, `job`) a decoded body is expected to repeat, in the
    /// `prometheus-json` target and its replay: values the corpus holds, one a prefix of another, a short one
    /// kept in place and a non-ASCII one, so that mutations meet near misses of every kind.
    public static let expectedPrometheusAnswer = Array(
        (#"{"status":"success","data":{"resultType":"vector","result":["#
            + #"{"metric":{"instance":"127.0.0.1:19101","job":"node"},"value":[1,"1"]},"#
            + #"{"metric":{"instance":"127.0.0.1:19102","job":"nod"},"value":[1,"1"]},"#
            + #"{"metric":{"instance":"127.0.0.1:191","job":"node"},"value":[1,"1"]},"#
            + #"{"metric":{"instance":"wörkspace-1.example.net:9100","job":"node"},"value":[1,"1"]}]}}"#).utf8)

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
