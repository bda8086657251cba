import Model
import PromText

/// The CSV form of a report (`--format csv`): provenance as leading `#` lines, then one row per resolution,
/// bucket and group, and a `total` row per group for the whole span.
///
/// A failed or missing bucket is one row with empty values and its status and causes, never zeros.
public enum ReportCSVRenderer {
    public static func render(_ report: UsageReport) -> String {
        let p = report.provenance
        var lines: [String] = [
            "# footprint_exporter usage report (\(ReportJSONRenderer.schema))",
            "# config_sha256=\(p.configSHA256)",
            "# tool_version=\(p.toolVersion)",
            "# from=\(UTCDate.format(p.from)) to=\(UTCDate.format(p.to)) step_seconds=\(number(p.step)) resolution_seconds=\(number(p.resolution))",
            "# carbon_intensity=\(p.intensityProvider) grid_region=\(p.intensityRegion) fallback_grams_per_kwh=\(number(p.fallbackIntensity))",
            "# equivalency_table_version=\(p.equivalencyTableVersion) equivalency_overrides=\(p.equivalencyOverrides)",
        ]
        for query in p.queries { lines.append("# query=\(query)") }
        for gap in report.gaps {
            lines.append("# gap \(UTCDate.format(gap.start))/\(UTCDate.format(gap.end)) \(gap.kind.rawValue): \(gap.cause)")
        }
        let valueColumns = ["cpu_busy_seconds", "cpu_idle_seconds", "busy_kwh", "idle_kwh", "busy_gco2eq", "idle_gco2eq"]
        lines.append((["resolution", "start", "end", "status"] + report.groupBy + valueColumns + ["causes"]).map(field).joined(separator: ","))
        let emptyGroup = Array(repeating: "", count: report.groupBy.count)
        for group in report.groups {
            lines.append(row("total", p.from, p.to, "ok", group.values, group.totals, ""))
        }
        for series in report.series {
            for bucket in series.buckets {
                let causes = bucket.gaps.map { report.gaps[$0].cause }.joined(separator: "; ")
                guard let usage = bucket.usage else {
                    lines.append(row(series.name, bucket.start, bucket.end, bucket.status.rawValue, emptyGroup, nil, causes))
                    continue
                }
                for (group, values) in zip(report.groups, usage) {
                    lines.append(row(series.name, bucket.start, bucket.end, bucket.status.rawValue, group.values, values, causes))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func row(_ resolution: String, _ start: Double, _ end: Double, _ status: String, _ group: [String], _ usage: UsageTotals?, _ causes: String)
        -> String
    {
        let values =
            usage.map { u in
                [u.cpuBusySeconds, u.cpuIdleSeconds, u.busyJoules / 3_600_000, u.idleJoules / 3_600_000, u.busyGrams, u.idleGrams].map(number)
            } ?? Array(repeating: "", count: 6)
        return ([resolution, UTCDate.format(start), UTCDate.format(end), status] + group + values + [causes]).map(field).joined(separator: ",")
    }

    static func number(_ value: Double) -> String { SampleValueText.string(value == 0 ? 0 : value) }

    /// RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || text.hasPrefix("#") else { return text }
        var quoted = "\""
        for character in text {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }
}
