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
