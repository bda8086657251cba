import Dispatch
import Foundation
import Synchronization
import Testing

@testable import MetricsServer

/// The handler threads: they grow with concurrent work up to their maximum, then jobs queue in order; a
/// drained pool runs what was queued and refuses more.
@Suite struct HandlerPoolTests {
    @Test func concurrentJobsGetThreadsOfTheirOwnUpToTheMaximum() throws {
        let pool = HandlerPool(maximum: 4, idleKept: 1)
        let running = Atomic<Int>(0)
        let peak = Atomic<Int>(0)
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<12 {
            let accepted = pool.submit(
                prepare: {},
                job: {
                    let now = running.add(1, ordering: .relaxed).newValue
                    _ = peak.max(now, ordering: .relaxed)
                    usleep(50_000)
                    running.subtract(1, ordering: .relaxed)
                    done.signal()
                })
            #expect(accepted)
        }
        for _ in 0..<12 { done.wait() }
        #expect(peak.load(ordering: .relaxed) == 4)
        pool.drain()
    }

    @Test func drainRunsQueuedJobsThenRefusesNewOnes() throws {
        let pool = HandlerPool(maximum: 1, idleKept: 0)
        let order = Mutex<[Int]>([])
        for index in 0..<5 {
            _ = pool.submit(
                prepare: {},
                job: {
                    usleep(10_000)
                    order.withLock { $0.append(index) }
                })
        }
        pool.drain()
        #expect(order.withLock { $0 } == [0, 1, 2, 3, 4])
        var prepared = false
        let accepted = pool.submit(prepare: { prepared = true }, job: {})
        #expect(!accepted)
        #expect(!prepared)
    }
}
