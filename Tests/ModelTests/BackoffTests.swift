import Model
import Testing

@Suite struct BackoffTests {
    @Test func doublesFromTheInitialDelayUpToTheMaximum() {
        let backoff = Backoff(initial: 1.5, maximum: 10)
        #expect((0...6).map(backoff.delay(afterFailures:)) == [0, 1.5, 3, 6, 10, 10, 10])
    }

    @Test func aLongOutageStaysAtTheMaximumWithoutOverflow() {
        let backoff = Backoff(initial: 300, maximum: 3_600)
        #expect(backoff.delay(afterFailures: 10_000) == 3_600)
        #expect(backoff.delay(afterFailures: Int.max) == 3_600)
    }
}
