import Model

/// What one collection files per host in the tracker's own slots, so that a host costs one lookup in `begin`
/// and one in `record` (`PowerCollection`), not another table of its own.
extension MeasurementTracker {
    /// Starts a collection with its samples (sorted by host, without repeats): each is measured now, or kept
    /// until the host's reading when a counter takes the reading's time.
    mutating func startCollection(filing samples: PowerSamples) {
        startCollection()
        self.samples = samples
        let generation = self.generation
        let maxGap = maxGapSeconds
        for position in samples.indices {
            let slot = slotAdding(samples.hosts[position])
            let fresh =
                samples.waitsForReading(at: position)
                ? Self.stage(&slots[slot], position, generation: generation)
                : Self.measure(
                    &slots[slot], SampleValues(samples, at: position), maxGap: maxGap, generation: generation)
            if fresh { countStamp() }
        }
    }

    /// Returns whether this is the state's first stamp of the collection.
    private static func measure(
        _ state: inout HostState, _ sample: SampleValues, maxGap: Double, generation: Int
    )
        -> Bool
    {
        let (measurement, fresh) = update(&state, sample, readingTime: nil, maxGap: maxGap, generation: generation)
        state.staged = nil
        state.current = measurement
        return fresh
    }

    /// Returns whether this is the state's first stamp of the collection.
    private static func stage(_ state: inout HostState, _ position: Int, generation: Int) -> Bool {
        defer { state.generation = generation }
        state.staged = position
        state.current = nil
        return state.generation != generation
    }

    /// A host's measurement in this collection, measuring the sample that waited for its reading at `time`; nil
    /// when the host had no sample this collection, which then keeps its baselines all the same. `key` is the
    /// tracker's own copy of the host's name where it has one: the same String collection after collection, which
    /// other per-host tables then compare in no time.
    mutating func measurement(of host: String, readAt time: Double) -> (measurement: HostMeasurement?, key: String) {
        guard !slots.isEmpty, let slot = slot(of: host) else { return (nil, host) }
        let generation = self.generation
        let maxGap = maxGapSeconds
        guard slots[slot].generation == generation else {
            slots[slot].readGeneration = generation
            return (nil, slots[slot].host)
        }
        if let position = slots[slot].staged {
            slots[slot].staged = nil
            slots[slot].current = slots[slot].update(
                SampleValues(samples, at: position), readingTime: time, maxGap: maxGap, generation: generation)
        }
        return (slots[slot].current, slots[slot].host)
    }

    /// Ends the collection's use of its samples: what still waits had no reading, and is dropped.
    mutating func releaseSamples() {
        samples = PowerSamples()
    }

    /// This collection's measurement of a host, if known yet.
    func currentMeasurement(of host: String) -> HostMeasurement? {
        guard let slot = existingSlot(of: host), slots[slot].generation == generation else { return nil }
        return slots[slot].current
    }
}
