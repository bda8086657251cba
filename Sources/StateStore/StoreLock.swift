#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An advisory lock on a sidecar file next to the store, held for the store's lifetime, so that a second
/// exporter on the same file refuses to start instead of interleaving its saves with the first one's.
///
/// flock(2) locks belong to the open file, so the lock ends when the process does, however it ends, and a
/// second open in the same process is refused too. The sidecar (not the database) carries the lock because
/// SQLite uses POSIX record locks on the database itself, and because a damaged database may be moved aside.
final class StoreLock: Sendable {
    let path: String
    private let descriptor: Int32

    init(storePath: String) throws(StateStore.StoreError) {
        path = storePath + ".lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .cannotOpen("cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let number = errno
            close(descriptor)
            if number == EWOULDBLOCK {
                throw .locked(
                    "state store \(storePath) is in use by another exporter (lock \(path) is held); "
                        + "give each exporter its own --storage.path")
            }
            throw .cannotOpen("cannot lock \(path): \(String(cString: strerror(number)))")
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
