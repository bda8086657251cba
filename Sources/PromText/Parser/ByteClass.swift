let newline = UInt8(ascii: "\n")
let carriageReturn = UInt8(ascii: "\r")
let space = UInt8(ascii: " ")
let tab = UInt8(ascii: "\t")
let quote = UInt8(ascii: "\"")
let backslash = UInt8(ascii: "\\")

@inline(__always) func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }

/// Byte classes for the scanning loops: one table load per byte instead of a chain of range checks.
enum ByteClass {
    static let labelNameStart: UInt8 = 1
    static let labelName: UInt8 = 2
    static let metricNameStart: UInt8 = 4
    static let metricName: UInt8 = 8
    /// Ends a value, timestamp or keyword: blank, tab, line feed, carriage return.
    static let tokenEnd: UInt8 = 16

    /// Allocated once and never freed, so the hot loops hold a plain pointer; never written after it is
    /// built, so sharing it between threads is safe.
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: 0, count: 256)
        for byte in 0..<256 {
            let letter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
            let digit = byte >= 0x30 && byte <= 0x39
            let colon = byte == 0x3A
            var bits: UInt8 = 0
            if letter { bits |= labelNameStart | labelName | metricNameStart | metricName }
            if digit { bits |= labelName | metricName }
            if colon { bits |= metricNameStart | metricName }
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { bits |= tokenEnd }
            table[byte] = bits
        }
        return UnsafePointer(table)
    }()
}
