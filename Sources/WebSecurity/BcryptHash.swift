import CCrypt

/// bcrypt through the system's libcrypt (libxcrypt), which knows the `$2a$`, `$2b$` and `$2y$` variants.
public enum BcryptHash {
    /// Whether `password` hashes to `hash`, compared in constant time.
    public static func matches(_ password: String, hash: String) -> Bool {
        // bcrypt reads a NUL-terminated string; a password with NUL in it could never have been hashed.
        guard !password.utf8.contains(0), let computed = crypt(password, setting: hash) else { return false }
        return constantTimeEqual(Array(computed.utf8), Array(hash.utf8))
    }

    /// A hash of a random password at `cost`, for checking unknown users at the same price as known ones.
    public static func randomHash(cost: Int) -> String? {
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        guard ccrypt_new_setting("$2b$", UInt(cost), &setting) == 0 else { return nil }
        let password = (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 36) }.joined()
        return crypt(
            password, setting: String(decoding: setting.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        )
    }

    /// libcrypt's hash of `phrase` under `setting` (method, cost, salt), or nil when it refuses.
    public static func crypt(_ phrase: String, setting: String) -> String? {
        var output = [CChar](repeating: 0, count: Int(CRYPT_OUTPUT_SIZE))
        guard ccrypt_hash(phrase, setting, &output) == 0 else { return nil }
        defer { for index in output.indices { output[index] = 0 } }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Compares every byte whatever the first difference, so the time taken says nothing about where it is.
    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// A new bcrypt hash of `password` with a random salt at `cost`; nil when libcrypt cannot make one.
    public static func hash(_ password: String, cost: Int) -> String? {
        // The random hash's setting (prefix, cost, salt) is its first 29 characters.
        guard let random = randomHash(cost: cost) else { return nil }
        return crypt(password, setting: String(random.prefix(29)))
    }
}
