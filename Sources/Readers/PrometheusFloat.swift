/// Float parsing over bytes for Prometheus API values, without making a String per number.
enum PrometheusFloat {
    /// Go's `strconv.ParseFloat` syntax as Prometheus writes sample values: decimal and exponent forms,
    /// `Inf`/`Infinity` with an optional sign and `NaN`, case-insensitive; hexadecimal floats and `_`
    /// separators (which Go only accepts with a base prefix) are rejected.
    static func parse(_ text: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        guard count > 0 else { return nil }
        if let special = special(text, count) { return special }
        return decimal(text, count)
    }

    private static func special(_ text: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        var start = 0
        var sign = 1.0
        if text[0] == UInt8(ascii: "+") || text[0] == UInt8(ascii: "-") {
            if text[0] == UInt8(ascii: "-") { sign = -1 }
            start = 1
        }
        let rest = count - start
        if rest == 3 || rest == 8, matchesIgnoringCase(text + start, rest, "infinity") { return sign * .infinity }
        if start == 0, rest == 3, matchesIgnoringCase(text, 3, "nan") { return .nan }
        return nil
    }

    /// Whether the `count` bytes equal the first `count` letters of `word` (lowercase ASCII letters).
    private static func matchesIgnoringCase(_ text: UnsafePointer<UInt8>, _ count: Int, _ word: StaticString) -> Bool {
        for i in 0..<count where text[i] | 0x20 != word.utf8Start[i] { return false }
        return true
    }

    /// `[+-]digits[.digits][(e|E)[+-]digits]` with at least one mantissa digit (JSON numbers are a subset).
    static func decimal(_ text: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        func isDigit(_ i: Int) -> Bool { i < count && text[i] &- UInt8(ascii: "0") < 10 }
        var i = 0
        var negative = false
        if i < count && (text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-")) {
            negative = text[i] == UInt8(ascii: "-")
            i += 1
        }
        let digitsStart = i
        while isDigit(i) { i += 1 }
        var fractionDigits = 0
        var mantissaDigits = i - digitsStart
        if i < count && text[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while isDigit(i) { i += 1 }
            fractionDigits = i - fractionStart
            mantissaDigits += fractionDigits
        }
        let digitsEnd = i
        guard mantissaDigits > 0 else { return nil }
        var exponent = 0
        if i < count && text[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < count && (text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-")) {
                exponentNegative = text[i] == UInt8(ascii: "-")
                i += 1
            }
            guard isDigit(i) else { return nil }
            while isDigit(i) {
                // Past this the result is 0 or infinity anyway; saturate rather than overflow.
                if exponent < 1_000_000_000 { exponent = exponent * 10 + Int(text[i] &- UInt8(ascii: "0")) }
                i += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        guard i == count else { return nil }

        let scale = exponent - fractionDigits
        var mantissa: UInt64 = 0
        var significant = 0
        var exact = true
        for j in digitsStart..<digitsEnd where text[j] != UInt8(ascii: ".") {
            let digit = UInt64(text[j] &- UInt8(ascii: "0"))
            if mantissa == 0 && digit == 0 { continue }
            if significant == 19 {
                exact = false
                break
            }
            mantissa = mantissa * 10 + digit
            significant += 1
        }
        if exact && mantissa == 0 { return negative ? -0.0 : 0.0 }
        // Both operands exact and one IEEE operation: correctly rounded, the same as a full conversion.
        if exact && mantissa <= 1 << 53 && scale >= -22 && scale <= 22 {
            var value = Double(mantissa)
            value = scale < 0 ? value / powersOfTen[-scale] : value * powersOfTen[scale]
            return negative ? -value : value
        }
        // Rare (long or far-out numbers): the standard conversion, on a canonical `digits e scale` form.
        var canonical = negative ? "-" : ""
        canonical.reserveCapacity(mantissaDigits + 16)
        for j in digitsStart..<digitsEnd where text[j] != UInt8(ascii: ".") {
            canonical.unicodeScalars.append(Unicode.Scalar(text[j]))
        }
        canonical += "e\(scale)"
        return Double(canonical)
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    ]
}
