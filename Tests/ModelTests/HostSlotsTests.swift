import Model
import Testing

@Suite struct HostSlotsTests {
    @Test func hostsKeepTheSlotOfTheirFirstSightInAnyOrderOfLookup() {
        var slots = HostSlots()
        #expect(["a", "b", "c"].map { slots.slotAdding($0) } == [0, 1, 2])
        // Same order, another order, a repeat: each host keeps its slot.
        #expect(["a", "b", "c", "c", "a", "b"].map { slots.slot(of: $0) } == [0, 1, 2, 2, 0, 1])
        #expect(slots.slot(of: "d") == nil)
        #expect(slots.existingSlot(of: "c") == 2)
        #expect(slots.slotAdding("d") == 3)
        #expect(slots.hosts == ["a", "b", "c", "d"])
    }

    @Test func keptHostsAreNumberedAgainInTheirOrder() {
        var slots = HostSlots()
        for host in ["a", "b", "c", "d"] { _ = slots.slotAdding(host) }
        slots.keep([1, 3])
        #expect(slots.hosts == ["b", "d"])
        #expect(slots.slot(of: "d") == 1)
        #expect(slots.slot(of: "b") == 0)
        #expect(slots.slot(of: "a") == nil)
        #expect(slots.slotAdding("a") == 2)
    }
}
