/// The one place a sample value becomes text.
///
/// Swift's own `description` writes `inf`, `nan` and `1000000.0`; the exposition formats spell the specials
/// `+Inf`, `-Inf` and `NaN`, and integral values read best without a fraction.
public enum SampleValueText {
    /// Integral values below 2^53 are exact integers and written as such; beyond it the shortest round-trip
    /// form (`1e+16`) is both exact and shorter.
    private static let plainIntegerLimit = 9_007_199_254_740_992.0

    public static func append(_ value: Double, to bytes: inout [UInt8]) {
        if value.isNaN {
            bytes.append(contentsOf: "NaN".utf8)
        } else if value.isInfinite {
            bytes.append(contentsOf: (value > 0 ? "+Inf" : "-Inf").utf8)
        } else if value == value.rounded(.towardZero) && abs(value) < plainIntegerLimit {
            if value == 0 && value.sign == .minus {
                bytes.append(UInt8(ascii: "0"))
            } else {
                appendInteger(Int64(value), to: &bytes)
            }
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    public static func string(_ value: Double) -> String {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendInteger(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var count = 0
            while magnitude > 0 {
                digits[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            while count > 0 {
                count -= 1
                bytes.append(digits[count])
            }
        }
    }
}
