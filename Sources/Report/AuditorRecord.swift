import Model

/// A workspace as an AUDITOR record (`RecordAdd`, or `RecordUpdate` once it has ended).
///
/// `record_id` is the workspace id; `meta` carries `site_id`, `group_id` (the project) and `user_id` (the
/// owner), empty values left out since AUDITOR refuses empty names; `components` are `NumCPUs` (with the
/// configured score per core), `Memory` in whole MiB when the source had the host's total memory, `Energy` in
/// whole watt-hours and `CO2e` in whole grams, rounded to the nearest unit. Times are RFC 3339 UTC; `stop_time` only once the workspace ended.
public struct AuditorRecord: Sendable, Equatable {
    public var recordID: String
    public var site: String
    public var group: String
    public var user: String
    public var cores: Int
    public var memoryMebibytes: Int?
    public var score: (name: String, value: Double)?
    public var energyWattHours: Int
    public var emissionsGrams: Int
    public var start: Double
    public var stop: Double?

    public init(
        workspace: Workspace, site: String, groupLabel: String, ownerLabel: String,
        score: (name: String, value: Double)?
    ) {
        recordID = workspace.id
        self.site = site
        group = workspace.labels[groupLabel] ?? ""
        user = workspace.labels[ownerLabel] ?? ""
        cores = Int(workspace.cores.rounded())
        memoryMebibytes = workspace.memoryBytes.map { Int(($0 / 1_048_576).rounded()) }
        self.score = score
        energyWattHours = Int((workspace.usage.joules / 3_600).rounded())
        emissionsGrams = Int(workspace.usage.grams.rounded())
        start = workspace.start
        stop = workspace.end
    }

    public static func == (lhs: AuditorRecord, rhs: AuditorRecord) -> Bool { lhs.json() == rhs.json() }

    /// The record as AUDITOR's JSON (one line).
    public func json() -> String {
        var meta: [(String, JSONText)] = [("site_id", .array([.string(site)]))]
        if !group.isEmpty { meta.append(("group_id", .array([.string(group)]))) }
        if !user.isEmpty { meta.append(("user_id", .array([.string(user)]))) }
        let scores: [JSONText] =
            score.map { [.object([("name", .string($0.name)), ("value", .number($0.value))])] } ?? []
        func component(_ name: String, _ amount: Int, _ scores: [JSONText] = []) -> JSONText {
            .object([("name", .string(name)), ("amount", .number(Double(amount))), ("scores", .array(scores))])
        }
        var components = [component("NumCPUs", cores, scores)]
        if let memoryMebibytes { components.append(component("Memory", memoryMebibytes)) }
        components += [component("Energy", energyWattHours), component("CO2e", emissionsGrams)]
        var members: [(String, JSONText)] = [
            ("record_id", .string(recordID)),
            ("meta", .object(meta)),
            ("components", .array(components)),
            ("start_time", .string(Self.rfc3339(start))),
        ]
        if let stop { members.append(("stop_time", .string(Self.rfc3339(stop)))) }
        return JSONText.object(members).compact()
    }

    /// Whole seconds, as AUDITOR stores them.
    static func rfc3339(_ time: Double) -> String { UTCDate.format(time.rounded(.down)) }
}
