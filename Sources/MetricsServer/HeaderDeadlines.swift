import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Closes connections that do not finish sending a request's line and headers in time.
///
/// libmicrohttpd only has an idle timeout, which any byte resets: a client sending one header byte every few
/// seconds (slow-loris) would hold its connection forever. Each connection gets a deadline when it opens and
/// again after each response; a watchdog thread shuts down the socket of any connection still short of its
/// headers at the deadline, and libmicrohttpd then closes it as a client that hung up. While a request is being
/// handled or answered there is no deadline (the idle timeout still applies).
final class HeaderDeadlines: Sendable {
    private struct Entry {
        var descriptor: Int32
        /// Monotonic seconds; nil while a request is past its headers.
        var deadline: Double?
    }

    /// Time for a new connection to deliver its first request's headers, in seconds.
    let headerTimeout: Double
    /// Time for a kept-alive connection to deliver the next request's headers after a response: the idle
    /// timeout (a client may wait that long before its next request) plus the header timeout.
    let nextRequestTimeout: Double
    private let entries = Mutex<[UInt: Entry]>([:])
    private let expiredCount = Atomic<Int>(0)
    private let watchdog = PeriodicTask()

    init(headerTimeout: Double, idleTimeout: Double) {
        self.headerTimeout = headerTimeout
        self.nextRequestTimeout = idleTimeout + headerTimeout
    }

    /// Connections closed so far because their headers came too late.
    var expired: Int { expiredCount.load(ordering: .relaxed) }

    func connectionOpened(_ connection: OpaquePointer, descriptor: Int32) {
        guard descriptor >= 0 else { return }
        let deadline = Self.now() + headerTimeout
        entries.withLock { $0[UInt(bitPattern: connection)] = Entry(descriptor: descriptor, deadline: deadline) }
    }

    /// The headers of the connection's current request are complete.
    func headersReceived(_ connection: OpaquePointer) {
        entries.withLock { $0[UInt(bitPattern: connection)]?.deadline = nil }
    }

    /// A response has been sent (or the request abandoned); the next request's headers are now awaited.
    func requestFinished(_ connection: OpaquePointer) {
        let deadline = Self.now() + nextRequestTimeout
        entries.withLock { $0[UInt(bitPattern: connection)]?.deadline = deadline }
    }

    /// libmicrohttpd is about to close the socket; from here on its number may be reused, so it is forgotten
    /// under the same lock the watchdog shuts sockets down under.
    func connectionClosed(_ connection: OpaquePointer) {
        _ = entries.withLock { $0.removeValue(forKey: UInt(bitPattern: connection)) }
    }

    /// Starts the watchdog thread; false when no thread could be started.
    func start() -> Bool {
        // A quarter of the timeout (at most 250 ms) keeps a deadline's overshoot small without busy waking.
        watchdog.start(period: min(0.25, max(0.01, headerTimeout / 4))) { [self] in closeExpired() }
    }

    /// Stops the watchdog thread and waits for it.
    func stop() { watchdog.stop() }

    private func closeExpired() {
        let now = Self.now()
        let closed = entries.withLock { entries in
            var closed = 0
            for (key, entry) in entries {
                guard let deadline = entry.deadline, deadline <= now else { continue }
                // shutdown, not close: the descriptor stays libmicrohttpd's to close, and its next read fails.
                shutdown(entry.descriptor, Int32(SHUT_RDWR))
                entries[key]?.deadline = nil
                closed += 1
            }
            return closed
        }
        if closed > 0 { expiredCount.add(closed, ordering: .relaxed) }
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
