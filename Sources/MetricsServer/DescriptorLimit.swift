#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The process's limit on open file descriptors, which bounds how many connections can be held.
public enum DescriptorLimit {
    /// The current soft limit, or nil when it cannot be read.
    public static var current: Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return limit.rlim_cur == rlim_t.max ? Int.max : Int(clamping: limit.rlim_cur)
    }

    /// Raises the soft limit to at least `wanted` descriptors, or as far as the hard limit allows.
    ///
    /// Never lowers it. Many systems start processes with a soft limit of 1024, far below the hard limit,
    /// which would refuse connections long before the server's own limit.
    /// - Returns: the soft limit in force afterwards, or nil when it cannot be read.
    @discardableResult
    public static func raise(toAtLeast wanted: Int) -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        let target = rlim_t(max(0, wanted))
        if limit.rlim_cur != rlim_t.max && limit.rlim_cur < target {
            limit.rlim_cur = limit.rlim_max == rlim_t.max ? target : min(target, limit.rlim_max)
            // Failure leaves the old limit, which is then reported.
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return current
    }
}
