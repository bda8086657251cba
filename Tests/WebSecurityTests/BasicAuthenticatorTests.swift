import Foundation
import TestSupport
import Testing

@testable import Config
@testable import WebSecurity

/// bcrypt through libcrypt and the authenticator's decisions.
@Suite struct BasicAuthenticatorTests {
    @Test func bcryptMatchesOnlyTheRightPassword() throws {
        let hash = try #require(BcryptHash.hash("correct horse", cost: 4))
        #expect(BcryptHashShape.isWellFormed(hash))
        #expect(BcryptHashShape.cost(of: hash) == 4)
        #expect(BcryptHash.matches("correct horse", hash: hash))
        #expect(!BcryptHash.matches("correct horsE", hash: hash))
        #expect(!BcryptHash.matches("", hash: hash))
        #expect(!BcryptHash.matches("correct horse\u{0}", hash: hash))
        // The $2y$ spelling other tools write is the same algorithm.
        let y = "$2y$" + hash.dropFirst(4)
        #expect(BcryptHash.matches("correct horse", hash: y))
    }

    @Test func constantTimeComparisonIsStillAComparison() {
        #expect(BcryptHash.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!BcryptHash.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!BcryptHash.constantTimeEqual([1, 2, 3], [1, 2]))
    }

    @Test func decidesOnCredentials() throws {
        let authenticator = BasicAuthenticator(users: ["alice": try #require(BcryptHash.hash("s3cret", cost: 4))])
        func basic(_ text: String) -> String { "Basic " + Data(text.utf8).base64EncodedString() }
        #expect(authenticator.admits(authorization: basic("alice:s3cret")))
        #expect(authenticator.admits(authorization: basic("alice:s3cret"))) // remembered
        #expect(!authenticator.admits(authorization: basic("alice:s3cret ")))
        #expect(!authenticator.admits(authorization: basic("alice:s3cre")))
        #expect(!authenticator.admits(authorization: basic("alice:s3cret\u{0}x")))
        #expect(!authenticator.admits(authorization: basic("bob:s3cret")))
        #expect(!authenticator.admits(authorization: basic("alice")))
        #expect(!authenticator.admits(authorization: "Bearer " + Data("alice:s3cret".utf8).base64EncodedString()))
        #expect(!authenticator.admits(authorization: "Basic not-base64!"))
        #expect(!authenticator.admits(authorization: nil))
        // A password may contain colons; only the first separates the user.
        let colon = BasicAuthenticator(users: ["bob": try #require(BcryptHash.hash("a:b:c", cost: 4))])
        #expect(colon.admits(authorization: basic("bob:a:b:c")))
    }

    @Test func tokenBucketAllowsBurstThenRefills() {
        let limiter = RequestRateLimiter(interval: 1, burst: 2, now: 100)
        #expect(limiter.allows(now: 100))
        #expect(limiter.allows(now: 100))
        #expect(!limiter.allows(now: 100.5))
        #expect(limiter.allows(now: 101.5))
        #expect(!limiter.allows(now: 101.6))
        #expect(limiter.allows(now: 110))
        #expect(limiter.allows(now: 110))
        #expect(!limiter.allows(now: 110))
    }
}
