import Config
import Foundation
import Synchronization

/// Checks `Authorization: Basic` credentials against bcrypt hashes.
///
/// An unknown user costs one bcrypt computation against a random hash of the same cost, so the answer time does
/// not tell which user names exist. bcrypt runs one at a time (a flood of bad passwords costs one core, not
/// all), and good credentials are remembered under a salted digest so a scrape every few seconds does not pay
/// for bcrypt each time.
public final class BasicAuthenticator: Sendable {
    private let users: [String: String]
    private let dummyHash: String?
    /// Random per process, so remembered digests are of no use anywhere else.
    private let cacheSetting: String
    private let verified = Mutex<Set<String>>([])
    private let bcrypt = Mutex(())
    private static let cacheCapacity = 256

    public init(users: [String: String]) {
        self.users = users
        let cost = users.values.compactMap(BcryptHashShape.cost(of:)).max() ?? 10
        dummyHash = BcryptHash.randomHash(cost: cost)
        let salt = String(
            (0..<16).map { _ in "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".randomElement()! })
        cacheSetting = "$6$rounds=1000$\(salt)$"
    }

    public var isEnabled: Bool { !users.isEmpty }

    /// Whether the `Authorization` header value names a configured user with the right password.
    public func admits(authorization: String?) -> Bool {
        guard let (user, password) = Self.credentials(authorization) else { return false }
        let hash = users[user]
        // Remembered only after a bcrypt match, keyed by a salted digest of user, password and hash. libcrypt
        // reads C strings, so a password with NUL never gets a key (it could not match anyway); user names hold no
        // colon and hashes have a fixed form, so the joined phrase is unambiguous.
        var key: String?
        if let hash, !password.utf8.contains(0) {
            key = BcryptHash.crypt("\(user):\(password):\(hash)", setting: cacheSetting)
        }
        if let key, verified.withLock({ $0.contains(key) }) { return true }
        let matched = bcrypt.withLock { _ in
            guard let hash else {
                if let dummyHash { _ = BcryptHash.matches(password, hash: dummyHash) }
                return false
            }
            return BcryptHash.matches(password, hash: hash)
        }
        if matched, let key {
            verified.withLock { remembered in
                if remembered.count >= Self.cacheCapacity { remembered.removeAll() }
                remembered.insert(key)
            }
        }
        return matched
    }

    /// User and password from `Basic <base64(user:password)>`.
    public static func credentials(_ authorization: String?) -> (String, String)? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
