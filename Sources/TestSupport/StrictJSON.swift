import Foundation

/// A second opinion on JSON, from Foundation's general reader, for checking the exporter's own decoders.
public enum StrictJSON {
    /// Whether a strict general reader takes the body as JSON. Foundation also refuses numbers beyond Double's
    /// range, which JSON's grammar allows (and the decoder reads as infinite times), so each such number is
    /// replaced by 0 and the body read again.
    public static func accepts(_ bytes: [UInt8]) -> Bool {
        var body = bytes
        for _ in 0..<64 {
            do {
                _ = try JSONSerialization.jsonObject(with: Data(body))
                return true
            } catch {
                let detail = (error as NSError).userInfo["NSDebugDescription"] as? String ?? ""
                guard detail.hasPrefix("Number "), detail.hasSuffix(" is not representable in Swift.") else {
                    return false
                }
                let number = Array(
                    detail.dropFirst("Number ".count).dropLast(" is not representable in Swift.".count).utf8)
                guard !number.isEmpty, let start = firstIndex(of: number, in: body) else { return false }
                body.replaceSubrange(start..<start + number.count, with: [UInt8(ascii: "0")])
            }
        }
        return false
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
