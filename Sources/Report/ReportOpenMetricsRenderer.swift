import Exposition
import Model
import PromText

/// The backfill form of a report (`--format openmetrics`): the live exporter's energy, emission and busy-time
/// counters per host, with timestamps, ready for `promtool tsdb create-blocks-from openmetrics`.
///
/// Names, types and labels are the live ones (`MetricCatalog`), so dashboards and rules work on backfilled
/// data unchanged. Each counter starts at 0 at the start of the host's first bucket with data and has one
/// point at the end of every step bucket with data; failed or missing buckets have no point (never a zero
/// increase). Series are written contiguously in time order, which OpenMetrics requires and promtool needs
/// (it silently drops out-of-order samples). Timestamps are seconds, as OpenMetrics specifies.
public enum ReportOpenMetricsRenderer {
    public static func render(_ report: UsageReport) -> [UInt8] {
        guard let steps = report.series.first(where: { $0.name == "step" }) else { return [] }
        var writer = ExpositionWriter(format: .openMetrics, reservingCapacity: 1 << 16)
        let families: [(MetricDefinition, [(state: String?, value: (UsageTotals) -> Double)])] = [
            (MetricCatalog.hostBusySeconds, [(nil, { $0.busyWallSeconds })]),
            (MetricCatalog.hostEmissions, [("busy", { $0.busyGrams }), ("idle", { $0.idleGrams })]),
            (MetricCatalog.hostEnergy, [("busy", { $0.busyJoules }), ("idle", { $0.idleJoules })]),
        ]
        for (definition, states) in families {
            writer.writeHeader(name: definition.name, help: definition.help, type: definition.type)
            for host in report.hostSeries {
                var labels = [Label("host", host.account.host)]
                for (name, value) in zip(report.attributionLabels, host.account.attribution) {
                    labels.append(Label(name, value))
                }
                // As on the live series, so backfilled and live data are the same series.
                if !host.account.gridRegion.isEmpty { labels.append(Label("grid_region", host.account.gridRegion)) }
                for (state, value) in states {
                    let set = LabelSet(state.map { labels + [Label("state", $0)] } ?? labels)
                    var total = 0.0
                    var started = false
                    for (index, usage) in host.usage.enumerated() {
                        guard let usage else { continue }
                        if !started {
                            // Skip the buckets before the host's first usage, then start the counter at zero.
                            guard usage.joules > 0 || usage.busyWallSeconds > 0 else { continue }
                            writer.writeSample(
                                name: definition.name, labels: set, value: 0,
                                timestampMilliseconds: milliseconds(steps.buckets[index].start))
                            started = true
                        }
                        total += value(usage)
                        writer.writeSample(
                            name: definition.name, labels: set, value: total,
                            timestampMilliseconds: milliseconds(steps.buckets[index].end))
                    }
                }
            }
        }
        let p = report.provenance
        let info = MetricCatalog.reportInfo
        writer.writeHeader(name: info.name, help: info.help, type: info.type)
        let infoLabels = LabelSet([
            Label("config_sha256", p.configSHA256), Label("from", UTCDate.format(p.from)),
            Label("to", UTCDate.format(p.to)),
            Label("resolution_seconds", SampleValueText.string(p.resolution)),
            Label("equivalency_table_version", p.equivalencyTableVersion),
            Label("gaps", String(report.gaps.filter(\.lacksData).count)),
        ])
        writer.writeSample(name: info.name, labels: infoLabels, value: 1, timestampMilliseconds: milliseconds(p.to))
        return writer.finish()
    }

    static func milliseconds(_ time: Double) -> Int64 { Int64((time * 1_000).rounded()) }
}
