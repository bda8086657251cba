import Dispatch
import Foundation
import Synchronization

/// Runs a piece of work now and then every `interval` seconds on its own thread, until stopped.
///
/// A dedicated thread rather than a task: the work blocks on network I/O, and blocking Swift's small
/// cooperative pool (two threads on a two-core host) would stall everything else.
public final class BackgroundLoop: Sendable {
    public let name: String
    public let interval: Double
    private let work: @Sendable () -> Void
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Mutex(false)
    private let started = Mutex(false)

    public init(name: String, interval: Double, work: @escaping @Sendable () -> Void) {
        self.name = name
        self.interval = interval
        self.work = work
    }

    public func start() {
        guard
            started.withLock({ value in
                defer { value = true }
                return !value
            })
        else { return }
        let thread = Thread { [self] in
            var next = DispatchTime.now()
            while !stopping.withLock({ $0 }) {
                work()
                // Keep a fixed cadence; after an overrun start again from now rather than catching up in a burst.
                next = next + interval
                if next < .now() { next = .now() + interval }
                if wake.wait(timeout: next) == .success { break }
            }
            finished.signal()
        }
        thread.name = "footprint-\(name)"
        thread.start()
    }

    /// Stops the loop and waits for a running iteration to finish.
    public func stop() {
        let wasRunning = started.withLock { $0 }
        let alreadyStopping = stopping.withLock { value in
            defer { value = true }
            return value
        }
        guard wasRunning, !alreadyStopping else { return }
        wake.signal()
        finished.wait()
    }
}
