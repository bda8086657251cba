/// Content-coding negotiation (RFC 9110 section 12.5.3).
public enum ContentCoding {
    /// Whether an `Accept-Encoding` value allows a gzip-encoded response.
    ///
    /// `gzip` (or its alias `x-gzip`) decides when listed; otherwise `*` does. A weight of `q=0`
    /// refuses, as does a malformed weight. A missing or empty header gets the identity encoding.
    public static func acceptsGzip(_ acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        var gzipWeight: Double?
        var wildcardWeight: Double?
        for item in acceptEncoding.split(separator: ",") {
            let parts = item.split(separator: ";", omittingEmptySubsequences: false)
            let coding = trimmed(parts[0]).lowercased()
            guard !coding.isEmpty else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pair.count == 2, trimmed(pair[0]).lowercased() == "q" else { continue }
                weight = Self.weight(trimmed(pair[1])) ?? 0
            }
            switch coding {
            case "gzip", "x-gzip": gzipWeight = max(gzipWeight ?? 0, weight)
            case "*": wildcardWeight = weight
            default: break
            }
        }
        return (gzipWeight ?? wildcardWeight ?? 0) > 0
    }

    /// A qvalue: 0 to 1 with at most three decimals.
    private static func weight(_ text: Substring) -> Double? {
        let digits = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = digits.first, whole == "0" || whole == "1" else { return nil }
        if digits.count == 2 {
            guard digits[1].count <= 3, digits[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        guard let value = Double(text), value <= 1 else { return nil }
        return value
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
