import Model
import PromText

/// The CSV form of a report (`--format csv`): a header, a `total` row per group for the whole span, one row per
/// resolution, bucket and group, then the provenance as `provenance` rows.
///
/// A failed or missing bucket is one row with empty values and its status and causes, never zeros.
public enum ReportCSVRenderer {
    public static func render(_ report: UsageReport) -> String {
        let p = report.provenance
        let valueColumns = [
            "cpu_busy_seconds", "cpu_idle_seconds", "busy_kwh", "idle_kwh", "busy_gco2eq", "idle_gco2eq",
            "host_seconds",
        ]
        var lines = [
            (["resolution", "start", "end", "status"] + report.groupBy + valueColumns + ["causes"]).map(field).joined(
                separator: ",")
        ]
        let emptyGroup = Array(repeating: "", count: report.groupBy.count)
        for group in report.groups {
            lines.append(row("total", p.from, p.to, "ok", group.values, group.totals, ""))
        }
        for series in report.series {
            for bucket in series.buckets {
                let causes = bucket.gaps.map { report.gaps[$0].cause }.joined(separator: "; ")
                guard let usage = bucket.usage else {
                    lines.append(
                        row(series.name, bucket.start, bucket.end, bucket.status.rawValue, emptyGroup, nil, causes))
                    continue
                }
                for (group, values) in zip(report.groups, usage) {
                    lines.append(
                        row(series.name, bucket.start, bucket.end, bucket.status.rawValue, group.values, values, causes)
                    )
                }
            }
        }
        // Provenance last, one row per fact (key in `status`, value in `causes`), so the header stays the first
        // line for CSV readers and data rows come first.
        var facts: [(String, String)] = [
            ("schema", ReportJSONRenderer.schema), ("config_sha256", p.configSHA256), ("tool_version", p.toolVersion),
            ("step_seconds", number(p.step)), ("resolution_seconds", number(p.resolution)),
            ("carbon_intensity", "\(p.intensityProvider) \(p.intensityRegion): \(p.intensityDetail)"),
            ("fallback_grams_per_kwh", number(p.fallbackIntensity)),
            ("equivalency_table_version", p.equivalencyTableVersion),
            ("equivalency_overrides", String(p.equivalencyOverrides)),
            ("attribution_labels", p.attributionLabels.joined(separator: " ")),
            ("default_profile", profile(p.defaultProfile)),
        ]
        for rule in p.profiles {
            facts.append(
                (
                    "profile",
                    profile(rule.profile) + " match "
                        + rule.match.keys.sorted().map { "\($0)=\(rule.match[$0] ?? "")" }.joined(separator: " ")
                ))
        }
        if !p.sourceURL.isEmpty { facts.append(("source_url", p.sourceURL)) }
        for query in p.queries { facts.append(("query", query)) }
        for gap in report.gaps {
            facts.append(
                ("gap", "\(UTCDate.format(gap.start))/\(UTCDate.format(gap.end)) \(gap.kind.rawValue): \(gap.cause)"))
        }
        for skipped in report.skipped { facts.append(("skipped_readings", "\(skipped.count) \(skipped.reason)")) }
        let emptyValues = Array(repeating: "", count: valueColumns.count)
        for (key, value) in facts {
            lines.append(
                (["provenance", UTCDate.format(p.from), UTCDate.format(p.to), key] + emptyGroup + emptyValues + [value])
                    .map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func profile(_ profile: PowerProfile) -> String {
        "\(profile.name): cpu_watts_per_core=\(number(profile.cpuWattsPerCore)) cpu_idle_watts_per_core=\(number(profile.cpuIdleWattsPerCore)) "
            + "ram_watts=\(number(profile.ramWatts)) other_watts=\(number(profile.otherWatts)) pue=\(number(profile.pue))"
    }

    static func row(
        _ resolution: String, _ start: Double, _ end: Double, _ status: String, _ group: [String],
        _ usage: UsageTotals?, _ causes: String
    )
        -> String
    {
        let values =
            usage.map { u in
                [
                    u.cpuBusySeconds, u.cpuIdleSeconds, u.busyJoules / 3_600_000, u.idleJoules / 3_600_000, u.busyGrams,
                    u.idleGrams, u.hostSeconds,
                ]
                .map(number)
            } ?? Array(repeating: "", count: 7)
        return ([resolution, UTCDate.format(start), UTCDate.format(end), status] + group + values + [causes]).map(field)
            .joined(separator: ",")
    }

    static func number(_ value: Double) -> String { SampleValueText.string(value == 0 ? 0 : value) }

    /// RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        var quoted = "\""
        for character in text {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }
}
