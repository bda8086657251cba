import Model
import Synchronization

/// Energy counters that grow at settable powers, as a meter's do: each change of power first adds the energy
/// used at the old power up to now. Safe to use from concurrent threads (an exporter's request thread and a test).
public final class EnergyMeter: Sendable {
    private struct State {
        var watts: [String: Double]
        var joules: [String: Double]
        var since: Double
    }

    private let clock: any WallClock
    private let state: Mutex<State>

    /// - Parameters:
    ///   - watts: the starting power of each device, by id.
    ///   - joules: the counters' starting values (a counter that has run since boot does not start at zero).
    ///   - clock: the time source; the system clock by default, a `ManualClock` for exact figures.
    public init(watts: [String: Double], joules: [String: Double] = [:], clock: any WallClock = SystemClock()) {
        self.clock = clock
        state = Mutex(State(watts: watts, joules: joules, since: clock.now()))
    }

    /// Sets one device's power from now on.
    public func set(_ id: String, watts: Double) {
        let now = clock.now()
        state.withLock { state in
            Self.advance(&state, to: now)
            state.watts[id] = watts
        }
    }

    /// The current power and counter of every device, counters advanced to now.
    public func read() -> (watts: [String: Double], joules: [String: Double]) {
        let now = clock.now()
        return state.withLock { state in
            Self.advance(&state, to: now)
            return (state.watts, state.joules)
        }
    }

    private static func advance(_ state: inout State, to now: Double) {
        let elapsed = max(now - state.since, 0)
        for (id, watts) in state.watts { state.joules[id, default: 0] += watts * elapsed }
        state.since = max(now, state.since)
    }
}
