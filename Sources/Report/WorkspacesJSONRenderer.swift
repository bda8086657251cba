import Model

/// The JSON form of `footprint_exporter workspaces`, described by `docs/workspaces.schema.json`.
public enum WorkspacesJSONRenderer {
    public static let schema = "footprint_exporter/workspaces/v1"

    /// - Parameters:
    ///   - report: the usage report over the same span (provenance, gaps and totals).
    ///   - ownerLabel: the target label naming a workspace's owner.
    ///   - users: the user directory, by platform user name.
    public static func render(
        _ workspaces: [Workspace], report: UsageReport, ownerLabel: String, users: [String: UserRecord]?,
        equivalencies: [Equivalency],
        topEquivalencies: Int = 3
    ) -> String {
        var provenance = ReportJSONRenderer.provenance(report)
        if case .object(var members) = provenance {
            members.removeAll { ["step_seconds", "group_by"].contains($0.0) }
            members.insert(("owner_label", .string(ownerLabel)), at: 4)
            members.insert(("user_directory", .bool(users != nil)), at: 5)
            provenance = .object(members)
        }
        let attribution = report.attributionLabels
        return JSONText.object([
            ("schema", .string(schema)),
            ("provenance", provenance),
            (
                "summary",
                .object([
                    ("workspaces", .number(Double(workspaces.count))),
                    ("hosts", .number(Double(Set(workspaces.map(\.host)).count))),
                    (
                        "by_status",
                        .object(
                            [Workspace.Status.initialized, .downloaded, .processed, .complete].map { status in
                                (status.rawValue, .number(Double(workspaces.filter { $0.status == status }.count)))
                            })
                    ),
                    ("totals", ReportJSONRenderer.usage(report.summary.totals)),
                ])
            ),
            (
                "workspaces",
                .array(
                    workspaces.map { workspace in
                        let owner = workspace.labels[ownerLabel] ?? ""
                        let user: JSONText =
                            if let record = users?[owner] {
                                .object([
                                    ("name", string(record.name)), ("email", string(record.email)),
                                    ("uid", string(record.uid)),
                                ])
                            } else {
                                .null
                            }
                        let equivalents = EquivalencyTable.mostRelatable(
                            equivalencies, grams: Grams(workspace.usage.grams), energy: Joules(workspace.usage.joules)
                        ).prefix(topEquivalencies)
                        return .object([
                            ("id", .string(workspace.id)),
                            ("host", .string(workspace.host)),
                            ("owner", .string(owner)),
                            ("labels", .object(attribution.map { ($0, .string(workspace.labels[$0] ?? "")) })),
                            ("user", user),
                            ("status", .string(workspace.status.rawValue)),
                            ("start", .string(UTCDate.format(workspace.start))),
                            ("end", workspace.end.map { .string(UTCDate.format($0)) } ?? .null),
                            ("end_reason", workspace.endReason.map(JSONText.string) ?? .null),
                            ("first_seen", .string(UTCDate.format(workspace.firstSeen))),
                            ("last_seen", .string(UTCDate.format(workspace.lastSeen))),
                            ("cpu_cores", .number(workspace.cores)),
                            ("memory_bytes", workspace.memoryBytes.map { .number($0) } ?? .null),
                            ("usage", ReportJSONRenderer.usage(workspace.usage)),
                            (
                                "carbon_intensity",
                                .object([
                                    ("mean_grams_per_kwh", .optional(workspace.meanIntensity)),
                                    ("fallback_intervals", .number(Double(workspace.fallbackIntervals))),
                                    ("intervals", .number(Double(workspace.intervals))),
                                ])
                            ),
                            (
                                "equivalencies",
                                .array(
                                    equivalents.map { entry, count in
                                        .object([
                                            ("equivalency", .string(entry.name)), ("unit", .string(entry.unit)),
                                            ("count", .number(count)),
                                            ("description", .string(entry.description)),
                                        ])
                                    })
                            ),
                            ("gaps", .array(workspace.gaps.map { .number(Double($0)) })),
                        ])
                    })
            ),
        ]).rendered()
    }

    static func string(_ value: String?) -> JSONText { value.map(JSONText.string) ?? .null }
}
