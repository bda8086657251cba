import Config
import Foundation
import Synchronization

/// Checks `Authorization: Basic` credentials against bcrypt hashes.
///
/// Known and unknown user names cost the same work: one SHA-512-crypt cache key and, when the key is not
/// remembered, one bcrypt (an unknown user's against a random hash of the same cost), so the answer time does
/// not tell which user names exist. bcrypt runs one at a time, so a flood of bad passwords costs one core, not
/// all. Outcomes, good and bad, are remembered under a salted digest: a scrape every few seconds does not pay
/// for bcrypt each time, a flood of the same wrong credentials costs one bcrypt, and a remembered good user never
/// waits for the bcrypt lock. Refusals are remembered apart from admissions, so a flood of distinct wrong
/// passwords cannot push good users out.
public final class BasicAuthenticator: Sendable {
    /// What a check decided.
    public enum Outcome: Sendable, Equatable {
        case admitted
        case refused
        /// Too many different credentials are already waiting for bcrypt; the client should retry later.
        case busy
    }

    private let users: [String: String]
    private let dummyHash: String
    /// Random per process, so remembered digests are of no use anywhere else.
    private let cacheSetting: String
    private let cache = Mutex(OutcomeCache())
    private let bcrypt = Mutex(())
    private let keyDerivations = Atomic<Int>(0)
    private let bcryptRuns = Atomic<Int>(0)
    /// Different credentials allowed to wait for bcrypt at once. More would hold handler threads that
    /// remembered users need; the same credentials asked again wait for the answer already being computed.
    public static let maxPendingCredentials = 16

    public init(users: [String: String]) {
        self.users = users
        let cost = users.values.compactMap(BcryptHashShape.cost(of:)).max() ?? 10
        // Without libcrypt's random salt, a fixed well-formed hash of the same cost still costs the same bcrypt.
        dummyHash =
            BcryptHash.randomHash(cost: cost)
            ?? "$2b$\(cost < 10 ? "0" : "")\(cost)$" + String(repeating: "O", count: 53)
        let salt = String(
            (0..<16).map { _ in "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".randomElement()! })
        cacheSetting = "$6$rounds=1000$\(salt)$"
    }

    public var isEnabled: Bool { !users.isEmpty }

    /// SHA-512-crypt cache keys computed so far (one per check of well-formed credentials).
    public var keyDerivationCount: Int { keyDerivations.load(ordering: .relaxed) }
    /// bcrypt computations so far.
    public var bcryptCount: Int { bcryptRuns.load(ordering: .relaxed) }

    /// Whether the `Authorization` header value names a configured user with the right password.
    public func admits(authorization: String?) -> Bool {
        check(authorization: authorization) == .admitted
    }

    /// Checks the `Authorization` header value.
    public func check(authorization: String?) -> Outcome {
        guard let (user, password) = Self.credentials(authorization) else { return .refused }
        // libcrypt reads C strings: a NUL could never have been hashed, for a known user or an unknown one.
        guard !user.utf8.contains(0), !password.utf8.contains(0) else { return .refused }
        let known = users[user]
        let hash = known ?? dummyHash
        // User names hold no colon and hashes have a fixed form, so the joined phrase is unambiguous.
        keyDerivations.add(1, ordering: .relaxed)
        guard let key = BcryptHash.crypt("\(user):\(password):\(hash)", setting: cacheSetting) else {
            return .refused
        }
        let remembered: Outcome? = cache.withLock { cache in
            if let outcome = cache.outcome(for: key) { return outcome ? .admitted : .refused }
            guard cache.pending[key] != nil || cache.pending.count < Self.maxPendingCredentials else { return .busy }
            cache.pending[key, default: 0] += 1
            return nil
        }
        if let remembered { return remembered }
        let matched = bcrypt.withLock { _ in
            // Another request with the same credentials may have been answered while this one waited.
            if let outcome = cache.withLock({ $0.outcome(for: key) }) { return outcome }
            bcryptRuns.add(1, ordering: .relaxed)
            let matched = BcryptHash.matches(password, hash: hash) && known != nil
            cache.withLock { $0.remember(key, admitted: matched) }
            return matched
        }
        cache.withLock { cache in
            let waiting = (cache.pending[key] ?? 1) - 1
            cache.pending[key] = waiting > 0 ? waiting : nil
        }
        return matched ? .admitted : .refused
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

/// Remembered outcomes by cache key, admissions and refusals in separate bounded sets (oldest forgotten
/// first), and how many requests wait for each key's bcrypt.
private struct OutcomeCache {
    var admitted = BoundedKeySet(capacity: 256)
    var refused = BoundedKeySet(capacity: 1024)
    var pending: [String: Int] = [:]

    func outcome(for key: String) -> Bool? {
        if admitted.contains(key) { return true }
        if refused.contains(key) { return false }
        return nil
    }

    mutating func remember(_ key: String, admitted wasAdmitted: Bool) {
        if wasAdmitted { admitted.insert(key) } else { refused.insert(key) }
    }
}

/// A set of at most `capacity` keys that forgets the oldest when full.
private struct BoundedKeySet {
    let capacity: Int
    private var members: Set<String> = []
    private var order: [String] = []
    private var oldest = 0

    init(capacity: Int) { self.capacity = capacity }

    func contains(_ key: String) -> Bool { members.contains(key) }

    mutating func insert(_ key: String) {
        guard members.insert(key).inserted else { return }
        order.append(key)
        if members.count > capacity {
            members.remove(order[oldest])
            oldest += 1
            // Drops the forgotten prefix once it is as long as what is kept.
            if oldest >= capacity {
                order.removeFirst(oldest)
                oldest = 0
            }
        }
    }
}
