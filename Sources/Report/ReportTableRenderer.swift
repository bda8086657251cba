import Foundation
import Model
import PromText

/// The plain-text form of a report (`--format table`), for reading in a terminal.
public enum ReportTableRenderer {
    public static func render(_ report: UsageReport) -> String {
        let p = report.provenance
        let s = report.summary
        var out: [String] = [
            "Usage report \(UTCDate.format(p.from)) to \(UTCDate.format(p.to)), step \(seconds(p.step)), resolution \(seconds(p.resolution))",
            "config sha256 \(p.configSHA256); carbon intensity \(p.intensityProvider) (\(p.intensityRegion)); equivalency table \(p.equivalencyTableVersion)",
            "",
            "Hosts \(s.hosts), workspaces \(s.workspaces), groups \(s.groups); step buckets "
                + s.bucketsByStatus.map { "\($0.status.rawValue) \($0.count)" }.joined(separator: ", "),
            "Total \(kwh(s.totals.joules)) kWh (busy \(kwh(s.totals.busyJoules)), idle \(kwh(s.totals.idleJoules))), "
                + "\(grams(s.totals.grams)) g CO2e (busy \(grams(s.totals.busyGrams)), idle \(grams(s.totals.idleGrams)))",
            "Averages: \(optional(s.kilowattHoursPerHost) { String(format: "%.4f", $0) }) kWh and \(optional(s.gramsPerHost, grams)) g CO2e per host, "
                + "\(optional(s.meanPowerWatts) { String(format: "%.1f", $0) }) W per host, \(optional(s.meanIntensity) { String(format: "%.0f", $0) }) g/kWh",
        ]
        if !s.equivalencies.isEmpty {
            out.append(
                "That is about: "
                    + s.equivalencies.map { "\(count($0.count)) \($0.equivalency.description)" }.joined(separator: "; ")
            )
        }
        out.append("")
        let header = report.groupBy.isEmpty ? ["all"] : report.groupBy
        var rows = [header + ["hosts", "busy CPU s", "idle CPU s", "busy kWh", "idle kWh", "busy g", "idle g"]]
        for group in report.groups {
            let t = group.totals
            rows.append(
                (group.values.isEmpty ? ["all"] : group.values)
                    + [
                        "\(group.hosts)", cpu(t.cpuBusySeconds), cpu(t.cpuIdleSeconds), kwh(t.busyJoules),
                        kwh(t.idleJoules), grams(t.busyGrams), grams(t.idleGrams),
                    ])
        }
        out += table(rows)
        for name in ["daily", "monthly"] {
            guard let series = report.series.first(where: { $0.name == name }), series.buckets.count > 1 else {
                continue
            }
            out.append("")
            var rollup = [[name == "daily" ? "day" : "month", "status", "kWh", "g CO2e"]]
            for bucket in series.buckets {
                var totals = UsageTotals()
                for usage in bucket.usage ?? [] { totals.add(usage) }
                let day = String(UTCDate.format(bucket.start).prefix(name == "daily" ? 10 : 7))
                rollup.append([
                    day, bucket.status.rawValue, bucket.usage == nil ? "-" : kwh(totals.joules),
                    bucket.usage == nil ? "-" : grams(totals.grams),
                ])
            }
            out += table(rollup)
        }
        if !report.gaps.isEmpty {
            out.append("")
            out.append("Gaps:")
            for gap in report.gaps {
                out.append(
                    "  \(UTCDate.format(gap.start)) to \(UTCDate.format(gap.end)) \(gap.kind.rawValue): \(gap.cause)")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func table(_ rows: [[String]]) -> [String] {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, text in
                let pad = String(repeating: " ", count: widths[column] - text.count)
                return column == 0 ? text + pad : pad + text
            }.joined(separator: "  ")
        }
    }

    static func kwh(_ joules: Double) -> String { String(format: "%.4f", joules / 3_600_000) }
    static func grams(_ value: Double) -> String { String(format: "%.2f", value) }
    static func cpu(_ value: Double) -> String { String(format: "%.0f", value) }
    static func seconds(_ value: Double) -> String {
        value.truncatingRemainder(dividingBy: 3_600) == 0
            ? "\(Int(value) / 3_600)h" : "\(SampleValueText.string(value))s"
    }
    static func count(_ value: Double) -> String {
        value >= 100
            ? String(format: "%.0f", value) : value >= 1 ? String(format: "%.1f", value) : String(format: "%.3g", value)
    }
    static func optional(_ value: Double?, _ format: (Double) -> String) -> String { value.map(format) ?? "-" }
}
