import CMalloc

#if canImport(Glibc)
    import Glibc
#endif

/// Hands memory freed by a large transient task back to the system.
///
/// A collection decodes megabytes of JSON and a scrape of a large fleet renders megabytes of text; glibc
/// keeps freed heap pages (and raises its mmap threshold after large frees), so without this the resident
/// size would stay at the high-water mark of the largest collection or scrape.
public enum ReleaseMemory {
    public static func now() {
        malloc_trim(0)
    }

    /// Keeps buffers of 256 KiB and more in their own mappings, returned to the system when freed, instead of
    /// letting glibc raise that threshold after the first large free.
    ///
    /// Also caps glibc's arenas at two per core instead of eight: request, collection and loop threads would
    /// otherwise each settle in an arena of their own, every one holding its own freed pages. Under
    /// `bench/load.sh 1000 30s 64` on two cores the anonymous memory after the load was 8.4–8.8 MB with the cap
    /// and 9.0–11.3 MB without it.
    public static func configureAllocator() {
        mallopt(M_MMAP_THRESHOLD, 256 * 1024)
        mallopt(M_ARENA_MAX, Int32(max(2, 2 * sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
    }
}

extension ReleaseMemory {
    /// Asks the kernel to reclaim the executable's code pages, once start-up is over.
    ///
    /// Start-up runs code a running exporter never needs again: argument parsing, configuration checks, store
    /// migrations, runtime and library initialisation. The kernel maps code 64 KiB at a time, so after start about
    /// two thirds of the release binary's code (some 20 MiB) is resident. Reclaimed, those pages stay on disk and
    /// the code collections and scrapes run faults back in: 8–10 MiB less at 10,000 hosts (`bench/rss.sh`).
    /// `MADV_PAGEOUT` only drops clean pages mapped by no other process, so nothing is lost and replicas sharing
    /// the binary keep theirs.
    /// - Returns: the bytes of code mappings advised, or nil when the mapping was not found or the kernel
    ///   refused (older than Linux 5.4).
    @discardableResult
    public static func reclaimCodePages() -> Int? {
        guard let mapping = executableCodeMapping() else { return nil }
        let length = Int(mapping.upperBound - mapping.lowerBound)
        guard madvise(UnsafeMutableRawPointer(bitPattern: mapping.lowerBound), length, MADV_PAGEOUT) == 0 else {
            return nil
        }
        return length
    }

    /// The address range of the executable's `r-xp` mapping, from `/proc/self/maps`.
    static func executableCodeMapping() -> Range<UInt>? {
        var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &target, target.count - 1)
        guard length > 0, let maps = fopen("/proc/self/maps", "r") else { return nil }
        defer { fclose(maps) }
        let executable = String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, maps) > 0, let line {
            // start-end perms offset device inode path
            let fields = String(cString: line).split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, fields[1] == "r-xp" else { continue }
            // The path is padded on the left and ends the line.
            let path = fields[5].drop { $0 == " " }
            guard path.dropLast(path.hasSuffix("\n") ? 1 : 0) == executable else { continue }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
                end > start
            else { continue }
            return start..<end
        }
        return nil
    }
}
