import Foundation
import TestSupport
import Testing

@testable import Config

/// The README's configuration reference is a file a user copies: it must load as it stands.
@Suite struct ReadmeReferenceTests {
    @Test func theReferenceBlockLoads() throws {
        let readme = URL(fileURLWithPath: Fixture.sharedDirectory).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.range(of: "## Configuration reference"))
        let rest = text[section.upperBound...]
        let open = try #require(rest.range(of: "```yaml\n"))
        let close = try #require(rest[open.upperBound...].range(of: "\n```"))
        let yaml = String(rest[open.upperBound..<close.lowerBound])
        #expect(yaml.contains("source:") && yaml.contains("power:"))
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "README.md")
        #expect(configuration.source.prometheus.basicAuth?.passwordFile != nil)
    }
}

/// A password written in the file is accepted (existing files keep working) but named, so check-config and the
/// server can warn about it.
@Suite struct InlineSecretTests {
    @Test func inlinePasswordsAreNamedAndFileOnesAreNot() throws {
        let inline = try ConfigurationLoader.parse(
            yaml: """
                source:
                  kind: scrape
                  scrape:
                    static: [{targets: ["10.0.0.1:9100"]}]
                    basic_auth: {username: scraper, password: hunter2}
                """, file: "s.yml")
        #expect(inline.inlineSecretKeys == ["source.scrape.basic_auth.password"])
        let fromFile = try ConfigurationLoader.parse(
            yaml: """
                source:
                  kind: prometheus
                  prometheus: {basic_auth: {username: reader, password_file: secret}}
                """, file: "p.yml")
        #expect(fromFile.inlineSecretKeys.isEmpty)
    }
}
