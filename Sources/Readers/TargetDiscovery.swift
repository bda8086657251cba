import Config
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The scrape targets: static groups plus Prometheus file_sd files, re-read when they change.
///
/// A file that cannot be read or parsed keeps contributing the targets it had before, and the problem is
/// logged once per change of the file, so a half-written file never empties the target list.
public final class TargetDiscovery: Sendable {
    public struct Target: Sendable, Equatable {
        public var address: String
        public var labels: [String: String]

        public init(address: String, labels: [String: String]) {
            self.address = address
            self.labels = labels
        }
    }

    private struct FileState {
        var modified: timespec
        var size: Int
        var groups: [Configuration.TargetGroup]
        var error: String?
    }

    private let staticGroups: [Configuration.TargetGroup]
    private let patterns: [String]
    private let logger: Logger
    private let files = Mutex<[String: FileState]>([:])

    public init(staticGroups: [Configuration.TargetGroup], patterns: [String], logger: Logger) {
        self.staticGroups = staticGroups
        self.patterns = patterns
        self.logger = logger
    }

    /// Files whose last read failed, with the reason.
    public var brokenFiles: [String: String] {
        files.withLock { $0.compactMapValues(\.error) }
    }

    /// Every target, first occurrence of an address winning, in a stable order.
    public func targets() -> [Target] {
        var groups = staticGroups
        for path in patterns.flatMap(Self.expand).sorted() {
            groups += read(path)
        }
        // Forget files that no longer match any pattern.
        let present = Set(patterns.flatMap(Self.expand))
        files.withLock { $0 = $0.filter { present.contains($0.key) } }
        var seen = Set<String>()
        var targets: [Target] = []
        for group in groups {
            for address in group.targets where seen.insert(address).inserted {
                targets.append(Target(address: address, labels: group.labels))
            }
        }
        return targets
    }

    private func read(_ path: String) -> [Configuration.TargetGroup] {
        var info = stat()
        guard stat(path, &info) == 0 else { return files.withLock { $0[path]?.groups ?? [] } }
        let known = files.withLock { $0[path] }
        if let known, known.modified.tv_sec == info.st_mtim.tv_sec, known.modified.tv_nsec == info.st_mtim.tv_nsec,
            known.size == Int(info.st_size)
        {
            return known.groups
        }
        var state = FileState(modified: info.st_mtim, size: Int(info.st_size), groups: known?.groups ?? [], error: nil)
        do throws(ConfigurationError) {
            state.groups = try ConfigurationLoader.targetGroups(contents: ConfigurationLoader.read(path), file: path)
            logger.info(
                "file_sd targets loaded",
                metadata: ["file": "\(path)", "targets": "\(state.groups.reduce(0) { $0 + $1.targets.count })"])
        } catch {
            state.error = error.description
            logger.error(
                "file_sd file rejected; keeping its previous targets", metadata: ["file": "\(path)", "err": "\(error)"])
        }
        files.withLock { $0[path] = state }
        return state.groups
    }

    public static func expand(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }
    }
}
