import Foundation

/// Text made safe for HTML, and the number formats of the pages.
///
/// Every string that comes from a label, a host name or the configuration goes through `escape`: labels are
/// set by whoever runs a workspace and can hold markup.
public enum HTML {
    /// Escaped for element content and double-quoted attribute values alike.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and line breaks have no place in a page.
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A path segment: everything but unreserved characters percent-encoded, so a hostile label cannot leave
    /// its segment.
    public static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// The raw value of a `data-value` attribute: the shortest text that reads back as the same double.
    public static func raw(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Fixed decimals, for people.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value.isFinite ? value : 0)
    }

    /// About three significant digits, without exponent notation (small figures keep their digits: a test
    /// fleet's first minutes are a few watt-hours).
    public static func readable(_ value: Double) -> String {
        let magnitude = abs(value)
        guard magnitude > 0, magnitude.isFinite else { return "0" }
        if magnitude >= 10_000 { return fixed(value, 0) }
        let decimals = min(max(2 - Int(log10(magnitude).rounded(.down)), 0), 9)
        return fixed(value, decimals)
    }

    /// `YYYY-MM-DD hh:mm UTC`.
    public static func time(_ time: Double) -> String {
        let date = Date(timeIntervalSince1970: time)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func pad(_ number: Int?) -> String { String(format: "%02d", number ?? 0) }
        return "\(parts.year ?? 0)-\(pad(parts.month))-\(pad(parts.day)) \(pad(parts.hour)):\(pad(parts.minute)) UTC"
    }
}
