/// Numbers as the text formats spell them, read straight from bytes: the one Go-style number parser of the
/// package, used by the exposition parser here and by the Prometheus API readers.
package enum NumberText {
    /// Powers of ten that are exact doubles: with a mantissa below 2^53, one multiplication or division by
    /// one of these is a single correctly rounded operation, so the result is the exact nearest double.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// A float in Go `strconv.ParseFloat` syntax: decimal with optional fraction and exponent, `Inf` and
    /// `Infinity` with an optional sign and unsigned `NaN`, case-insensitive. Hexadecimal floats and `_`
    /// are rejected, as the Prometheus parser does; so is a finite spelling that overflows (Go reports a
    /// range error there). Returns nil for anything else.
    ///
    /// `overflowToInfinity`: a finite spelling beyond the double range gives ±infinity instead of nil, as the
    /// Prometheus API readers have always read such values.
    package static func parseFloat(
        _ text: UnsafePointer<UInt8>, _ count: Int, overflowToInfinity: Bool = false
    ) -> Double? {
        decimal(text, count, specials: true, overflowToInfinity: overflowToInfinity)
    }

    /// A decimal number only (`[+-]digits[.digits][(e|E)[+-]digits]`), as `parseFloat` reads it but without
    /// `Inf` and `NaN`: JSON numbers such as Prometheus API sample times.
    package static func parseDecimal(_ text: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        decimal(text, count, specials: false, overflowToInfinity: true)
    }

    private static func decimal(
        _ text: UnsafePointer<UInt8>, _ count: Int, specials: Bool, overflowToInfinity: Bool
    ) -> Double? {
        guard count > 0 else { return nil }
        var index = 0
        let first = text[0]
        let negative = first == UInt8(ascii: "-")
        if negative || first == UInt8(ascii: "+") { index = 1 }

        var mantissa: UInt64 = 0
        var tooManyDigits = false
        var sawDigit = false
        var scale = 0
        while index < count, case let digit = text[index] &- UInt8(ascii: "0"), digit < 10 {
            if mantissa < 100_000_000_000_000_000 {
                mantissa = mantissa * 10 + UInt64(digit)
            } else {
                tooManyDigits = true
            }
            sawDigit = true
            index += 1
        }
        if index < count, text[index] == UInt8(ascii: ".") {
            index += 1
            while index < count, case let digit = text[index] &- UInt8(ascii: "0"), digit < 10 {
                if mantissa < 100_000_000_000_000_000 {
                    mantissa = mantissa * 10 + UInt64(digit)
                    scale -= 1
                } else {
                    tooManyDigits = true
                }
                sawDigit = true
                index += 1
            }
        }
        guard sawDigit else { return specials ? special(text, count) : nil }

        var exponent = 0
        if index < count, text[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var negativeExponent = false
            if index < count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
                negativeExponent = text[index] == UInt8(ascii: "-")
                index += 1
            }
            var sawExponentDigit = false
            while index < count, case let digit = text[index] &- UInt8(ascii: "0"), digit < 10 {
                // Past this the value is 0 or infinite anyway; capping keeps the sum from overflowing.
                if exponent < 100_000 { exponent = exponent * 10 + Int(digit) }
                sawExponentDigit = true
                index += 1
            }
            guard sawExponentDigit else { return nil }
            if negativeExponent { exponent = -exponent }
        }
        guard index == count else { return nil }

        if mantissa == 0 && !tooManyDigits { return negative ? -0.0 : 0.0 }
        if !tooManyDigits && mantissa <= 1 << 53 {
            let power = scale + exponent
            var value = Double(mantissa)
            var exact = true
            if power > 0 && power <= 22 {
                value *= exactPowersOfTen[power]
            } else if power < 0 && power >= -22 {
                value /= exactPowersOfTen[-power]
            } else if power != 0 {
                exact = false
            }
            if exact { return negative ? -value : value }
        }
        // Long or far-out numbers: the standard library's conversion is correctly rounded and does not
        // depend on the C locale. The syntax was checked above, so it sees only plain decimal text.
        let string = String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
        guard let value = Double(string), value.isFinite || overflowToInfinity else { return nil }
        return value
    }

    private static func special(_ text: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        let signed = text[0] == UInt8(ascii: "+") || text[0] == UInt8(ascii: "-")
        let start = signed ? 1 : 0
        let length = count - start
        if (length == 3 || length == 8) && matchesIgnoringCase(text + start, length, "infinity") {
            return text[0] == UInt8(ascii: "-") ? -.infinity : .infinity
        }
        // Go accepts no sign on NaN.
        if !signed && length == 3 && matchesIgnoringCase(text, 3, "nan") { return .nan }
        return nil
    }

    /// Whether the `length` bytes at `text` equal the start of the lowercase ASCII `word`, ignoring case.
    private static func matchesIgnoringCase(_ text: UnsafePointer<UInt8>, _ length: Int, _ word: StaticString) -> Bool {
        guard length <= word.utf8CodeUnitCount else { return false }
        let letters = word.utf8Start
        for index in 0..<length where text[index] | 0x20 != letters[index] { return false }
        return true
    }

    /// A base-10 int64 with an optional sign, as Go `strconv.ParseInt` reads it; nil on overflow or junk.
    package static func parseInteger(_ text: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        guard count > 0 else { return nil }
        var index = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative || text[0] == UInt8(ascii: "+") { index = 1 }
        guard index < count else { return nil }
        // Accumulating towards the sign lets Int64.min through.
        var value: Int64 = 0
        while index < count {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) =
                negative
                ? shifted.subtractingReportingOverflow(Int64(digit)) : shifted.addingReportingOverflow(Int64(digit))
            if overflowA || overflowB { return nil }
            value = next
            index += 1
        }
        return value
    }
}
