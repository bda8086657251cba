/// The metrics (label sets) a family has shown so far, found by fingerprint: an open-addressing table of
/// well-mixed 64-bit fingerprints, so a lookup is a few probes with no further hashing.
struct MetricFingerprints {
    private var slots: [UInt64]
    private var entries: [Int32]
    /// The slots in use, so that emptying the table for the next family costs what that family used.
    private var used: [Int] = []
    /// The labels of each metric, by the entry a slot points to.
    private var labels: [[Label]] = []

    init() {
        slots = Array(repeating: 0, count: 64)
        entries = Array(repeating: -1, count: 64)
    }

    mutating func removeAll() {
        guard !labels.isEmpty else { return }
        labels.removeAll(keepingCapacity: true)
        for slot in used { slots[slot] = 0 }
        used.removeAll(keepingCapacity: true)
    }

    /// The labels first seen under `fingerprint`; records `candidate` under it if there were none.
    mutating func labels(for fingerprint: UInt64, insert candidate: [Label]) -> [Label]? {
        // Zero marks an empty slot.
        let key = fingerprint == 0 ? 1 : fingerprint
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while slots[slot] != 0 {
            if slots[slot] == key { return labels[Int(entries[slot])] }
            slot = (slot + 1) & mask
        }
        slots[slot] = key
        entries[slot] = Int32(labels.count)
        used.append(slot)
        labels.append(candidate)
        if labels.count * 2 > slots.count { grow() }
        return nil
    }

    private mutating func grow() {
        let old = zip(slots, entries).filter { $0.0 != 0 }
        slots = Array(repeating: 0, count: slots.count * 2)
        entries = Array(repeating: -1, count: entries.count * 2)
        let mask = slots.count - 1
        used.removeAll(keepingCapacity: true)
        for (key, entry) in old {
            var slot = Int(truncatingIfNeeded: key) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = key
            entries[slot] = entry
            used.append(slot)
        }
    }
}
