/// Name suffixes that tie a sample to a family declared under a shorter name.
enum SampleSuffix: Int, CaseIterable {
    case none, bucket, sum, count, created, total, info, gsum, gcount

    var text: StaticString {
        switch self {
        case .none: ""
        case .bucket: "_bucket"
        case .sum: "_sum"
        case .count: "_count"
        case .created: "_created"
        case .total: "_total"
        case .info: "_info"
        case .gsum: "_gsum"
        case .gcount: "_gcount"
        }
    }

    var bit: UInt16 { 1 << UInt16(rawValue) }

    /// Whether the `length` bytes at `text` end with this suffix (and are longer than it).
    func ends(_ text: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let suffix = self.text
        let suffixLength = suffix.utf8CodeUnitCount
        return length > suffixLength && bytesEqual(text + length - suffixLength, suffix.utf8Start, suffixLength)
    }

    static let withText: [SampleSuffix] = allCases.filter { $0 != .none }

    /// Calls `body` with each suffix the `length` bytes at `text` end with; the last byte rules most out.
    @inline(__always)
    static func forEach(endingOf text: UnsafePointer<UInt8>, _ length: Int, _ body: (SampleSuffix) -> Void) {
        guard length > 4 else { return }
        switch text[length - 1] {
        case UInt8(ascii: "t"):
            if SampleSuffix.bucket.ends(text, length) { body(.bucket) }
            if SampleSuffix.count.ends(text, length) { body(.count) }
            if SampleSuffix.gcount.ends(text, length) { body(.gcount) }
        case UInt8(ascii: "m"):
            if SampleSuffix.sum.ends(text, length) { body(.sum) }
            if SampleSuffix.gsum.ends(text, length) { body(.gsum) }
        case UInt8(ascii: "d"):
            if SampleSuffix.created.ends(text, length) { body(.created) }
        case UInt8(ascii: "l"):
            if SampleSuffix.total.ends(text, length) { body(.total) }
        case UInt8(ascii: "o"):
            if SampleSuffix.info.ends(text, length) { body(.info) }
        default:
            break
        }
    }
}
