import Foundation
import TestSupport
import Testing
import WebSecurity

@testable import CLI

/// `check-config --web.config.file`: valid files pass, invalid ones fail with exit status 1.
@Suite struct CheckWebConfigTests {
    @Test func validatesTheWebConfigurationFile() throws {
        let directory = try TestStack.temporaryDirectory()
        let good = "\(directory)/good.yml"
        try "basic_auth_users: {alice: '\(try #require(BcryptHash.hash("x", cost: 4)))'}\n".write(
            toFile: good, atomically: true, encoding: .utf8)
        let bad = "\(directory)/bad.yml"
        try "basic_auth_users: {alice: plaintext}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        try CheckConfig.parse(["--web.config.file", good]).run()
        #expect(throws: (any Error).self) { try CheckConfig.parse(["--web.config.file", bad]).run() }
        // Neither file given is a usage error.
        #expect(throws: (any Error).self) { try CheckConfig.parse([]) }
    }
}
