import Testing

@testable import Config

/// `history`: the long-term store history commands read, and every bad value reported with its line.
@Suite struct HistoryConfigurationTests {
    @Test func withoutHistoryTheBridgesPrometheusIsRead() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: "source: {kind: prometheus, prometheus: {url: 'http://prom:9090', timeout: 5s}}\n", file: "f.yml")
        #expect(configuration.history == nil)
        #expect(configuration.historySource == configuration.source.prometheus)
    }

    @Test func historyReplacesEndpointAndCredentialsOnly() throws {
        let yaml = """
            source:
              kind: prometheus
              prometheus:
                url: http://prom:9090
                selector: '{job="node"}'
                host_label: node
                bearer_token_env: PROMETHEUS_TOKEN
            history:
              url: http://victoria:8428
              timeout: 2m
              basic_auth: {username: reports, password_env: VM_PASSWORD}
              headers: {X-Scope-OrgID: site-a}
            """
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "f.yml")
        let source = configuration.historySource
        #expect(source.url == "http://victoria:8428")
        #expect(source.timeout == 120)
        #expect(source.basicAuth?.username == "reports")
        #expect(source.bearerTokenEnv == nil)
        #expect(source.selector == #"{job="node"}"#)
        #expect(source.hostLabel == "node")
        #expect(configuration.history?.headers == ["X-Scope-OrgID": "site-a"])
        let printed = configuration.yamlDescription
        #expect(printed.contains("history:\n  url: \"http://victoria:8428\"\n  timeout: 2m\n"))
        #expect(printed.contains("  headers: {X-Scope-OrgID: \"site-a\"}\n"))
        #expect(try ConfigurationLoader.parse(yaml: printed, file: "printed.yml") == configuration)
    }

    @Test(arguments: [
        ("history: {timeout: 1m}\n", "footprint.yml:1: history needs url: the query endpoint of the long-term store"),
        (
            "history: {url: 'ftp://vm'}\n",
            "footprint.yml:1: history.url must be an http or https URL with a host; got \"ftp://vm\""
        ),
        ("history: {url: 'http://vm', retention: 1y}\n", "footprint.yml:1: unknown key \"retention\" in history"),
        (
            "history: {url: 'http://vm', headers: {Authorization: x}}\n",
            "footprint.yml:1: history.headers: give Authorization through basic_auth or a bearer token, not a header"
        ),
        (
            "history: {url: 'http://vm', headers: {'bad header': x}}\n",
            "footprint.yml:1: history.headers: \"bad header\" is not a valid header name"
        ),
        (
            "history: {url: 'http://vm', bearer_token_env: A, bearer_token_file: t}\n",
            "footprint.yml:1: history: give bearer_token_file or bearer_token_env, not both"
        ),
    ])
    func badHistoryIsAProblem(yaml: String, expected: String) {
        let found = configurationProblems(yaml)
        #expect(found == [expected], "\(found)")
    }
}
