import Counters
import Exposition
import Foundation
import Model
import PromText
import TestSupport
import Testing

@Suite struct SnapshotRendererTests {
    static func fixedSnapshot() -> Snapshot {
        var busy = HostAccount(
            host: "10.0.0.5:9100", attribution: ["isis", "jane.doe"], gridRegion: "GB-13", profileName: "default",
            cores: 2, lastSeen: 0)
        busy.busyEnergy = Joules(4500)
        busy.idleEnergy = Joules(1500)
        busy.busyEmissions = Grams(0.25)
        busy.idleEmissions = Grams(1.0 / 12)
        busy.busySeconds = Seconds(45)
        busy.power = Watts(100)
        busy.idleRatio = 0.25
        busy.memoryActiveRatio = 0.5
        busy.bootTime = 1_795_343_106
        // Measured at the wall, with GPUs whose 40 W (PUE included) are part of the 100 W.
        busy.powerMethod = .node
        busy.gpuPower = Watts(40)
        busy.gpuBusyEnergy = Joules(1800)
        busy.gpuIdleEnergy = Joules(600)
        // A host seen once, in another grid region: counters at zero, power and idle ratio not known yet, so not exported.
        var fresh = HostAccount(
            host: "ws-\"odd\"\\name", attribution: ["", "bob\nsmith"], gridRegion: "DE", profileName: "default",
            cores: 4, lastSeen: 0)
        fresh.memoryActiveRatio = nil
        let gpuProfile = PowerProfile(name: "gpu-node", cpuWattsPerCore: 12, cpuIdleWattsPerCore: 1.5, otherWatts: 60)
        let fit = ProfileFit(
            profile: "gpu-node", cpuIdleWattsPerCore: 2.25, cpuWattsPerCore: 9.5, otherWatts: 71, idleFitted: true,
            hosts: 4, intervals: 1440, errorRatio: 0.03125, fittedAt: 1_795_340_000)
        var rejected = fit
        rejected.hosts = 2
        rejected.rejection = .tooFewHosts
        return Snapshot(
            attributionLabels: ["cloud_project_name", "user"],
            accounts: [busy, fresh],
            hostsInLastCollection: 2,
            lastCollection: 1_795_347_125.5,
            calibrations: [
                ProfileCalibration(configured: PowerProfile(), fitInForce: nil, latestAttempt: nil),
                ProfileCalibration(configured: gpuProfile, fitInForce: fit, latestAttempt: rejected),
            ]
        )
    }

    static let status: ExporterStatus = {
        var status = ExporterStatus(
            sources: [
                .init(name: "prometheus", up: true, durationSeconds: 0.125, errors: 3),
                .init(name: "carbon_intensity", up: false, durationSeconds: 2, errors: 1),
            ],
            grids: [.init(provider: "uk", region: "GB-13", gramsPerKilowattHour: 145, ageSeconds: 60, fallback: false)],
            version: "1.2.3",
            revision: "abcdef",
            equivalencies: EquivalencyTable.builtIn
        )
        status.targets = [
            .init(host: "10.0.0.5:9100", up: true, durationSeconds: 0.015625),
            .init(host: "10.0.0.6:9100", up: false, durationSeconds: 5),
        ]
        status.reload = .init(successful: true, lastSuccess: 1_795_340_000)
        status.shard = try? Shard(count: 3, index: 1)
        status.skippedHosts = [.init(source: "prometheus", reason: "invalid_values", count: 2)]
        status.forecasts = [
            .init(
                provider: "uk", region: "GB-13", minimumGramsPerKilowattHour: 98, minimumStart: 1_795_350_600,
                meanGramsPerKilowattHour: 131.5)
        ]
        return status
    }()

    @Test func textGolden() {
        let bytes = SnapshotRenderer().render(Self.fixedSnapshot(), status: Self.status)
        if let difference = Golden.compare(bytes, name: "snapshot.golden.prom") { Issue.record("\(difference)") }
    }

    @Test func openMetricsGolden() {
        let bytes = SnapshotRenderer().render(Self.fixedSnapshot(), status: Self.status, format: .openMetrics)
        if let difference = Golden.compare(bytes, name: "snapshot.golden.om.txt") { Issue.record("\(difference)") }
    }

    @Test func emptySnapshotStillDescribesTheExporter() {
        let text = String(
            decoding: SnapshotRenderer().render(.empty(attributionLabels: ["user"]), status: Self.status), as: UTF8.self
        )
        #expect(text.contains("footprint_exporter_build_info{version=\"1.2.3\",revision=\"abcdef\"} 1\n"))
        #expect(text.contains("footprint_hosts 0\n"))
        #expect(!text.contains("footprint_host_energy_joules_total"))
        #expect(!text.contains("footprint_last_collection_timestamp_seconds"))
        #expect(text.contains("footprint_shard_info{index=\"1\",count=\"3\"} 1\n"))
    }

    @Test func anUnshardedExporterHasNoShardInfo() {
        var status = Self.status
        status.shard = nil
        let text = String(decoding: SnapshotRenderer().render(Self.fixedSnapshot(), status: status), as: UTF8.self)
        #expect(!text.contains("footprint_shard_info"))
    }

    @Test func goldenFamiliesEqualTheCatalog() throws {
        let golden = try String(contentsOfFile: Golden.path("snapshot.golden.prom"), encoding: .utf8)
        let typed = golden.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(typed.map(String.init) == MetricCatalog.all.map(\.name))
        for definition in MetricCatalog.all {
            #expect(golden.contains("# TYPE \(definition.name) \(definition.type.rawValue)\n"))
            #expect(definition.name.hasPrefix("footprint_"))
            #expect(definition.name.hasSuffix("_total") == (definition.type == .counter))
            #expect(!definition.help.isEmpty)
        }
    }

    @Test func goldenPassesPromtool() throws {
        let result = try Promtool.checkMetrics(Golden.path("snapshot.golden.prom"))
        #expect(result.status == 0, "promtool check metrics: \(result.output)")
    }

    @Test func renderingIsDeterministicAndSorted() {
        let a = SnapshotRenderer().render(Self.fixedSnapshot(), status: Self.status)
        let b = SnapshotRenderer().render(Self.fixedSnapshot(), status: Self.status)
        #expect(a == b)
        let text = String(decoding: a, as: UTF8.self)
        let names = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
            String($0.prefix { $0 != "{" && $0 != " " })
        }
        #expect(names == names.sorted())
    }
}

@Suite struct PowerSeriesRenderingTests {
    @Test func hostsWithoutGPUsOrMethodGetNoSuchSeries() {
        var account = HostAccount(host: "h", attribution: [], profileName: "default", cores: 2, lastSeen: 0)
        account.power = Watts(30)
        let snapshot = Snapshot(attributionLabels: [], accounts: [account], hostsInLastCollection: 1, lastCollection: 1)
        let text = String(
            decoding: SnapshotRenderer().render(
                snapshot,
                status: ExporterStatus(
                    sources: [], grids: [], version: "v",
                    revision: "r", equivalencies: [])), as: UTF8.self)
        #expect(text.contains("footprint_host_power_watts{host=\"h\",grid_region=\"\"} 30\n"))
        // HELP texts mention the other families, so look for their TYPE lines.
        #expect(!text.contains("# TYPE footprint_host_gpu_"))
        #expect(!text.contains("# TYPE footprint_host_power_method"))
        #expect(!text.contains("# TYPE footprint_power_profile_"))
    }

    @Test func eachHostNamesOnlyTheMethodInForce() {
        var rapl = HostAccount(host: "a", attribution: [], profileName: "default", cores: 2, lastSeen: 0)
        rapl.powerMethod = .rapl
        var calibrated = HostAccount(host: "b", attribution: [], profileName: "default", cores: 2, lastSeen: 0)
        calibrated.powerMethod = .calibrated
        let snapshot = Snapshot(
            attributionLabels: [], accounts: [rapl, calibrated], hostsInLastCollection: 2, lastCollection: 1)
        let text = String(
            decoding: SnapshotRenderer().render(
                snapshot,
                status: ExporterStatus(
                    sources: [], grids: [], version: "v",
                    revision: "r", equivalencies: [])), as: UTF8.self)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("footprint_host_power_method{") }
        #expect(
            lines == [
                #"footprint_host_power_method{host="a",grid_region="",method="rapl"} 1"#,
                #"footprint_host_power_method{host="b",grid_region="",method="calibrated"} 1"#,
            ])
    }
}
