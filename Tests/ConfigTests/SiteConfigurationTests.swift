import Testing

@testable import Config

@Suite struct SiteConfigurationTests {
    private func problems(_ yaml: String) -> [String] {
        do {
            _ = try ConfigurationLoader.parse(yaml: yaml, file: "sites.yml")
            return []
        } catch {
            return error.problems.map { "\($0.line): \($0.message)" }
        }
    }

    @Test func aSiteMatchesOneValueOrAnyOfAList() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                sites:
                  - {name: clf, match: {cloud_project_name: [clf, clf-extra]}}
                  - {name: isis, match: {cloud_project_name: isis}}
                  - {name: all-ann, match: {user: ann}}
                usage_history: {retention: 30d, machine_label: user}
                """, file: "sites.yml")
        #expect(configuration.sites.map(\.name) == ["clf", "isis", "all-ann"])
        #expect(configuration.sites[0].match == ["cloud_project_name": ["clf", "clf-extra"]])
        #expect(configuration.site(of: ["cloud_project_name": "clf-extra", "user": "ann"])?.name == "clf")
        // The first site that matches wins.
        #expect(configuration.site(of: ["cloud_project_name": "isis", "user": "ann"])?.name == "isis")
        #expect(configuration.site(of: ["cloud_project_name": "other", "user": "ann"])?.name == "all-ann")
        #expect(configuration.site(of: ["cloud_project_name": "other", "user": "bob"]) == nil)
        #expect(configuration.usageHistory.retention == 30 * 86_400)
        #expect(configuration.usageHistory.machineLabel == "user")
        // The effective configuration reads back as the same configuration.
        #expect(
            try ConfigurationLoader.parse(yaml: configuration.yamlDescription, file: "effective.yml") == configuration)
    }

    /// A bridge keeps only these labels of each target, so every label something matches on must be among them
    /// (sites match on attribution labels only).
    @Test func theLabelsInUseAreEveryLabelAttributionProfilesRegionsAndSitesRead() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                source:
                  prometheus: {url: "http://p:9090", attribution_labels: [cloud_project_name, user]}
                power:
                  profiles:
                    - {name: gpu, match: {flavor: g1}, cpu_watts_per_core: 9}
                carbon_intensity:
                  regions:
                    - {name: fra, match: {datacenter: fra}}
                sites:
                  - {name: clf, match: {user: ann}}
                """, file: "labels.yml")
        #expect(configuration.labelsInUse == ["cloud_project_name", "user", "flavor", "datacenter"])
        let plain = try ConfigurationLoader.parse(yaml: "", file: "empty.yml")
        #expect(plain.labelsInUse == Set(Configuration.defaultAttributionLabels))
    }

    @Test func theHistoryKeepsFourHundredDaysByDefault() throws {
        let configuration = try ConfigurationLoader.parse(yaml: "", file: "empty.yml")
        #expect(configuration.usageHistory.retention == 400 * 86_400)
        #expect(configuration.sites.isEmpty)
    }

    @Test func brokenSitesAreEachReportedWithTheirLine() {
        let found = problems(
            """
            sites:
              - {name: clf, match: {cloud_project_name: clf}}
              - {name: clf, match: {cloud_project_name: x}}
              - {name: "bad/name", match: {cloud_project_name: x}}
              - {match: {cloud_project_name: x}}
              - {name: nomatch}
              - {name: machine, match: {machine_name: big}}
              - {name: empty, match: {cloud_project_name: []}}
              - {name: odd, colour: red, match: {user: x}}
            usage_history: {retention: 10m, keep: forever}
            """)
        #expect(found.contains("3: sites[1].name: \"clf\" is used by another site"))
        #expect(found.contains { $0.hasPrefix("4: sites[2].name must be letters, digits") })
        #expect(found.contains("5: sites[3].name is required"))
        #expect(found.contains("6: sites[4].match must name at least one label"))
        #expect(
            found.contains {
                $0.hasPrefix(
                    "7: sites: site \"machine\" matches on \"machine_name\", which is not an attribution label")
            })
        #expect(found.contains("8: sites[6].match.cloud_project_name must list at least one value"))
        #expect(found.contains("9: unknown key \"colour\" in sites[7]"))
        #expect(found.contains("10: usage_history.retention must be at least 1h"))
        #expect(found.contains("10: unknown key \"keep\" in usage_history"))
    }
}
