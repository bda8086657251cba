import CMalloc

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
    public static func configureAllocator() {
        mallopt(M_MMAP_THRESHOLD, 256 * 1024)
    }
}
