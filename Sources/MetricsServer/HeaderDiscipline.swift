/// Header faults that libmicrohttpd 0.9.75 lets through and Go's server refuses with 400.
///
/// Two readers of one request (a proxy and this server) must not disagree on where it ends: differing
/// `Content-Length` values, or a name with whitespace before its colon that one side strips and the other
/// keeps, are the raw material of request smuggling (RFC 9112 sections 5.1 and 6.3).
enum HeaderDiscipline {
    /// Why the headers are refused, or nil when they are acceptable.
    static func fault(in headers: [(name: String, value: String)]) -> String? {
        var lengths: Set<String> = []
        for (name, value) in headers {
            guard !name.isEmpty, !name.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 }) else {
                return "whitespace in or before a header name"
            }
            guard name.lowercased() == "content-length" else { continue }
            // A list in one field ("3, 5") is as ambiguous as two fields.
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = part.trimmingWhitespace
                guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                    return "Content-Length is not a number"
                }
                lengths.insert(String(digits.drop { $0 == "0" }))
            }
        }
        return lengths.count > 1 ? "differing Content-Length values" : nil
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs, the only whitespace a field value may carry.
    fileprivate var trimmingWhitespace: Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
