import Model

#if canImport(Glibc)
    import Glibc
#endif

/// Reads this host from procfs: per-mode CPU seconds and boot time from `/proc/stat`, Active and MemTotal
/// from `/proc/meminfo`, uptime from `/proc/uptime`.
///
/// The reading's time is boot time plus uptime, a clock that moves with the CPU counters and is not disturbed
/// by wall-clock steps.
public struct LocalHostReader: Sendable {
    /// The procfs mount point; tests point it at a fixture folder.
    public let procRoot: String
    public let host: String
    public let labels: [String: String]

    public init(procRoot: String = "/proc", host: String? = nil, labels: [String: String] = [:]) {
        self.procRoot = procRoot
        self.host = host ?? Self.hostname()
        self.labels = labels
    }

    public func read() throws(ReaderError) -> HostReading {
        let stat = try Self.readFile("\(procRoot)/stat")
        let meminfo = try Self.readFile("\(procRoot)/meminfo")
        let uptime = try Self.readFile("\(procRoot)/uptime")
        return try Self.parse(stat: stat, meminfo: meminfo, uptime: uptime, host: host, labels: labels)
    }

    /// USER_HZ, the unit of `/proc/stat` CPU times; 100 on every Linux architecture that matters.
    static let userHertz = 100.0

    static func parse(
        stat: String,
        meminfo: String,
        uptime: String,
        host: String,
        labels: [String: String]
    ) throws(ReaderError) -> HostReading {
        var idle: Double?
        var total: Double?
        var cores = 0
        var bootTime: Double?
        for line in stat.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let key = fields.first else { continue }
            if key == "cpu" {
                // user nice system idle iowait irq softirq steal [guest guest_nice]; guest time is already
                // inside user and nice, so only the first eight are summed.
                let ticks = fields.dropFirst().prefix(8).map { Double($0) }
                guard ticks.count >= 4, ticks.allSatisfy({ $0 != nil }) else {
                    throw .malformed("\(line): unexpected cpu line")
                }
                let values = ticks.map { $0 ?? 0 }
                idle = values[3] / userHertz
                total = values.reduce(0, +) / userHertz
            } else if key.hasPrefix("cpu") {
                cores += 1
            } else if key == "btime", fields.count >= 2 {
                bootTime = Double(fields[1])
            }
        }
        guard let idle, let total else { throw .malformed("/proc/stat has no cpu line") }
        guard let bootTime else { throw .malformed("/proc/stat has no btime line") }
        guard let uptimeSeconds = uptime.split(separator: " ").first.flatMap({ Double($0) }) else {
            throw .malformed("/proc/uptime is not a number")
        }

        var memory: [Substring: Double] = [:]
        for line in meminfo.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, fields[0] == "Active:" || fields[0] == "MemTotal:" else { continue }
            memory[fields[0]] = Double(fields[1])
        }
        var activeRatio: Double?
        if let active = memory["Active:"], let memTotal = memory["MemTotal:"], memTotal > 0 {
            activeRatio = active / memTotal
        }
        return HostReading(
            host: host,
            labels: labels,
            timestamp: bootTime + uptimeSeconds,
            cpuIdleSeconds: idle,
            cpuTotalSeconds: total,
            cores: Double(cores),
            memoryActiveRatio: activeRatio,
            bootTime: bootTime
        )
    }

    static func readFile(_ path: String) throws(ReaderError) -> String {
        guard let file = fopen(path, "r") else {
            throw .malformed("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count > 0 { bytes.append(contentsOf: buffer[0..<count]) }
            if count < buffer.count { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
