import Model

/// What one collection files per host in the tracker's own table, so that a host costs one lookup in `begin`
/// and one in `record` (`PowerCollection`), not another table of its own.
extension MeasurementTracker {
    /// Files a host's sample of this collection: measured now, or kept until the host's reading when a counter
    /// takes the reading's time.
    mutating func file(_ sample: PowerSample, key: HostKey) {
        if sample.waitsForReading {
            let generation = self.generation
            if Self.stage(&states[key, default: HostState()], sample, generation: generation) { countStamp() }
        } else {
            let generation = self.generation
            let maxGap = maxGapSeconds
            if Self.measure(&states[key, default: HostState()], sample, maxGap: maxGap, generation: generation) {
                countStamp()
            }
        }
    }

    /// Returns whether this is the state's first stamp of the collection.
    private static func measure(
        _ state: inout HostState, _ sample: PowerSample, maxGap: Double, generation: Int
    )
        -> Bool
    {
        let (measurement, fresh) = update(&state, sample, readingTime: nil, maxGap: maxGap, generation: generation)
        state.staged = nil
        state.current = measurement
        return fresh
    }

    /// Returns whether this is the state's first stamp of the collection.
    private static func stage(_ state: inout HostState, _ sample: PowerSample, generation: Int) -> Bool {
        defer { state.generation = generation }
        state.staged = sample
        state.current = nil
        return state.generation != generation
    }

    /// A host's measurement in this collection, measuring the sample that waited for its reading at `time`;
    /// `filed` is false when the host had no sample this collection.
    mutating func measurement(of key: HostKey, readAt time: Double) -> (HostMeasurement?, filed: Bool) {
        guard !states.isEmpty, let index = states.index(forKey: key) else { return (nil, false) }
        let generation = self.generation
        let maxGap = maxGapSeconds
        // In place through the index: the optional subscript would move the state out and back.
        return Self.measure(&states.values[index], readAt: time, maxGap: maxGap, generation: generation)
    }

    private static func measure(
        _ state: inout HostState, readAt time: Double, maxGap: Double, generation: Int
    ) -> (HostMeasurement?, filed: Bool) {
        guard state.generation == generation else { return (nil, false) }
        if let sample = state.staged {
            state.staged = nil
            state.current = state.update(sample, readingTime: time, maxGap: maxGap, generation: generation)
        }
        return (state.current, true)
    }

    /// This collection's measurement of a host, if known yet.
    func currentMeasurement(of key: HostKey) -> HostMeasurement? {
        guard let state = states[key], state.generation == generation else { return nil }
        return state.current
    }
}
