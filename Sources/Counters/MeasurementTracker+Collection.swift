import Model

/// What one collection files per host in the tracker's own slots, so that a host costs one lookup in `begin`
/// and one in `record` (`PowerCollection`), not another table of its own.
extension MeasurementTracker {
    /// Files a host's sample of this collection: measured now, or kept until the host's reading when a counter
    /// takes the reading's time.
    mutating func file(_ sample: PowerSample) {
        let slot = slotAdding(sample.host)
        let generation = self.generation
        let maxGap = maxGapSeconds
        let fresh =
            sample.waitsForReading
            ? Self.stage(&slots[slot], sample, generation: generation)
            : Self.measure(&slots[slot], sample, maxGap: maxGap, generation: generation)
        if fresh { countStamp() }
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
    mutating func measurement(of host: String, readAt time: Double) -> (HostMeasurement?, filed: Bool) {
        guard !slots.isEmpty, let slot = slot(of: host) else { return (nil, false) }
        let generation = self.generation
        let maxGap = maxGapSeconds
        return Self.measure(&slots[slot], readAt: time, maxGap: maxGap, generation: generation)
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
    func currentMeasurement(of host: String) -> HostMeasurement? {
        guard let slot = existingSlot(of: host), slots[slot].generation == generation else { return nil }
        return slots[slot].current
    }
}
