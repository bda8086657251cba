import Model

/// How two successive readings of one host turn into an interval of energy.
///
/// The integration rule, which the counters' HELP summarises:
/// - An interval runs from one accepted reading of a host to the next. Its idle ratio is
///   `Δ idle CPU seconds / Δ all-mode CPU seconds`, from counter differences, so the energy of an interval is
///   exact whatever the collection period and however long the source was unreachable in between.
/// - Its energy is the interval's power times its duration, the difference of the readings' own sample times.
///   The power is measured where the host has a meter (see `PowerFormula` for the precedence), else modelled
///   with the idle ratio of the interval and the memory state of its end.
/// - A reading whose counters and time have not moved (the source has no newer sample) is not a new interval:
///   the earlier reading stays the baseline, so nothing is counted twice and nothing is lost.
/// - A changed boot time means the host restarted. Its counters started from zero at the new boot, so the
///   interval from the new boot time to the reading is integrated with the counters themselves as
///   differences; the time the host was down yields no energy.
/// - Counters that go backwards without a boot-time change, or sample time that goes backwards, end the
///   interval without energy: the reading becomes the new baseline. No energy is invented.
public enum Integration {
    /// Boot times are whole seconds in `/proc/stat`; sources may round differently, so small wobble is no reboot.
    public static let bootTimeTolerance = 5.0

    /// The outcome of comparing a reading with the baseline before it.
    public enum Step: Sendable, Equatable {
        /// A new interval of `duration` seconds with the given idle share of CPU time.
        case interval(duration: Double, idleRatio: Double)
        /// The host rebooted; the interval since its boot is included in `duration`.
        case restarted(duration: Double, idleRatio: Double)
        /// Nothing moved yet; keep the previous baseline.
        case noProgress
        /// Counters or time went backwards; rebase without energy.
        case reset(reason: String)
    }

    public static func step(from previous: HostReading, to current: HostReading) -> Step {
        if let previousBoot = previous.bootTime, let currentBoot = current.bootTime,
            abs(currentBoot - previousBoot) > bootTimeTolerance
        {
            // Integrate from the new boot only if it lies between the two readings; otherwise the data is odd.
            guard currentBoot > previousBoot, currentBoot < current.timestamp,
                current.cpuTotalSeconds > 0
            else {
                return .reset(reason: "boot time changed implausibly")
            }
            let idleRatio = current.cpuIdleSeconds / current.cpuTotalSeconds
            return .restarted(duration: current.timestamp - max(currentBoot, previous.timestamp), idleRatio: idleRatio)
        }
        let duration = current.timestamp - previous.timestamp
        let idleDelta = current.cpuIdleSeconds - previous.cpuIdleSeconds
        let totalDelta = current.cpuTotalSeconds - previous.cpuTotalSeconds
        if duration < 0 { return .reset(reason: "sample time went backwards") }
        if idleDelta < 0 || totalDelta < 0 { return .reset(reason: "CPU counters went backwards") }
        if duration == 0 || totalDelta == 0 { return .noProgress }
        return .interval(duration: duration, idleRatio: min(idleDelta / totalDelta, 1))
    }
}
