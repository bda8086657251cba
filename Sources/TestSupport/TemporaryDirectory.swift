import Foundation

/// A fresh folder under the system's temporary directory, for tests that write files.
public enum TemporaryDirectory {
    /// Creates `footprint-<prefix>-<random>` and returns its path.
    public static func make(_ prefix: String = "test") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "footprint-\(prefix)-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
