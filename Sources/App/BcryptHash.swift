import CCrypt

/// bcrypt through the system's libcrypt (libxcrypt), which knows the `$2a$`, `$2b$` and `$2y$` variants.
enum BcryptHash {
    private static let prefixes = ["$2a$", "$2b$", "$2y$"]
    private static let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// Whether `text` has the shape of a bcrypt hash: prefix, two-digit cost 04–31, 53 characters of salt and digest.
    static func isWellFormed(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 60, prefixes.contains(where: { text.hasPrefix($0) }), bytes[6] == UInt8(ascii: "$"),
            let cost = cost(of: text), (4...31).contains(cost)
        else { return false }
        return bytes[7...].allSatisfy { alphabet.contains($0) }
    }

    /// The cost (log2 of the rounds) of a well-formed hash.
    static func cost(of hash: String) -> Int? {
        let bytes = Array(hash.utf8)
        guard bytes.count >= 7 else { return nil }
        let digits = bytes[4..<6]
        guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// Whether `password` hashes to `hash`, compared in constant time.
    static func matches(_ password: String, hash: String) -> Bool {
        // bcrypt reads a NUL-terminated string; a password with NUL in it could never have been hashed.
        guard !password.utf8.contains(0), let computed = crypt(password, setting: hash) else { return false }
        return constantTimeEqual(Array(computed.utf8), Array(hash.utf8))
    }

    /// A hash of a random password at `cost`, for checking unknown users at the same price as known ones.
    static func randomHash(cost: Int) -> String? {
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        guard ccrypt_new_setting("$2b$", UInt(cost), &setting) == 0 else { return nil }
        let password = (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 36) }.joined()
        return crypt(
            password, setting: String(decoding: setting.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        )
    }

    /// libcrypt's hash of `phrase` under `setting` (method, cost, salt), or nil when it refuses.
    static func crypt(_ phrase: String, setting: String) -> String? {
        var output = [CChar](repeating: 0, count: Int(CRYPT_OUTPUT_SIZE))
        guard ccrypt_hash(phrase, setting, &output) == 0 else { return nil }
        defer { for index in output.indices { output[index] = 0 } }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Compares every byte whatever the first difference, so the time taken says nothing about where it is.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
