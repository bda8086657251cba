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

    /// Parses `YYYY-MM-DDThh:mm[:ss[.fff]]` followed by `Z` or `±hh:mm` (a space instead of `T` is accepted)
    /// into Unix seconds, and with `allowingDateOnly` also `YYYY-MM-DD` (midnight UTC); nil for anything else.
    /// The one ISO-8601 reader of the exporter: command-line times, carbon APIs, intensity files, AUDITOR.
    public static func parse(_ text: String, allowingDateOnly: Bool = false) -> Double? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= scalars.count else { return nil }
            var value = 0
            for scalar in scalars[index..<(index + count)] {
                guard ("0"..."9").contains(scalar) else { return nil }
                value = value * 10 + Int(scalar.value) - 48
            }
            index += count
            return value
        }
        func expect(_ options: Set<Unicode.Scalar>) -> Bool {
            guard index < scalars.count, options.contains(scalars[index]) else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect(["-"]), let month = digits(2), expect(["-"]), let day = digits(2) else {
            return nil
        }
        if allowingDateOnly, index == scalars.count {
            guard (1...12).contains(month), (1...31).contains(day) else { return nil }
            return Double(days(year: year, month: month, day: day) * 86_400)
        }
        guard expect(["T", " "]), let hour = digits(2), expect([":"]), let minute = digits(2) else { return nil }
        var seconds = 0.0
        if expect([":"]) {
            guard let whole = digits(2) else { return nil }
            seconds = Double(whole)
            if expect(["."]) {
                var scale = 0.1
                let start = index
                while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                    seconds += Double(scalars[index].value - 48) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
            }
        }
        var offset = 0
        if expect(["Z", "z"]) {
        } else if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" {
            let sign = scalars[index] == "-" ? -1 : 1
            index += 1
            guard let hours = digits(2) else { return nil }
            _ = expect([":"])
            guard let minutes = digits(2) else { return nil }
            offset = sign * (hours * 3_600 + minutes * 60)
        } else {
            return nil
        }
        guard index == scalars.count, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            seconds < 61
        else { return nil }
        return Double(days(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 - offset) + seconds
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

    /// The start of the UTC year after the one containing `time`.
    public static func nextYearStart(_ time: Double) -> Double {
        let date = civil(days: Int((time / 86_400).rounded(.down)))
        return Double(Self.days(year: date.year + 1, month: 1, day: 1) * 86_400)
    }

    /// `YYYY-MM-DD` of the UTC day containing `time`.
    public static func formatDay(_ time: Double) -> String {
        let (year, month, day, _, _) = civilMinute(time)
        return "\(pad(year, 4))-\(pad(month))-\(pad(day))"
    }

    /// `hh:mm` of `time` in UTC.
    public static func formatClock(_ time: Double) -> String {
        let (_, _, _, hour, minute) = civilMinute(time)
        return "\(pad(hour)):\(pad(minute))"
    }

    /// `YYYY-MM-DDThh:mmZ`, the GB API's path form (seconds dropped).
    public static func formatMinutes(_ time: Double) -> String {
        let (year, month, day, hour, minute) = civilMinute(time)
        return "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(hour)):\(pad(minute))Z"
    }

    static func civilMinute(_ time: Double) -> (Int, Int, Int, Int, Int) {
        let total = Int((time / 60).rounded(.down))
        let days = Int((Double(total) / 1_440).rounded(.down))
        let minuteOfDay = total - days * 1_440
        let (year, month, day) = civil(days: days)
        return (year, month, day, minuteOfDay / 60, minuteOfDay % 60)
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(width - text.count, 0)) + text
    }
}
