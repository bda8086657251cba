import Dispatch
import Synchronization

/// A value made for a key (e.g. a collection), remade in the background when the key changes: the first caller
/// waits for it, later callers get the value in hand at once while its successor is made on another thread.
///
/// For work that is too slow for a request and may lag by one key (the pages' history digest).
final class BackgroundRefreshed<Key: Equatable & Sendable, Value: Sendable>: Sendable {
    private struct State: Sendable {
        var current: (key: Key, value: Value)?
        var refreshing = false
    }

    private enum Step {
        case ready(Value)
        case refresh(Value)
        case first
    }

    private let state = Mutex(State())
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// The value for `key` if in hand; else the previous one while `make` runs in the background; else `make()`.
    func value(for key: Key, make: @escaping @Sendable () -> Value) -> Value {
        let step: Step = state.withLock { state in
            guard let current = state.current else { return .first }
            if current.key == key || state.refreshing { return .ready(current.value) }
            state.refreshing = true
            return .refresh(current.value)
        }
        switch step {
        case .ready(let value):
            return value
        case .refresh(let previous):
            queue.async { [self] in
                let value = make()
                state.withLock { $0 = State(current: (key, value), refreshing: false) }
            }
            return previous
        case .first:
            let value = make()
            state.withLock { state in
                if state.current == nil { state.current = (key, value) }
            }
            return value
        }
    }

    /// Waits until no background make is running (for tests).
    func settle() {
        queue.sync {}
    }
}
