import Model
import Synchronization

/// A wall clock that moves only when a test says so.
public final class ManualClock: WallClock {
    private let current: Mutex<Double>

    public init(_ start: Double = 1_795_000_000) {
        current = Mutex(start)
    }

    public func now() -> Double { current.withLock { $0 } }

    public func advance(by seconds: Double) {
        current.withLock { $0 += seconds }
    }

    public func set(_ time: Double) {
        current.withLock { $0 = time }
    }
}
