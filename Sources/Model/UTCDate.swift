/// Calendar arithmetic in UTC on Unix seconds, without Foundation's locale machinery.
public enum UTCDate {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day count since 1970-01-01 (the inverse of `days`).
    public static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Parses `YYYY-MM-DDThh:mmZ`, `YYYY-MM-DDThh:mm:ssZ` (optionally with a fraction of a second) or
    /// `YYYY-MM-DD` into Unix seconds; nil for anything else.
    public static func parse(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let midnight = Double(days(year: year, month: month, day: day) * 86_400)
        if bytes.count == 10 { return midnight }
        guard bytes.count >= 17, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            bytes.last == UInt8(ascii: "Z"),
            let hour = number(11, 2), let minute = number(14, 2), hour < 24, minute < 60
        else { return nil }
        var seconds = 0.0
        if bytes.count > 17 {
            guard bytes[16] == UInt8(ascii: ":"), let whole = number(17, 2), whole < 60 else { return nil }
            seconds = Double(whole)
            let rest = bytes[19..<(bytes.count - 1)]
            if !rest.isEmpty {
                guard rest.first == UInt8(ascii: "."), rest.count > 1,
                    let fraction = Double("0" + String(decoding: rest, as: UTF8.self))
                else {
                    return nil
                }
                seconds += fraction
            }
        }
        return midnight + Double(hour * 3_600 + minute * 60) + seconds
    }

    /// `YYYY-MM-DDThh:mm:ssZ`, with milliseconds only when the time has them.
    public static func format(_ time: Double) -> String {
        let milliseconds = Int64((time * 1_000).rounded())
        let whole = Int(milliseconds >= 0 ? milliseconds / 1_000 : (milliseconds - 999) / 1_000)
        let fraction = Int(milliseconds - Int64(whole) * 1_000)
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let (year, month, day) = civil(days: days)
        let inDay = whole - days * 86_400
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(width - text.count, 0)) + text
        }
        let base =
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(inDay / 3_600, 2)):\(pad(inDay % 3_600 / 60, 2)):\(pad(inDay % 60, 2))"
        return fraction == 0 ? base + "Z" : base + ".\(pad(fraction, 3))Z"
    }

    /// The start of the UTC month containing `time`.
    public static func monthStart(_ time: Double) -> Double {
        let days = Int((time / 86_400).rounded(.down))
        let date = civil(days: days)
        return Double(Self.days(year: date.year, month: date.month, day: 1) * 86_400)
    }

    /// The start of the UTC month after the one containing `time`.
    public static func nextMonthStart(_ time: Double) -> Double {
        let days = Int((time / 86_400).rounded(.down))
        let date = civil(days: days)
        let (year, month) = date.month == 12 ? (date.year + 1, 1) : (date.year, date.month + 1)
        return Double(Self.days(year: year, month: month, day: 1) * 86_400)
    }
}
