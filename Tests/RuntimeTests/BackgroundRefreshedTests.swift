import Dispatch
import Synchronization
import Testing

@testable import Runtime

@Suite struct BackgroundRefreshedTests {
    @Test func theFirstCallerWaitsLaterOnesGetTheValueInHandWhileItsSuccessorIsMade() {
        let refreshed = BackgroundRefreshed<Int, String>(label: "test")
        let makes = Mutex(0)
        func make(_ text: String) -> @Sendable () -> String {
            {
                makes.withLock { $0 += 1 }
                return text
            }
        }
        #expect(refreshed.value(for: 1, make: make("one")) == "one")
        #expect(refreshed.value(for: 1, make: make("unused")) == "one")
        #expect(makes.withLock { $0 } == 1)

        // A new key: the previous value at once, the new one after the background make.
        let release = DispatchSemaphore(value: 0)
        #expect(
            refreshed.value(
                for: 2,
                make: {
                    release.wait()
                    return "two"
                }) == "one")
        // While it is being made, no second make starts.
        #expect(refreshed.value(for: 2, make: make("not made")) == "one")
        release.signal()
        refreshed.settle()
        #expect(refreshed.value(for: 2, make: make("unused")) == "two")
        #expect(makes.withLock { $0 } == 1)
    }
}
