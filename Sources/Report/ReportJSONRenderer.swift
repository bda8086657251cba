import Model

/// The JSON form of a report (`--format json`); the shape is documented in README's "History reports".
public enum ReportJSONRenderer {
    public static let schema = "footprint_exporter/report/v1"

    public static func render(_ report: UsageReport) -> String {
        JSONText.object([
            ("schema", .string(schema)),
            ("provenance", provenance(report)),
            ("summary", summary(report)),
            (
                "groups",
                .array(
                    report.groups.map { group in
                        .object([
                            ("labels", labels(report.groupBy, group.values)),
                            ("hosts", .number(Double(group.hosts))),
                            ("workspaces", .number(Double(group.workspaces))),
                            ("totals", usage(group.totals)),
                        ])
                    })
            ),
            ("series", .object(report.series.map { series in (series.name, buckets(series, report)) })),
        ]).rendered()
    }

    static func provenance(_ report: UsageReport) -> JSONText {
        let p = report.provenance
        return .object([
            ("config_sha256", .string(p.configSHA256)),
            ("tool_version", .string(p.toolVersion)),
            ("from", .string(UTCDate.format(p.from))),
            ("to", .string(UTCDate.format(p.to))),
            ("step_seconds", .number(p.step)),
            ("resolution_seconds", .number(p.resolution)),
            ("group_by", .array(p.groupBy.map(JSONText.string))),
            (
                "source",
                // The endpoint read, when the report was read from one (not from the state store).
                .object(
                    [("kind", .string("prometheus"))] + (p.sourceURL.isEmpty ? [] : [("url", .string(p.sourceURL))])
                        + [
                            ("api", .string("/api/v1/query_range")),
                            ("queries", .array(p.queries.map(JSONText.string))),
                            ("range_requests", .number(Double(p.chunks))),
                        ])
            ),
            (
                "carbon_intensity",
                .object([
                    ("provider", .string(p.intensityProvider)),
                    ("grid_region", .string(p.intensityRegion)),
                    ("detail", .string(p.intensityDetail)),
                    ("fallback_grams_per_kwh", .number(p.fallbackIntensity)),
                ])
            ),
            (
                "model",
                .object([
                    ("attribution_labels", .array(p.attributionLabels.map(JSONText.string))),
                    ("host_grace_period_seconds", .number(p.hostGracePeriod)),
                    ("integration", .string(integrationRule)),
                    ("default_profile", profile(p.defaultProfile, match: nil)),
                    ("profiles", .array(p.profiles.map { profile($0.profile, match: $0.match) })),
                ])
            ),
            ("equivalency_table_version", .string(p.equivalencyTableVersion)),
            ("equivalency_overrides", .number(Double(p.equivalencyOverrides))),
            (
                "gaps",
                .array(
                    report.gaps.map { gap in
                        .object([
                            ("start", .string(UTCDate.format(gap.start))), ("end", .string(UTCDate.format(gap.end))),
                            ("kind", .string(gap.kind.rawValue)), ("cause", .string(gap.cause)),
                        ])
                    })
            ),
            (
                "skipped_readings",
                .array(
                    report.skipped.map {
                        .object([("reason", .string($0.reason)), ("count", .number(Double($0.count)))])
                    })
            ),
        ])
    }

    /// The live model's integration rule in one sentence, quoted so a report states how it was computed.
    public static let integrationRule =
        "Each host's readings at every resolution step go through the live exporter's counters: power from the "
        + "idle share of CPU time between successive readings (CPU counter deltas) times the time between their "
        + "samples; a reboot integrates from the new boot time; counters going backwards add nothing; no interval "
        + "spans a failed stretch. Interval usage is spread evenly over the buckets it overlaps."

    static func profile(_ profile: PowerProfile, match: [String: String]?) -> JSONText {
        var members: [(String, JSONText)] = [("name", .string(profile.name))]
        if let match {
            members.append(("match", .object(match.keys.sorted().map { ($0, .string(match[$0] ?? "")) })))
        }
        members += [
            ("cpu_watts_per_core", .number(profile.cpuWattsPerCore)),
            ("cpu_idle_watts_per_core", .number(profile.cpuIdleWattsPerCore)),
            ("ram_watts", .number(profile.ramWatts)),
            ("other_watts", .number(profile.otherWatts)),
            ("pue", .number(profile.pue)),
        ]
        return .object(members)
    }

    static func summary(_ report: UsageReport) -> JSONText {
        let s = report.summary
        return .object([
            ("hosts", .number(Double(s.hosts))),
            ("workspaces", .number(Double(s.workspaces))),
            ("groups", .number(Double(s.groups))),
            ("step_buckets", .object(s.bucketsByStatus.map { ($0.status.rawValue, .number(Double($0.count))) })),
            ("totals", usage(s.totals)),
            (
                "averages",
                .object([
                    ("kwh_per_host", .optional(s.kilowattHoursPerHost)),
                    ("gco2eq_per_host", .optional(s.gramsPerHost)),
                    ("power_watts_per_host", .optional(s.meanPowerWatts)),
                    ("grams_per_kwh", .optional(s.meanIntensity)),
                ])
            ),
            (
                "equivalencies",
                .array(
                    s.equivalencies.map { entry, count in
                        .object([
                            ("equivalency", .string(entry.name)), ("unit", .string(entry.unit)),
                            ("count", .number(count)),
                            ("description", .string(entry.description)), ("basis", .string(entry.basis.rawValue)),
                            ("source", .string(entry.source)), ("vintage", .string(entry.vintage)),
                        ])
                    })
            ),
        ])
    }

    static func usage(_ usage: UsageTotals) -> JSONText {
        .object([
            ("cpu_busy_seconds", .number(usage.cpuBusySeconds)),
            ("cpu_idle_seconds", .number(usage.cpuIdleSeconds)),
            ("busy_kwh", .number(usage.busyJoules / 3_600_000)),
            ("idle_kwh", .number(usage.idleJoules / 3_600_000)),
            ("kwh", .number(usage.joules / 3_600_000)),
            ("busy_gco2eq", .number(usage.busyGrams)),
            ("idle_gco2eq", .number(usage.idleGrams)),
            ("gco2eq", .number(usage.grams)),
            ("host_seconds", .number(usage.hostSeconds)),
        ])
    }

    static func labels(_ names: [String], _ values: [String]) -> JSONText {
        .object(zip(names, values).map { ($0, .string($1)) })
    }

    static func buckets(_ series: UsageReport.Series, _ report: UsageReport) -> JSONText {
        .array(
            series.buckets.map { bucket in
                var members: [(String, JSONText)] = [
                    ("start", .string(UTCDate.format(bucket.start))),
                    ("end", .string(UTCDate.format(bucket.end))),
                    ("status", .string(bucket.status.rawValue)),
                    ("gaps", .array(bucket.gaps.map { .number(Double($0)) })),
                ]
                if let usage = bucket.usage {
                    var totals = UsageTotals()
                    for item in usage { totals.add(item) }
                    members.append(("totals", self.usage(totals)))
                    members.append(
                        (
                            "groups",
                            .array(
                                zip(report.groups, usage).map { group, usage in
                                    .object([
                                        ("labels", labels(report.groupBy, group.values)), ("usage", self.usage(usage)),
                                    ])
                                })
                        ))
                } else {
                    members.append(("totals", .null))
                    members.append(("groups", .null))
                }
                return .object(members)
            })
    }
}
