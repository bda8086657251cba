import Model
import Testing

@testable import Config

@Suite struct GridConfigurationTests {
    static let twoRegions = """
        carbon_intensity:
          providers: [uk, electricitymaps, static]
          uk: {region_id: 13}
          electricitymaps: {zone: GB, token_file: secrets/em.token}
          static_grams_per_kwh: 180
          grid_region: london
          regions:
            - name: frankfurt
              match: {datacenter: fra}
              providers: [electricitymaps, file, static]
              electricitymaps: {zone: DE}
              file: {path: de.csv}
              static_grams_per_kwh: 380
            - name: california
              host_pattern: 'ca-[0-9]+\\.example\\.com(:[0-9]+)?'
              provider: watttime
              watttime: {region: CAISO_NORTH, username: site, password_env: WATTTIME_PASSWORD}
        """

    @Test func twoRegionsAndAChainParse() throws {
        let configuration = try ConfigurationLoader.parse(yaml: Self.twoRegions, file: "conf/footprint.yml")
        let regions = configuration.gridRegions
        #expect(regions.map(\.name) == ["frankfurt", "california", "london"])
        #expect(regions[2].providers == [.uk, .electricitymaps, .static])
        #expect(regions[2].uk.regionID == 13)
        #expect(regions[0].providers == [.electricitymaps, .file, .static])
        #expect(regions[0].electricityMaps.zone == "DE")
        #expect(regions[0].electricityMaps.tokenFile == "conf/secrets/em.token") // inherited, resolved
        #expect(regions[0].file.path == "conf/de.csv")
        #expect(regions[0].staticGramsPerKilowattHour == 380)
        #expect(regions[1].providers == [.watttime])
        #expect(regions[1].staticGramsPerKilowattHour == 180)
        #expect(
            try ConfigurationLoader.parse(yaml: configuration.yamlDescription, file: "footprint.yml") == configuration)

        let mapper = RegionMapper(configuration: configuration)
        #expect(mapper.region(host: "10.0.0.1:9100", labels: ["datacenter": "fra"]) == "frankfurt")
        // The first match wins.
        #expect(mapper.region(host: "ca-12.example.com:9100", labels: ["datacenter": "fra"]) == "frankfurt")
        #expect(mapper.region(host: "ca-12.example.com:9100", labels: [:]) == "california")
        #expect(mapper.region(host: "xca-12.example.com", labels: [:]) == "london") // anchored
        #expect(mapper.region(host: "10.0.0.2:9100", labels: ["datacenter": "lon"]) == "london")
    }

    @Test func oldSingleProviderConfigurationIsAOneRegionChain() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: "carbon_intensity:\n  provider: uk\n  uk: {postcode: rg10}\n", file: "c.yml")
        #expect(configuration.gridRegions.map(\.name) == ["GB-RG10"])
        #expect(configuration.gridRegions[0].providers == [.uk])
        #expect(configuration.carbonIntensity.providers == nil)
        #expect(try ConfigurationLoader.parse(yaml: configuration.yamlDescription, file: "c.yml") == configuration)
    }

    @Test(arguments: [
        (
            "carbon_intensity:\n  providers: [uk, moon]",
            "bad.yml:2: carbon_intensity.providers must be one of uk, electricitymaps, watttime, static, file"
        ),
        ("carbon_intensity:\n  providers: [uk, uk]", "bad.yml:2: carbon_intensity.providers: uk is listed twice"),
        ("carbon_intensity:\n  providers: []", "bad.yml:2: carbon_intensity.providers must name at least one provider"),
        (
            "carbon_intensity:\n  provider: uk\n  providers: [uk]",
            "bad.yml:2: carbon_intensity: give provider or providers, not both"
        ),
        (
            "carbon_intensity:\n  providers: [electricitymaps]",
            "bad.yml:2: carbon_intensity: provider electricitymaps needs electricitymaps.zone"
        ),
        (
            "carbon_intensity:\n  providers: [electricitymaps]\n  electricitymaps: {zone: DE}",
            "bad.yml:2: carbon_intensity: provider electricitymaps needs electricitymaps.token_file or token_env"
        ),
        (
            "carbon_intensity:\n  electricitymaps: {zone: DE, token_file: a, token_env: B}",
            "bad.yml:2: carbon_intensity.electricitymaps: give token_file or token_env, not both"
        ),
        (
            "carbon_intensity:\n  electricitymaps: {endpoint: forecast}",
            "bad.yml:2: carbon_intensity.electricitymaps.endpoint must be latest or history"
        ),
        (
            "carbon_intensity:\n  electricitymaps: {token_env: 9X}",
            "carbon_intensity.electricitymaps.token_env must be an environment variable name"
        ),
        (
            "carbon_intensity:\n  provider: watttime\n  watttime: {region: X}",
            "bad.yml:2: carbon_intensity: provider watttime needs watttime.username and password_file or password_env"
        ),
        (
            "carbon_intensity:\n  watttime: {endpoint: historical}",
            "carbon_intensity.watttime.endpoint must be forecast or signal-index"
        ),
        ("carbon_intensity:\n  provider: file", "bad.yml:2: carbon_intensity: provider file needs file.path"),
        ("carbon_intensity:\n  forecast: maybe", "bad.yml:2: carbon_intensity.forecast must be true or false"),
        (
            "carbon_intensity:\n  forecast_refresh: 0s",
            "bad.yml:2: carbon_intensity.forecast_refresh must be a positive duration"
        ),
        (
            "carbon_intensity:\n  regions:\n    - {name: a}",
            "bad.yml:3: carbon_intensity.regions[0] needs match or host_pattern"
        ),
        (
            "carbon_intensity:\n  regions:\n    - {match: {a: b}}",
            "bad.yml:3: carbon_intensity.regions[0].name is required"
        ),
        (
            "carbon_intensity:\n  regions:\n    - {name: a, host_pattern: '(['}",
            "bad.yml:3: carbon_intensity.regions[0].host_pattern is not a valid regular expression"
        ),
        (
            "carbon_intensity:\n  regions:\n    - {name: a, match: {x: y}}\n    - {name: a, match: {x: z}}",
            #"bad.yml:4: carbon_intensity.regions[1].name "a" is used by an earlier region"#
        ),
        (
            "carbon_intensity:\n  regions:\n    - {name: GB, match: {x: y}}",
            #"bad.yml:3: carbon_intensity.regions: "GB" is the default region's name"#
        ),
        (
            "carbon_intensity:\n  regions:\n    - name: a\n      match: {x: y}\n      providers: [file]",
            "bad.yml:5: carbon_intensity.regions[0]: provider file needs file.path"
        ),
        (
            "carbon_intensity:\n  regions:\n    - {name: a, match: {x: y}, colour: red}",
            #"bad.yml:3: unknown key "colour" in carbon_intensity.regions[0]"#
        ),
        ("carbon_intensity:\n  regions: {name: a}", "bad.yml:2: carbon_intensity.regions must be a list"),
    ])
    func badGridSettingsAreReportedWithTheirLine(yaml: String, expected: String) {
        do {
            _ = try ConfigurationLoader.parse(yaml: yaml, file: "bad.yml")
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

}
