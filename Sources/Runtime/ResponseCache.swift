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

    public let maximumAge: Double
    private let clock: any WallClock
    // Two locks: a lookup (from a server event thread, see `cached`) never waits behind a render.
    private let entries = Mutex<[Key: Entry]>([:])
    private let rendering = Mutex(())

    public init(maximumAge: Double = 1, clock: any WallClock) {
        self.maximumAge = maximumAge
        self.clock = clock
    }

    /// Bodies larger than this are not kept: a large fleet's uncompressed exposition is megabytes, and
    /// scrapers ask for gzip, whose body is a tenth of that.
    public static let maximumBodyBytes = 4 << 20

    /// The cached answer for `key` at `generation`, if one is fresh; never renders and never waits for a render.
    public func cached(for key: Key, generation: Int) -> ServerResponse? {
        let now = clock.now()
        return entries.withLock { entries in
            guard let entry = entries[key], isFresh(entry, generation: generation, now: now) else { return nil }
            return entry.response
        }
    }

    /// The cached answer for `key` at `generation`, or the one `make` renders (one render at a time).
    public func response(for key: Key, generation: Int, make: () -> ServerResponse) -> ServerResponse {
        if let hit = cached(for: key, generation: generation) { return hit }
        return rendering.withLock { _ in
            // A render that finished while this one waited is reused.
            if let hit = cached(for: key, generation: generation) { return hit }
            let now = clock.now()
            // Stale answers go first, so an old and a new exposition are never held at once.
            entries.withLock { entries in
                entries = entries.filter { isFresh($0.value, generation: generation, now: now) }
            }
            let response = make()
            if response.body.count <= Self.maximumBodyBytes {
                entries.withLock { $0[key] = Entry(generation: generation, createdAt: now, response: response) }
            }
            return response
        }
    }

    private func isFresh(_ entry: Entry, generation: Int, now: Double) -> Bool {
        entry.generation == generation && now - entry.createdAt < maximumAge && now >= entry.createdAt
    }
}
