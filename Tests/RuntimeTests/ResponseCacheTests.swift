import Dispatch
import MetricsServer
import PromText
import Synchronization
import TestSupport
import Testing

@testable import Runtime

@Suite struct ResponseCacheTests {
    @Test func reusesAnAnswerUntilItAgesOrANewCollectionArrives() {
        let clock = ManualClock()
        let cache = ResponseCache(maximumAge: 1, clock: clock)
        let renders = Mutex(0)
        func get(_ generation: Int, format: ExpositionFormat = .text) -> ServerResponse {
            cache.response(
                for: .init(format: format, gzip: false, reloadSuccessful: true, reloadTime: 0), generation: generation
            ) {
                let count = renders.withLock {
                    $0 += 1
                    return $0
                }
                return .text("render \(count)")
            }
        }
        #expect(get(1).body == Array("render 1".utf8))
        #expect(get(1).body == Array("render 1".utf8))
        clock.advance(by: 0.5)
        #expect(get(1).body == Array("render 1".utf8))
        #expect(get(2).body == Array("render 2".utf8)) // a new collection
        #expect(get(2, format: .openMetrics).body == Array("render 3".utf8)) // another format
        clock.advance(by: 1)
        #expect(get(2).body == Array("render 4".utf8)) // aged out
        clock.advance(by: -10)
        #expect(get(2).body == Array("render 5".utf8)) // clock stepped back: not trusted
    }

    @Test func lookupsNeitherRenderNorWaitForARender() {
        let cache = ResponseCache(maximumAge: 10, clock: ManualClock())
        let key = ResponseCache.Key(format: .text, gzip: true, reloadSuccessful: true, reloadTime: 0)
        #expect(cache.cached(for: key, generation: 1) == nil)
        _ = cache.response(for: key, generation: 1) { .text("first") }
        #expect(cache.cached(for: key, generation: 1)?.body == Array("first".utf8))
        #expect(cache.cached(for: key, generation: 2) == nil)

        // While another format renders, the cached answer is still looked up at once.
        let other = ResponseCache.Key(format: .openMetrics, gzip: true, reloadSuccessful: true, reloadTime: 0)
        let rendering = DispatchSemaphore(value: 0)
        let finish = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            _ = cache.response(for: other, generation: 1) {
                rendering.signal()
                finish.wait()
                return .text("second")
            }
        }
        rendering.wait()
        #expect(cache.cached(for: key, generation: 1)?.body == Array("first".utf8))
        finish.signal()
        group.wait()
        #expect(cache.cached(for: other, generation: 1)?.body == Array("second".utf8))
    }

    @Test func thePreviousAnswerStandsInWhileItsSuccessorRenders() {
        let clock = ManualClock()
        let cache = ResponseCache(maximumAge: 1, clock: clock)
        let key = ResponseCache.Key(format: .text, gzip: true, reloadSuccessful: true, reloadTime: 0)
        _ = cache.response(for: key, generation: 1) { .text("first") }
        let rendering = DispatchSemaphore(value: 0)
        let finish = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            _ = cache.response(for: key, generation: 2) {
                rendering.signal()
                finish.wait()
                return .text("second")
            }
        }
        rendering.wait()
        // A new collection is being rendered: scrapes meanwhile get the last answer, on a handler thread too.
        #expect(cache.cached(for: key, generation: 2)?.body == Array("first".utf8))
        #expect(cache.response(for: key, generation: 2) { .text("not rendered") }.body == Array("first".utf8))
        // Another key has no answer to stand in.
        let other = ResponseCache.Key(format: .text, gzip: false, reloadSuccessful: true, reloadTime: 0)
        #expect(cache.cached(for: other, generation: 2) == nil)
        finish.signal()
        group.wait()
        #expect(cache.cached(for: key, generation: 2)?.body == Array("second".utf8))
        // Once aged out with no render running, nothing stands in.
        clock.advance(by: 2)
        #expect(cache.cached(for: key, generation: 2) == nil)
    }
}
