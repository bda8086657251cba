import Counters
import Model
import PromText

/// Turns a snapshot and the exporter's status into an exposition, families sorted by name.
///
/// Host series carry `host`, then the attribution labels in configured order (a missing one has an empty
/// value), then `grid_region`; series appear in host order. Unknown values (power before a host's first interval, memory a
/// source did not report) are omitted, never written as zero.
public struct SnapshotRenderer: Sendable {
    public init() {}

    private static let busy = EscapedLabels(["state": "busy"])
    private static let idle = EscapedLabels(["state": "idle"])
    private static let methods = Dictionary(
        uniqueKeysWithValues: PowerMethod.allCases.map { ($0, EscapedLabels(["method": $0.rawValue])) })

    /// A snapshot with each host's identity labels already escaped: prepared once per collection, so that
    /// every scrape in between only copies bytes.
    public struct Prepared: Sendable {
        public let snapshot: Snapshot
        let hostLabels: [EscapedLabels]
        /// Bytes of all host label sets, for sizing the output buffer.
        let hostLabelBytes: Int
    }

    public func prepare(_ snapshot: Snapshot) -> Prepared {
        let hostLabels = snapshot.accounts.map { account in
            var labels = [Label("host", account.host)]
            for (name, value) in zip(snapshot.attributionLabels, account.attribution) {
                labels.append(Label(name, value))
            }
            labels.append(Label("grid_region", account.gridRegion ?? ""))
            return EscapedLabels(LabelSet(labels))
        }
        return Prepared(
            snapshot: snapshot, hostLabels: hostLabels, hostLabelBytes: hostLabels.reduce(0) { $0 + $1.bytes.count })
    }

    public func render(_ snapshot: Snapshot, status: ExporterStatus, format: ExpositionFormat = .text) -> [UInt8] {
        render(prepare(snapshot), status: status, format: format)
    }

    /// - Parameter capacityHint: the expected output size (e.g. the previous render's), so that a large
    ///   exposition is written into one allocation instead of a doubling series of them.
    public func render(
        _ prepared: Prepared,
        status: ExporterStatus,
        format: ExpositionFormat = .text,
        capacityHint: Int? = nil
    ) -> [UInt8] {
        // Without a hint: ten host lines of about 70 bytes besides their labels, per host.
        let estimate = 8192 + 10 * (prepared.hostLabelBytes + 70 * prepared.hostLabels.count)
        let capacity = capacityHint.map { $0 + $0 / 16 + 4096 } ?? estimate
        var writer = ExpositionWriter(format: format, reservingCapacity: capacity)
        let hosts = prepared.snapshot.accounts.indices
        for definition in MetricCatalog.all {
            write(definition, prepared.snapshot, prepared.hostLabels, status, hosts: hosts, &writer)
        }
        return writer.finish()
    }

    /// Writes the part of `definition`'s family that belongs to `hosts`, a slice of the snapshot's accounts: a
    /// slice starting at the first host also writes the header and every series not tied to a host, so writing
    /// consecutive slices one after the other gives the same bytes as writing all hosts at once.
    func write(
        _ definition: MetricDefinition,
        _ snapshot: Snapshot,
        _ hostLabels: [EscapedLabels],
        _ status: ExporterStatus,
        hosts: Range<Int>,
        _ writer: inout ExpositionWriter
    ) {
        let accounts = snapshot.accounts
        let name = Array(definition.name.utf8)
        // Later slices write no header, and no samples either where the first slice found no host with any.
        let first = hosts.lowerBound == 0
        func perHost(_ value: (borrowing HostAccount) -> Double?) {
            if first {
                guard accounts.contains(where: { value($0) != nil }) else { return }
                writer.writeHeader(name: definition.name, help: definition.help, type: definition.type)
            }
            for index in hosts {
                guard let sample = value(accounts[index]) else { continue }
                writer.writeSample(name: name, escapedLabels: hostLabels[index], extraLabels: nil, value: sample)
            }
        }
        func perHostByState(busy: (borrowing HostAccount) -> Double, idle: (borrowing HostAccount) -> Double) {
            if first {
                guard !accounts.isEmpty else { return }
                writer.writeHeader(name: definition.name, help: definition.help, type: definition.type)
            }
            for index in hosts {
                writer.writeSample(
                    name: name, escapedLabels: hostLabels[index], extraLabels: Self.busy, value: busy(accounts[index]))
                writer.writeSample(
                    name: name, escapedLabels: hostLabels[index], extraLabels: Self.idle, value: idle(accounts[index]))
            }
        }
        func perHostWithGPUs(busy: (borrowing HostAccount) -> Double, idle: (borrowing HostAccount) -> Double) {
            if first {
                guard accounts.contains(where: { $0.gpuPower != nil }) else { return }
                writer.writeHeader(name: definition.name, help: definition.help, type: definition.type)
            }
            for index in hosts where accounts[index].gpuPower != nil {
                writer.writeSample(
                    name: name, escapedLabels: hostLabels[index], extraLabels: Self.busy, value: busy(accounts[index]))
                writer.writeSample(
                    name: name, escapedLabels: hostLabels[index], extraLabels: Self.idle, value: idle(accounts[index]))
            }
        }
        func perHostMethod() {
            if first {
                guard accounts.contains(where: { $0.powerMethod != nil }) else { return }
                writer.writeHeader(name: definition.name, help: definition.help, type: definition.type)
            }
            for index in hosts {
                guard let method = accounts[index].powerMethod else { continue }
                writer.writeSample(
                    name: name, escapedLabels: hostLabels[index], extraLabels: Self.methods[method], value: 1)
            }
        }
        func perProfile(_ samples: (ProfileCalibration) -> [(labels: [Label], value: Double)]) {
            guard first else { return }
            let rows = snapshot.calibrations.flatMap { calibration in
                samples(calibration).map {
                    (LabelSet([Label("profile", calibration.configured.name)] + $0.labels), $0.value)
                }
            }.sorted { $0.0 < $1.0 }
            guard !rows.isEmpty else { return }
            writer.writeHeader(name: definition.name, help: definition.help, type: definition.type)
            for (labels, value) in rows { writer.writeSample(name: definition.name, labels: labels, value: value) }
        }
        func single(_ value: Double, labels: LabelSet = LabelSet()) {
            guard first else { return }
            writer.writeHeader(name: definition.name, help: definition.help, type: definition.type)
            writer.writeSample(name: definition.name, labels: labels, value: value)
        }
        func perSource(_ value: (ExporterStatus.Source) -> Double) {
            guard first, !status.sources.isEmpty else { return }
            writer.writeHeader(name: definition.name, help: definition.help, type: definition.type)
            for source in status.sources.sorted(by: { $0.name < $1.name }) {
                writer.writeSample(name: definition.name, labels: ["source": source.name], value: value(source))
            }
        }
        func perGrid(_ value: (ExporterStatus.Grid) -> Double) {
            guard first, !status.grids.isEmpty else { return }
            writer.writeHeader(name: definition.name, help: definition.help, type: definition.type)
            let grids = status.grids.sorted { ($0.provider, $0.region) < ($1.provider, $1.region) }
            for grid in grids {
                writer.writeSample(
                    name: definition.name,
                    labels: ["provider": grid.provider, "grid_region": grid.region],
                    value: value(grid)
                )
            }
        }

        func perForecast(_ value: (ExporterStatus.Forecast) -> Double) {
            guard first, !status.forecasts.isEmpty else { return }
            writer.writeHeader(name: definition.name, help: definition.help, type: definition.type)
            for forecast in status.forecasts.sorted(by: { ($0.provider, $0.region) < ($1.provider, $1.region) }) {
                writer.writeSample(
                    name: definition.name, labels: ["provider": forecast.provider, "grid_region": forecast.region],
                    value: value(forecast))
            }
        }

        func perTarget(_ value: (ExporterStatus.Target) -> Double) {
            guard first, !status.targets.isEmpty else { return }
            writer.writeHeader(name: definition.name, help: definition.help, type: definition.type)
            for target in status.targets.sorted(by: { $0.host < $1.host }) {
                writer.writeSample(name: definition.name, labels: ["host": target.host], value: value(target))
            }
        }
        func perEquivalency(_ basis: Equivalency.Basis) {
            guard first else { return }
            let entries = status.equivalencies.filter { $0.basis == basis }.sorted {
                ($0.name, $0.unit) < ($1.name, $1.unit)
            }
            guard !entries.isEmpty else { return }
            writer.writeHeader(name: definition.name, help: definition.help, type: definition.type)
            for entry in entries {
                writer.writeSample(
                    name: definition.name, labels: ["equivalency": entry.name, "unit": entry.unit], value: entry.perUnit
                )
            }
        }

        switch definition.id {
        case .hostPower: perHost { $0.power?.value }
        case .hostEnergy: perHostByState(busy: \.busyEnergy.value, idle: \.idleEnergy.value)
        case .hostGPUPower: perHost { $0.gpuPower?.value }
        case .hostGPUEnergy: perHostWithGPUs(busy: \.gpuBusyEnergy.value, idle: \.gpuIdleEnergy.value)
        case .hostPowerMethod: perHostMethod()
        case .profileWatts: perProfile(Self.coefficients)
        case .profileFitHosts:
            perProfile { ($0.latestAttempt ?? $0.fitInForce).map { [([], Double($0.hosts))] } ?? [] }
        case .profileFitError:
            perProfile { $0.fitInForce?.errorRatio.map { [([], $0)] } ?? [] }
        case .profileFitRejected:
            perProfile { $0.latestAttempt?.rejection.map { [([Label("reason", $0.rawValue)], 1)] } ?? [] }
        case .hostEmissions: perHostByState(busy: \.busyEmissions.value, idle: \.idleEmissions.value)
        case .hostBusySeconds: perHost { $0.busySeconds.value }
        case .hostIdleRatio: perHost { $0.idleRatio }
        case .hostCores: perHost { $0.cores }
        case .hostMemoryActiveRatio: perHost { $0.memoryActiveRatio }
        case .hostBootTime: perHost { $0.bootTime }
        case .hosts: single(Double(snapshot.hostsInLastCollection))
        case .gridIntensity: perGrid(\.gramsPerKilowattHour)
        case .gridIntensityAge: perGrid(\.ageSeconds)
        case .gridIntensityFallback: perGrid { $0.fallback ? 1 : 0 }
        case .forecastMin: perForecast(\.minimumGramsPerKilowattHour)
        case .forecastMinStart: perForecast(\.minimumStart)
        case .forecastMean: perForecast(\.meanGramsPerKilowattHour)
        case .sourceUp: perSource { $0.up ? 1 : 0 }
        case .sourceDuration: perSource(\.durationSeconds)
        case .sourceErrors: perSource(\.errors)
        case .lastCollection:
            if let last = snapshot.lastCollection { single(last) }
        case .buildInfo:
            single(1, labels: ["version": status.version, "revision": status.revision])
        case .shardInfo:
            if let shard = status.shard { single(1, labels: ["index": "\(shard.index)", "count": "\(shard.count)"]) }
        case .reloadSuccessful:
            if let reload = status.reload { single(reload.successful ? 1 : 0) }
        case .reloadTimestamp:
            if let reload = status.reload { single(reload.lastSuccess) }
        case .targetUp: perTarget { $0.up ? 1 : 0 }
        case .targetDuration: perTarget(\.durationSeconds)
        case .targetErrors: perTarget(\.errors)
        case .sourceSkippedHosts:
            guard first, !status.skippedHosts.isEmpty else { return }
            writer.writeHeader(name: definition.name, help: definition.help, type: definition.type)
            for skipped in status.skippedHosts.sorted(by: { ($0.source, $0.reason) < ($1.source, $1.reason) }) {
                writer.writeSample(
                    name: definition.name, labels: ["source": skipped.source, "reason": skipped.reason],
                    value: skipped.count)
            }
        case .equivalencyGrams: perEquivalency(.emissions)
        case .equivalencyJoules: perEquivalency(.energy)
        case .reportInfo:
            // Written only into backfill files by the report renderer; a live exposition has no provenance.
            break
        }
    }

    /// A profile's coefficients, configured then fitted, in a fixed order.
    private static func coefficients(_ calibration: ProfileCalibration) -> [(labels: [Label], value: Double)] {
        func rows(_ profile: PowerProfile, origin: String) -> [(labels: [Label], value: Double)] {
            [
                ("cpu_idle_watts_per_core", profile.cpuIdleWattsPerCore),
                ("cpu_watts_per_core", profile.cpuWattsPerCore),
                ("other_watts", profile.otherWatts),
            ].map { ([Label("coefficient", $0.0), Label("origin", origin)], $0.1) }
        }
        var result = rows(calibration.configured, origin: "configured")
        if let fit = calibration.fitInForce {
            result += rows(fit.applied(to: calibration.configured), origin: "fitted")
        }
        return result
    }
}
