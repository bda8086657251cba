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
                ? Self.stage(
                    &slots[slot], position,
                    PendingSample(
                        counters: samples.counters(at: position), gauges: samples.gauges(at: position),
                        hasUtilisation: !samples.gpuUtilisation(at: position).isEmpty,
                        baseline: slots[slot].firstBaseline),
                    generation: generation)
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
        state.pending = nil
        state.current = measurement
        return fresh
    }

    /// Returns whether this is the state's first stamp of the collection.
    private static func stage(
        _ state: inout HostState, _ position: Int, _ pending: PendingSample?, generation: Int
    ) -> Bool {
        defer { state.generation = generation }
        state.pending = pending
        state.staged = pending == nil ? position : nil
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
        if slots[slot].pending != nil {
            slots[slot].current = slots[slot].measurePending(readingTime: time, maxGap: maxGap)
        } else if let position = slots[slot].staged {
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

extension MeasurementTracker {
    /// A sample of one counter waiting for the host's reading (a RAPL package scraped with it) and gauges, kept
    /// in the host's state when it is filed: the reading then needs nothing but that state. Read again from the
    /// collection's arrays, thousands of hosts later, such a sample cost a cache miss or two per host.
    struct PendingSample {
        var joules: Double
        var wrapJoules: Double?
        /// The gauges, summed per domain.
        var gauged = DomainSums()
        var hasGauges: Bool

        /// A host's sample in place; nil unless it is one counter that waits for the reading, of the domain and
        /// id of the host's first baseline, not a GPU's, with gauges of no GPU and no utilisation. Any other
        /// sample is measured from the collection's arrays (`HostState.staged`).
        ///
        /// Given the sample's values rather than the collection's `PowerSamples`, which Swift otherwise copied in
        /// and out for every host (seven arrays retained and released).
        init?(
            counters: ArraySlice<PowerSample.Counter>, gauges: ArraySlice<PowerSample.Gauge>, hasUtilisation: Bool,
            baseline: CounterBaseline?
        ) {
            guard counters.count == 1, let counter = counters.first, counter.scrapedWithReading,
                counter.domain != .gpu, let baseline, baseline.domain == counter.domain, baseline.id == counter.id,
                !hasUtilisation, !gauges.contains(where: { $0.domain == .gpu })
            else { return nil }
            joules = counter.joules
            wrapJoules = counter.wrapJoules
            hasGauges = !gauges.isEmpty
            for gauge in gauges where gauge.watts.isFinite && gauge.watts >= 0 {
                gauged.add(gauge.watts, to: gauge.domain)
            }
        }
    }
}

extension MeasurementTracker.HostState {
    /// Measures the pending sample (`pending`) at the reading's time, as `update` would the whole sample.
    mutating func measurePending(readingTime time: Double, maxGap: Double) -> HostMeasurement? {
        guard let pending, firstBaseline != nil else { return nil }
        self.pending = nil
        if pending.hasGauges { gauged = true }
        var counted = MeasurementTracker.DomainSums()
        if time.isFinite, pending.joules.isFinite, pending.joules >= 0,
            let watts = MeasurementTracker.advance(
                &firstBaseline!, joules: pending.joules, wrap: pending.wrapJoules, at: time, maxGap: maxGap)
        {
            counted.add(watts, to: firstBaseline!.domain)
        }
        // No GPU and no utilisation came: a host that had some keeps none, as `update` leaves it.
        utilisation = nil
        let measurement = Self.measurement(counted: counted, gauged: pending.gauged)
        return measurement.isEmpty ? nil : measurement
    }
}
