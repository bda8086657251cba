/// Host names numbered in the order they first came, for per-host state kept in arrays.
///
/// Hosts come in the same order collection after collection, so the slot after the last one looked up is tried
/// before the table: that spares hashing the name and a probe in a table of thousands.
public struct HostSlots: Sendable {
    /// The hosts, by slot.
    public private(set) var hosts: [String] = []
    private var slotOfHost: [HostKey: Int] = [:]
    private var cursor = 0

    public init() {}

    /// The slot of a host, if it has one; the next lookup tries the slot after it first.
    public mutating func slot(of host: String) -> Int? {
        if cursor < hosts.count, hosts[cursor] == host {
            cursor += 1
            return cursor - 1
        }
        guard let slot = slotOfHost[HostKey(host)] else { return nil }
        cursor = slot + 1
        return slot
    }

    /// The slot of a host, the next one (`hosts.count` before the call) at first sight.
    public mutating func slotAdding(_ host: String) -> Int {
        if let slot = slot(of: host) { return slot }
        hosts.append(host)
        slotOfHost[HostKey(host)] = hosts.count - 1
        cursor = hosts.count
        return hosts.count - 1
    }

    /// The slot of a host, without moving the cursor.
    public func existingSlot(of host: String) -> Int? { slotOfHost[HostKey(host)] }

    /// Keeps only the hosts in `slots` (ascending), numbered again from 0 in that order.
    public mutating func keep(_ slots: [Int]) {
        hosts = slots.map { hosts[$0] }
        slotOfHost = Dictionary(uniqueKeysWithValues: hosts.indices.map { (HostKey(hosts[$0]), $0) })
        cursor = 0
    }
}
