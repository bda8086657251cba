/// Memory for bytes that must stay at one address while a parse runs.
final class OwnedBytes {
    let pointer: UnsafeMutablePointer<UInt8>

    init(count: Int) {
        pointer = .allocate(capacity: max(count, 1))
    }

    deinit { pointer.deallocate() }
}

/// A String from UTF-8 bytes, or nil if they are not valid UTF-8; plain ASCII skips the validation.
@inline(__always)
func makeString(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    guard let start = bytes.baseAddress, bytes.count > 0 else { return "" }
    if isASCII(start, bytes.count) { return String(decoding: bytes, as: UTF8.self) }
    return String(validating: bytes, as: UTF8.self)
}

/// Whether the `count` bytes at `start` are all below 0x80, tested a word at a time.
@inline(__always)
func isASCII(_ start: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    let raw = UnsafeRawPointer(start)
    var index = 0
    var high: UInt64 = 0
    while index + 8 <= count {
        high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        index += 8
    }
    while index < count {
        high |= UInt64(start[index])
        index += 1
    }
    return high & 0x8080_8080_8080_8080 == 0
}
