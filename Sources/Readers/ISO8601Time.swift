import Model

/// Parsing and formatting of the timestamps carbon-intensity APIs and site files use.
public enum ISO8601Time {
    /// Parses `YYYY-MM-DDThh:mm[:ss[.fff]]` followed by `Z` or `±hh:mm` (a space instead of `T` is accepted)
    /// into Unix seconds; nil for anything else.
    public static func parse(_ text: String) -> Double? {
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
        guard let year = digits(4), expect(["-"]), let month = digits(2), expect(["-"]), let day = digits(2),
            expect(["T", " "]), let hour = digits(2), expect([":"]), let minute = digits(2)
        else { return nil }
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
        let days = UTCDate.days(year: year, month: month, day: day)
        return Double(days * 86_400 + hour * 3_600 + minute * 60 - offset) + seconds
    }

    /// `YYYY-MM-DDThh:mmZ`, the GB API's path form (seconds dropped).
    public static func minutes(_ time: Double) -> String {
        let (year, month, day, hour, minute) = civil(time)
        return "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(hour)):\(pad(minute))Z"
    }

    static func civil(_ time: Double) -> (Int, Int, Int, Int, Int) {
        let total = Int((time / 60).rounded(.down))
        let days = Int((Double(total) / 1_440).rounded(.down))
        let minuteOfDay = total - days * 1_440
        let (year, month, day) = UTCDate.civil(days: days)
        return (year, month, day, minuteOfDay / 60, minuteOfDay % 60)
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(width - text.count, 0)) + text
    }

    /// Parses an HTTP-date in the IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 5.6.7).
    public static func parseHTTPDate(_ text: String) -> Double? {
        let parts = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT", let day = Int(parts[1]),
            let monthIndex = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...31).contains(day), clock[0] < 24, clock[1] < 60, clock[2] < 61 else { return nil }
        let days = UTCDate.days(year: year, month: monthIndex + 1, day: day)
        return Double(days * 86_400 + clock[0] * 3_600 + clock[1] * 60 + clock[2])
    }
}
