import Foundation
import Testing

@testable import Config
@testable import Readers

@Suite struct SecretsTests {
    @Test func secretsFromTheEnvironment() throws {
        let yaml = """
            source:
              kind: prometheus
              prometheus:
                basic_auth: {username: reader, password_env: FOOTPRINT_TEST_PROMETHEUS_PASSWORD}
            """
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "s.yml")
        let auth = try #require(configuration.source.prometheus.basicAuth)
        #expect(auth.passwordEnv == "FOOTPRINT_TEST_PROMETHEUS_PASSWORD")
        // Only the variable's name is printed; the value is read at start and never stored in the configuration.
        #expect(configuration.yamlDescription.contains("password_env: FOOTPRINT_TEST_PROMETHEUS_PASSWORD"))
        setenv("FOOTPRINT_TEST_PROMETHEUS_PASSWORD", "pa55:word", 1)
        defer { unsetenv("FOOTPRINT_TEST_PROMETHEUS_PASSWORD") }
        let header = try Secrets.basicAuthorization(auth)
        #expect(header.value == "Basic " + Data("reader:pa55:word".utf8).base64EncodedString())
        unsetenv("FOOTPRINT_TEST_PROMETHEUS_PASSWORD")
        #expect(throws: Secrets.SecretError.self) { try Secrets.basicAuthorization(auth) }

        var bearer = Configuration.PrometheusSource()
        bearer.bearerTokenEnv = "FOOTPRINT_TEST_TOKEN"
        setenv("FOOTPRINT_TEST_TOKEN", "t0ken", 1)
        defer { unsetenv("FOOTPRINT_TEST_TOKEN") }
        #expect(try Secrets.authorizationHeaders(for: bearer).map(\.value) == ["Bearer t0ken"])
    }
}
