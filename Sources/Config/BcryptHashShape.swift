/// The shape of a bcrypt hash (`$2a$`, `$2b$` or `$2y$`, cost, salt and digest), checked without hashing, so a
/// configuration can be validated without the crypt library.
public enum BcryptHashShape {
    private static let prefixes = ["$2a$", "$2b$", "$2y$"]
    private static let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// Whether `text` has the shape of a bcrypt hash: prefix, two-digit cost 04–31, 53 characters of salt and digest.
    public static func isWellFormed(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 60, prefixes.contains(where: { text.hasPrefix($0) }), bytes[6] == UInt8(ascii: "$"),
            let cost = cost(of: text), (4...31).contains(cost)
        else { return false }
        return bytes[7...].allSatisfy { alphabet.contains($0) }
    }

    /// The cost (log2 of the rounds) of a well-formed hash.
    public static func cost(of hash: String) -> Int? {
        let bytes = Array(hash.utf8)
        guard bytes.count >= 7 else { return nil }
        let digits = bytes[4..<6]
        guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
