import Foundation
import Synchronization
import Testing

@testable import WebSecurity

/// Basic authentication under attack: user names must not be told apart by the work they cost, repeated wrong
/// credentials must cost one bcrypt, and good users must not queue behind a flood of bad ones.
@Suite struct BasicAuthTimingTests {
    private func basic(_ credentials: String) -> String {
        "Basic " + Data(credentials.utf8).base64EncodedString()
    }

    /// Runs `body(index)` on `count` threads of its own at once (not a pool's few) and waits for all of them.
    private func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread.detachNewThread {
                body(index)
                group.leave()
            }
        }
        group.wait()
    }

    @Test func knownAndUnknownUsersDoTheSameWork() throws {
        let authenticator = BasicAuthenticator(users: ["alice": try #require(BcryptHash.hash("s3cret", cost: 5))])
        #expect(authenticator.check(authorization: basic("mallory:guess")) == .refused)
        #expect(authenticator.keyDerivationCount == 1)
        #expect(authenticator.bcryptCount == 1)
        #expect(authenticator.check(authorization: basic("alice:guess")) == .refused)
        #expect(authenticator.keyDerivationCount == 2)
        #expect(authenticator.bcryptCount == 2)
        #expect(authenticator.check(authorization: basic("alice:s3cret")) == .admitted)
        #expect(authenticator.keyDerivationCount == 3)
        #expect(authenticator.bcryptCount == 3)
    }

    @Test func wrongCredentialsAreRememberedForKnownAndUnknownUsers() throws {
        let authenticator = BasicAuthenticator(users: ["alice": try #require(BcryptHash.hash("s3cret", cost: 4))])
        for _ in 0..<5 {
            #expect(!authenticator.admits(authorization: basic("alice:wrong")))
            #expect(!authenticator.admits(authorization: basic("mallory:wrong")))
        }
        #expect(authenticator.bcryptCount == 2)
        #expect(authenticator.keyDerivationCount == 10)
        // A remembered refusal does not stick to the user: the right password still gets in.
        #expect(authenticator.admits(authorization: basic("alice:s3cret")))
    }

    @Test func floodOfTheSameWrongCredentialsCostsOneBcrypt() throws {
        let authenticator = BasicAuthenticator(users: ["alice": try #require(BcryptHash.hash("s3cret", cost: 8))])
        let outcomes = Mutex<[BasicAuthenticator.Outcome]>([])
        let header = basic("alice:wrong")
        concurrently(48) { _ in
            let outcome = authenticator.check(authorization: header)
            outcomes.withLock { $0.append(outcome) }
        }
        #expect(authenticator.bcryptCount == 1)
        #expect(outcomes.withLock { $0 } == Array(repeating: .refused, count: 48))
    }

    /// The reported attack: a valid first login waited 3.3 s behind 48 concurrent bad ones. Now the bad ones
    /// share one bcrypt, so the login waits for about two.
    @Test func firstLoginDoesNotQueueBehindAFloodOfTheSameBadCredentials() throws {
        let cost = 10
        let authenticator = BasicAuthenticator(users: ["alice": try #require(BcryptHash.hash("s3cret", cost: cost))])
        let probe = try #require(BcryptHash.hash("probe", cost: cost))
        let clock = ContinuousClock()
        let oneBcrypt = clock.measure { _ = BcryptHash.matches("probe", hash: probe) }

        let bad = basic("alice:wrong")
        let loginTime = Mutex<Duration?>(nil)
        let good = basic("alice:s3cret")
        concurrently(49) { index in
            if index == 48 {
                Thread.sleep(forTimeInterval: 0.005) // lets the flood take the bcrypt lock first
                var admitted = false
                let elapsed = clock.measure { admitted = authenticator.admits(authorization: good) }
                loginTime.withLock { $0 = admitted ? elapsed : nil }
            } else {
                _ = authenticator.check(authorization: bad)
            }
        }
        let login = try #require(loginTime.withLock { $0 })
        #expect(authenticator.bcryptCount == 2)
        #expect(login < oneBcrypt * 8)
    }

    @Test func floodOfDistinctWrongPasswordsDoesNotForgetGoodUsers() throws {
        let authenticator = BasicAuthenticator(users: ["alice": try #require(BcryptHash.hash("s3cret", cost: 4))])
        #expect(authenticator.admits(authorization: basic("alice:s3cret")))
        for attempt in 0..<1500 {
            #expect(!authenticator.admits(authorization: basic("alice:guess\(attempt)")))
        }
        let before = authenticator.bcryptCount
        #expect(authenticator.admits(authorization: basic("alice:s3cret")))
        #expect(authenticator.bcryptCount == before)
    }

    /// Different credentials beyond the waiting limit are turned away at once instead of holding a thread;
    /// none of them is ever admitted, and remembered users still are.
    @Test func tooManyDistinctCredentialsWaitingAreTurnedAway() throws {
        let authenticator = BasicAuthenticator(users: ["alice": try #require(BcryptHash.hash("s3cret", cost: 10))])
        #expect(authenticator.admits(authorization: basic("alice:s3cret")))
        let outcomes = Mutex<[BasicAuthenticator.Outcome]>([])
        let threads = BasicAuthenticator.maxPendingCredentials * 3
        concurrently(threads) { index in
            let outcome = authenticator.check(authorization: basic("alice:guess\(index)"))
            outcomes.withLock { $0.append(outcome) }
        }
        let all = outcomes.withLock { $0 }
        #expect(all.count == threads)
        #expect(!all.contains(.admitted))
        #expect(all.contains(.busy))
        #expect(authenticator.bcryptCount <= 1 + BasicAuthenticator.maxPendingCredentials * 3)
        #expect(authenticator.check(authorization: basic("alice:s3cret")) == .admitted)
    }
}
