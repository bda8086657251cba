/// An open-addressing hash table from byte strings to dense indices (0, 1, 2, … in insertion order).
///
/// Names read from an exposition are looked up by their bytes, so a lookup never builds a String. Keys are
/// not copied: the caller keeps their bytes alive and unchanged for as long as it uses the table.
struct NameTable {
    private struct Entry {
        var key: UnsafePointer<UInt8>
        var length: Int
        var hash: UInt64
    }

    private var slots: [Int32]
    private var entries: [Entry] = []

    var count: Int { entries.count }

    init(capacity: Int = 32) {
        var size = 64
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: -1, count: size)
        entries.reserveCapacity(size / 2)
    }

    /// The index of `key`, or nil.
    @inline(__always)
    func find(_ key: UnsafePointer<UInt8>, _ length: Int) -> Int? {
        find(key, length, hash: Self.hash(key, length))
    }

    func find(_ key: UnsafePointer<UInt8>, _ length: Int, hash: UInt64) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            let entry = entries[index]
            if entry.hash == hash && entry.length == length && bytesEqual(entry.key, key, length) { return index }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `key`, which must not be present yet, and returns its index.
    @discardableResult
    mutating func insert(_ key: UnsafePointer<UInt8>, _ length: Int, hash: UInt64) -> Int {
        if (entries.count + 1) * 2 > slots.count { grow() }
        let index = entries.count
        entries.append(Entry(key: key, length: length, hash: hash))
        place(index, hash: hash)
        return index
    }

    private mutating func place(_ index: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index)
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        for index in entries.indices { place(index, hash: entries[index].hash) }
    }

    /// A word-at-a-time multiplicative hash; names are short, so speed matters more than quality here.
    @inline(__always)
    static func hash(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        let raw = UnsafeRawPointer(key)
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(length)
        if length >= 8 {
            var index = 0
            while index + 8 <= length {
                hash = (hash ^ raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                hash ^= hash >> 29
                index += 8
            }
            // The last word overlaps the previous one rather than looping over the tail bytes.
            if index < length {
                hash = (hash ^ raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
            }
        } else {
            var tail: UInt64 = 0
            for index in 0..<length { tail |= UInt64(key[index]) << UInt64(index * 8) }
            hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        }
        return hash ^ (hash >> 32)
    }
}

/// Byte equality of two short ranges, a word at a time.
@inline(__always)
func bytesEqual(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, _ length: Int) -> Bool {
    let leftRaw = UnsafeRawPointer(left)
    let rightRaw = UnsafeRawPointer(right)
    if length < 8 {
        for index in 0..<length where left[index] != right[index] { return false }
        return true
    }
    var index = 0
    while index + 8 <= length {
        if leftRaw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            != rightRaw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        {
            return false
        }
        index += 8
    }
    return index == length
        || leftRaw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
            == rightRaw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
}
