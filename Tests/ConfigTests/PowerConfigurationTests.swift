import Testing

@testable import Config

/// The measured-power and calibration keys of `power:`: defaults, values, and errors that name the line.
@Suite struct PowerConfigurationTests {
    @Test func defaultsMeasureWhatIsThereAndCalibrate() throws {
        let power = try ConfigurationLoader.parse(yaml: "collect_interval: 60s\n", file: "p.yml").power
        #expect(power.measured.enabled)
        #expect(power.measured.nodeMetric == "ipmi_dcmi_power_consumption_watts")
        #expect(power.measured.joinLabel == "instance" && power.measured.joinRegex == nil)
        #expect(power.calibration == Configuration.Power.Calibration(window: 21_600, minHosts: 3, apply: true))
    }

    @Test func everyKeyIsReadAndPrintedBack() throws {
        let yaml = """
            power:
              measured:
                node_metric: redfish_power_watts
                selector: '{job=~"ipmi|dcgm"}'
                join: {label: node, regex: '(.+)-bmc', replacement: '$1'}
                powercap: /host/sys/class/powercap
                targets: [{port: 9400}, {port: 9290, path: /ipmi, scheme: https}]
              calibration: {window: 2h, min_hosts: 4, apply: false}
            """
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "p.yml")
        let measured = configuration.power.measured
        #expect(measured.nodeMetric == "redfish_power_watts")
        #expect(measured.selector == #"{job=~"ipmi|dcgm"}"#)
        #expect(measured.joinLabel == "node" && measured.joinRegex == "(.+)-bmc" && measured.joinReplacement == "$1")
        #expect(measured.powercapPath == "/host/sys/class/powercap")
        #expect(
            measured.targets == [
                .init(port: 9400), .init(port: 9290, path: "/ipmi", scheme: "https"),
            ])
        #expect(configuration.power.calibration == .init(window: 7_200, minHosts: 4, apply: false))
        let again = try ConfigurationLoader.parse(yaml: configuration.yamlDescription, file: "again.yml")
        #expect(again == configuration)
    }

    @Test(arguments: [
        ("power:\n  measured: {node_metric: 'not a name'}\n", "p.yml:2: power.measured.node_metric"),
        ("power:\n  measured:\n    join: {regex: '(['}\n", "p.yml:3: power.measured.join.regex"),
        ("power:\n  measured: {selector: 'job=\"x\"'}\n", "p.yml:2: power.measured.selector"),
        ("power:\n  calibration: {window: 5m}\n", "p.yml:2: power.calibration.window"),
        ("power:\n  calibration: {min_hosts: 0}\n", "p.yml:2: power.calibration.min_hosts"),
        ("power:\n  calibration: {apply: maybe}\n", "p.yml:2: power.calibration.apply"),
        ("power:\n  measured:\n    targets: [{port: 0}]\n", "p.yml:3: power.measured.targets[0].port"),
        ("power:\n  measured:\n    targets: [{path: /x}]\n", "p.yml:3: power.measured.targets[0] needs a port"),
        ("power:\n  measured: {rapl: true}\n", #"p.yml:2: unknown key "rapl" in power.measured"#),
    ])
    func badValuesNameTheirLine(yaml: String, expected: String) {
        do {
            _ = try ConfigurationLoader.parse(yaml: yaml, file: "p.yml")
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }
}
