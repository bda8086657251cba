import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A thread of its own that runs `body` every `period` seconds until stopped.
final class PeriodicTask: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(false)

    /// Starts the thread; false when the system gives none.
    func start(period: Double, _ body: @escaping @Sendable () -> Void) -> Bool {
        running.store(true, ordering: .relaxed)
        let started = DetachedThread.start { [self] in
            while !stopping.load(ordering: .acquiring) {
                usleep(useconds_t(period * 1_000_000))
                if stopping.load(ordering: .acquiring) { break }
                body()
            }
            stopped.signal()
        }
        if !started { running.store(false, ordering: .relaxed) }
        return started
    }

    /// Stops the thread and waits for its current run to end; does nothing when it never started.
    func stop() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        stopping.store(true, ordering: .releasing)
        stopped.wait()
    }
}
