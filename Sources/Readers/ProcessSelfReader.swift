import Foundation
import Model

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads the exporter's own `ProcessStatistics` from procfs (`/proc/self`), the way client_golang's process
/// collector does: CPU and start time from `stat`, memory from `stat`'s vsize and rss, descriptors from `fd/`
/// and `limits`. The parsing is pure; `read` does the I/O.
public struct ProcessSelfReader: Sendable {
    public let procRoot: String

    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
    }

    /// The statistics now, or nil when `/proc/self/stat` or the boot time cannot be read or parsed.
    public func read() -> ProcessStatistics? {
        guard let stat = try? String(contentsOfFile: "\(procRoot)/self/stat", encoding: .utf8),
            let systemStat = try? String(contentsOfFile: "\(procRoot)/stat", encoding: .utf8),
            let bootTime = Self.bootTime(systemStat: systemStat)
        else { return nil }
        let limits = try? String(contentsOfFile: "\(procRoot)/self/limits", encoding: .utf8)
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "\(procRoot)/self/fd")).map {
            Double($0.count)
        }
        return Self.parse(
            stat: stat, limits: limits, openFileDescriptors: descriptors, bootTime: bootTime,
            ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))), pageSize: Double(sysconf(Int32(_SC_PAGESIZE))))
    }

    /// `btime` of the system-wide `/proc/stat`: boot time, Unix seconds.
    public static func bootTime(systemStat: String) -> Double? {
        for line in systemStat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// Parses `/proc/self/stat` and `/proc/self/limits`.
    ///
    /// The command name (field 2) is in parentheses and may hold spaces and parentheses itself, so fields are
    /// counted from the last `)`.
    public static func parse(
        stat: String, limits: String?, openFileDescriptors: Double?, bootTime: Double, ticksPerSecond: Double,
        pageSize: Double
    ) -> ProcessStatistics? {
        guard let close = stat.lastIndex(of: ")"), ticksPerSecond > 0 else { return nil }
        // Fields from 3 (state) on; field n is at index n - 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        func field(_ number: Int) -> Double? {
            let index = number - 3
            guard index >= 0, index < fields.count else { return nil }
            return Double(fields[index])
        }
        guard let userTicks = field(14), let systemTicks = field(15), let startTicks = field(22),
            let virtualBytes = field(23), let residentPages = field(24)
        else { return nil }
        return ProcessStatistics(
            cpuSeconds: (userTicks + systemTicks) / ticksPerSecond,
            residentMemoryBytes: residentPages * pageSize,
            virtualMemoryBytes: virtualBytes,
            openFileDescriptors: openFileDescriptors,
            maxFileDescriptors: limits.flatMap(maxOpenFiles),
            startTimeSeconds: bootTime + startTicks / ticksPerSecond)
    }

    /// The soft limit of the `Max open files` line; nil when unlimited or absent.
    static func maxOpenFiles(limits: String) -> Double? {
        for line in limits.split(separator: "\n") where line.hasPrefix("Max open files") {
            let words = line.dropFirst("Max open files".count).split(separator: " ", omittingEmptySubsequences: true)
            return words.first.flatMap { Double($0) }
        }
        return nil
    }
}
