/// Where the name and the raw (still escaped) value of a label lie in the input.
struct RawLabel {
    var nameStart: Int
    var nameLength: Int
    var valueStart: Int
    var valueLength: Int
    /// Whether the name and value equal those of the previous sample's label at the same position.
    var sameName = false
    var sameValue = false
    var escaped = false
}

/// Two buffers of raw labels (previous and current sample) that keep one address between samples.
final class RawLabelStorage {
    private(set) var first: UnsafeMutablePointer<RawLabel>
    private(set) var second: UnsafeMutablePointer<RawLabel>
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        first = Self.allocate(capacity)
        second = Self.allocate(capacity)
    }

    /// Doubles both buffers, keeping their contents.
    func grow(to newCapacity: Int) {
        let newFirst = Self.allocate(newCapacity)
        let newSecond = Self.allocate(newCapacity)
        newFirst.update(from: first, count: capacity)
        newSecond.update(from: second, count: capacity)
        first.deallocate()
        second.deallocate()
        first = newFirst
        second = newSecond
        capacity = newCapacity
    }

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<RawLabel> {
        let buffer = UnsafeMutablePointer<RawLabel>.allocate(capacity: capacity)
        buffer.initialize(
            repeating: RawLabel(nameStart: 0, nameLength: 0, valueStart: 0, valueLength: 0), count: capacity)
        return buffer
    }

    deinit {
        first.deallocate()
        second.deallocate()
    }
}
