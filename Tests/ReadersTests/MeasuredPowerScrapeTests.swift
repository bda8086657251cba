import Model
import PromText
import Readers
import TestSupport
import Testing

@Suite struct MeasuredPowerScrapeTests {
    @Test func dcgmExporterGivesEnergyInJoulesPowerAndUtilisationPerGPU() throws {
        let sample = try MeasuredPowerScrape.sample(
            from: Fixture.data("measured-power/dcgm-exporter.prom"), host: "gpu-node-1", timestamp: 10)
        let a = "GPU-5fd4a8c2-3e57-4f2a-9a54-1b2f0c6e7d01"
        let b = "GPU-9b31e0d4-66c8-4b7e-8f0e-2c5a7d3e9f12"
        #expect(
            sample.counters == [
                .init(domain: .gpu, id: a, joules: 8_234_567.8), .init(domain: .gpu, id: b, joules: 1_500_000),
            ])
        #expect(
            sample.gauges == [.init(domain: .gpu, id: a, watts: 312.456), .init(domain: .gpu, id: b, watts: 58.123)])
        #expect(sample.gpuUtilisation == [a: 0.8, b: 0])
        #expect(sample.host == "gpu-node-1")
    }

    @Test func ipmiExporterGivesTheWholeNodeGauge() throws {
        let sample = try MeasuredPowerScrape.sample(
            from: Fixture.data("measured-power/ipmi_exporter.prom"), host: "n", timestamp: 10)
        #expect(sample.gauges.map(\.watts) == [236])
        #expect(sample.gauges.map(\.domain) == [.node])
        #expect(sample.counters.isEmpty)
    }

    @Test func aConfiguredNodeMetricNameReplacesDCMI() throws {
        let body = Array("# TYPE redfish_power_watts gauge\nredfish_power_watts{chassis=\"1\"} 410\n".utf8)
        let families = MeasuredPowerFamilies(nodePowerMetric: "redfish_power_watts")
        let sample = try MeasuredPowerScrape.sample(from: body, families: families, host: "n", timestamp: 0)
        #expect(sample.gauges.map(\.watts) == [410])
        let dcmi = try MeasuredPowerScrape.sample(
            from: Fixture.data("measured-power/ipmi_exporter.prom"), families: families, host: "n", timestamp: 0)
        #expect(dcmi.isEmpty)
    }

    @Test func nvidiaSMIExporterGivesWattsAndARatio() throws {
        let sample = try MeasuredPowerScrape.sample(
            from: Fixture.data("measured-power/nvidia_gpu_exporter.prom"), host: "n", timestamp: 0)
        #expect(sample.gauges == [.init(domain: .gpu, id: "df6e7a7c-7314-46f8-abc4-b88b36dcf3aa", watts: 32.17)])
        #expect(sample.gpuUtilisation == ["df6e7a7c-7314-46f8-abc4-b88b36dcf3aa": 0.35])
    }

    @Test func nodeExporterRAPLPackagesAndDRAMButNotCore() throws {
        let sample = try MeasuredPowerScrape.sample(
            from: Fixture.data("measured-power/node_exporter-rapl.prom"), host: "n", timestamp: 0)
        #expect(sample.counters.map(\.domain) == [.raplDram, .raplPackage, .raplPackage])
        #expect(sample.counters.map(\.id).first == "/sys/class/powercap/intel-rapl:0:2")
        #expect(sample.counters.map(\.joules) == [5123.456789, 262143, 98765.4321])
    }

    @Test func aMalformedScrapeIsAClearError() {
        #expect(throws: ReaderError.self) {
            try MeasuredPowerScrape.sample(
                from: Array("ipmi_dcmi_power_consumption_watts{ 3\n".utf8), host: "n", timestamp: 0)
        }
    }

    @Test func negativeAndNaNValuesAreSkipped() throws {
        let body = Array(
            "# TYPE ipmi_dcmi_power_consumption_watts gauge\nipmi_dcmi_power_consumption_watts NaN\n# TYPE DCGM_FI_DEV_POWER_USAGE gauge\nDCGM_FI_DEV_POWER_USAGE{UUID=\"g\"} -4\n"
                .utf8)
        #expect(try MeasuredPowerScrape.sample(from: body, host: "n", timestamp: 0).isEmpty)
        let parsed = try TextParser.parse(body)
        #expect(MeasuredPowerScrape.read(parsed, host: "n", timestamp: 0).invalidSeries == 2)
    }
}
