import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Threads that run request handlers away from libmicrohttpd's event threads.
///
/// An event thread serves many connections, so a handler that blocks (a slow render, a bcrypt check) must not
/// run on it. The pool grows on demand up to `maximum` threads and keeps at most `idleKept` of them waiting
/// when the work stops; when every thread is busy, jobs wait in arrival order. Idle connections never reach
/// the pool: only complete requests do.
final class HandlerPool: Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var nextJob = 0
        var threads = 0
        var idle = 0
        var stopping = false

        var hasJob: Bool { nextJob < jobs.count }

        mutating func popJob() -> @Sendable () -> Void {
            let job = jobs[nextJob]
            nextJob += 1
            // Compacts once the taken prefix dominates, so the array stays as small as the backlog.
            if nextJob > 64 && nextJob * 2 > jobs.count {
                jobs.removeFirst(nextJob)
                nextJob = 0
            }
            return job
        }
    }

    private enum Step {
        case run(@Sendable () -> Void)
        case wait
        case exit
    }

    let maximum: Int
    let idleKept: Int
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    init(maximum: Int, idleKept: Int) {
        self.maximum = max(1, maximum)
        self.idleKept = max(0, min(idleKept, maximum))
    }

    /// Runs `prepare` and queues `job`, both under the pool's lock, unless the pool is stopping.
    ///
    /// `prepare` is where the caller suspends the connection: doing it under the lock means a stopping pool
    /// never leaves a connection suspended with no job to resume it.
    /// - Returns: false, with neither closure run, once `drain()` has begun.
    func submit(prepare: () -> Void, job: @escaping @Sendable () -> Void) -> Bool {
        let outcome: (accepted: Bool, spawn: Bool) = state.withLock { state in
            guard !state.stopping else { return (false, false) }
            prepare()
            state.jobs.append(job)
            if state.idle > 0 {
                state.idle -= 1
                wake.signal()
                return (true, false)
            }
            guard state.threads < maximum else { return (true, false) }
            state.threads += 1
            return (true, true)
        }
        if outcome.spawn && !DetachedThread.start({ [self] in work() }) {
            spawnFailed()
        }
        return outcome.accepted
    }

    /// Runs every queued job, lets the threads end, and refuses new jobs; returns when no thread is left.
    func drain() {
        state.withLock { state in
            state.stopping = true
            for _ in 0..<state.idle { wake.signal() }
            state.idle = 0
        }
        while state.withLock({ $0.threads > 0 || $0.hasJob }) {
            // Stopping is rare and short; polling avoids a second semaphore that every job would signal.
            usleep(1000)
        }
    }

    private func work() {
        while true {
            let step: Step = state.withLock { state in
                if state.hasJob { return .run(state.popJob()) }
                if state.stopping || state.idle >= idleKept {
                    state.threads -= 1
                    return .exit
                }
                state.idle += 1
                return .wait
            }
            switch step {
            case .run(let job): job()
            case .wait: wake.wait()
            case .exit: return
            }
        }
    }

    /// Without a new thread the queued jobs would wait forever when no other thread exists; they run here.
    private func spawnFailed() {
        let orphaned: [@Sendable () -> Void] = state.withLock { state in
            state.threads -= 1
            guard state.threads == 0 else { return [] }
            var jobs: [@Sendable () -> Void] = []
            while state.hasJob { jobs.append(state.popJob()) }
            return jobs
        }
        for job in orphaned { job() }
    }
}
