import Foundation

/// Golden files: expected output kept beside the tests, compared byte for byte.
///
/// `UPDATE_GOLDEN=1 swift test` rewrites them in the source tree instead of comparing; a golden file changes
/// only in a commit that says why.
public enum Golden {
    /// Compares `actual` with `Fixtures/<name>` in the folder of the test file `testFile`; returns nil when
    /// equal (or rewritten) and a readable difference otherwise.
    public static func compare(_ actual: [UInt8], name: String, testFile: String = #filePath) -> String? {
        let path = URL(fileURLWithPath: testFile).deletingLastPathComponent().appendingPathComponent("Fixtures")
            .appendingPathComponent(name).path
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            FileManager.default.createFile(atPath: path, contents: Data(actual))
            return nil
        }
        guard let expected = FileManager.default.contents(atPath: path) else {
            return "golden file \(name) is missing; run UPDATE_GOLDEN=1 swift test to create it"
        }
        guard [UInt8](expected) != actual else { return nil }
        let expectedLines = String(decoding: expected, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        let actualLines = String(decoding: actual, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(expectedLines.count, actualLines.count) {
            let want = index < expectedLines.count ? String(expectedLines[index]) : "<end>"
            let got = index < actualLines.count ? String(actualLines[index]) : "<end>"
            if want != got { return "\(name) line \(index + 1):\n  expected: \(want)\n  actual:   \(got)" }
        }
        return "\(name) differs"
    }

    /// The path of a golden file, for handing to external tools such as promtool.
    public static func path(_ name: String, testFile: String = #filePath) -> String {
        URL(fileURLWithPath: testFile).deletingLastPathComponent().appendingPathComponent("Fixtures")
            .appendingPathComponent(name).path
    }
}
