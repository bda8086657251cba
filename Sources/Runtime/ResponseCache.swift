import MetricsServer
import Model
import PromText
import Synchronization

/// The last rendered (and compressed) `/metrics` answer per format and encoding, reused for up to a second
/// or until the next collection.
///
/// Scrapes between collections would render identical host data again; under many concurrent scrapers
/// that work, not the data, is what costs. One renderer at a time fills the cache (the others wait and
/// reuse its result), so a burst of scrapes costs one render. Ages and durations in the answer may be up to
/// `maximumAge` old.
///
/// While an answer is being rendered again, lookups get the previous one for its key (at most one render
/// older), rather than waiting: a render of a large fleet takes tens of milliseconds, and every scrape that
/// arrived meanwhile would otherwise carry that wait.
public final class ResponseCache: Sendable {
    public struct Key: Hashable, Sendable {
        public var format: ExpositionFormat
        public var gzip: Bool
        public var reloadSuccessful: Bool
        public var reloadTime: Double
    }

    private struct Entry: Sendable {
        var generation: Int
        var createdAt: Double
        var response: ServerResponse
    }

    private struct State: Sendable {
        var entries: [Key: Entry] = [:]
        /// Keys whose answer is being rendered now; their previous entry stands in meanwhile.
        var rendering: Set<Key> = []
    }

    public let maximumAge: Double
    private let clock: any WallClock
    // Two locks: a lookup (from a server event thread, see `cached`) never waits behind a render.
    private let state = Mutex(State())
    private let renderer = Mutex(())

    public init(maximumAge: Double = 1, clock: any WallClock) {
        self.maximumAge = maximumAge
        self.clock = clock
    }

    /// Bodies larger than this are not kept: a large fleet's uncompressed exposition is megabytes, and
    /// scrapers ask for gzip, whose body is a tenth of that.
    public static let maximumBodyBytes = 4 << 20

    /// The cached answer for `key` at `generation` if one is fresh, or the previous one while its successor is
    /// being rendered; never renders and never waits for a render.
    public func cached(for key: Key, generation: Int) -> ServerResponse? {
        let now = clock.now()
        return state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            return isFresh(entry, generation: generation, now: now) || state.rendering.contains(key)
                ? entry.response : nil
        }
    }

    /// The cached answer for `key` at `generation`, or the one `make` renders (one render at a time).
    public func response(for key: Key, generation: Int, make: () -> ServerResponse) -> ServerResponse {
        if let hit = cached(for: key, generation: generation) { return hit }
        return renderer.withLock { _ in
            let now = clock.now()
            let previous: ServerResponse? = state.withLock { state in
                // A render that finished while this one waited is reused.
                if let entry = state.entries[key], isFresh(entry, generation: generation, now: now) {
                    return entry.response
                }
                // Stale answers go, but for this key's, which stands in until its successor is ready.
                state.entries = state.entries.filter {
                    $0.key == key || isFresh($0.value, generation: generation, now: now)
                }
                state.rendering.insert(key)
                return nil
            }
            if let previous { return previous }
            let response = make()
            state.withLock { state in
                state.rendering.remove(key)
                // A streamed answer is rendered again as it is sent; holding it would save nothing.
                if response.streamedBody == nil, response.body.count <= Self.maximumBodyBytes {
                    state.entries[key] = Entry(generation: generation, createdAt: now, response: response)
                } else {
                    state.entries[key] = nil
                }
            }
            return response
        }
    }

    private func isFresh(_ entry: Entry, generation: Int, now: Double) -> Bool {
        entry.generation == generation && now - entry.createdAt < maximumAge && now >= entry.createdAt
    }
}
