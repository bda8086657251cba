import Counters
import Model

/// A request for the usage history (`GET /api/v1/usage`), parsed and checked once at the edge.
public struct UsageQuery: Sendable, Equatable {
    /// Bucket lengths of the series: UTC hours, days, calendar months, calendar years.
    public enum Step: String, Sendable, CaseIterable {
        case hour = "1h"
        case day = "1d"
        case month = "1mo"
        case year = "1y"

        var gridKind: TimeGrid.Kind {
            switch self {
            case .hour: .fixed(seconds: 3_600, origin: 0)
            case .day: .fixed(seconds: 86_400, origin: 0)
            case .month: .month
            case .year: .year
            }
        }
    }

    /// The shapes the same rows can be written in.
    public enum Format: String, Sendable, CaseIterable {
        /// Groups with totals and series (the default).
        case groups
        /// Per project and UTC day: totals and `"HH:MM"` buckets, for all machines and per machine type.
        case adaDay = "ada-day"
        /// Busy and idle averages per host-hour for each machine type.
        case machineAverages = "machine-averages"
    }

    /// Why a query is refused; `message` is safe to echo (it quotes only the parameter's own value, shortened).
    public struct Problem: Error, Sendable, Equatable {
        public var parameter: String
        public var message: String
    }

    /// Labels a group can be formed from besides the attribution labels.
    public static let derivedLabels = ["host", "grid_region", "profile", "machine", "site"]
    public static let parameters: Set<String> = ["from", "to", "step", "group_by", "format", "site"]
    /// A day by default: the span of the pages' shortest period.
    public static let defaultSpan = 86_400.0

    /// The span, widened to whole hours (the history's resolution): `from` inclusive, `to` exclusive.
    public var from: Double
    public var to: Double
    public var step: Step
    public var groupBy: [String]
    public var format: Format
    /// Only hosts of this site when set.
    public var site: String?

    public init(
        from: Double, to: Double, step: Step = .hour, groupBy: [String], format: Format = .groups, site: String? = nil
    ) {
        self.from = (from / UsageHour.seconds).rounded(.down) * UsageHour.seconds
        self.to = (to / UsageHour.seconds).rounded(.up) * UsageHour.seconds
        if self.to <= self.from { self.to = self.from + UsageHour.seconds }
        self.step = step
        self.groupBy = groupBy
        self.format = format
        self.site = site
    }

    /// Reads query parameters. `from` defaults to a day before `to`, `to` to now, `step` to `1h`, `group_by` to
    /// the attribution labels.
    public static func parse(
        _ parameters: [String: String], attributionLabels: [String], sites: [String], now: Double
    ) throws(Problem) -> UsageQuery {
        if let unknown = parameters.keys.sorted().first(where: { !Self.parameters.contains($0) }) {
            throw Problem(
                parameter: unknown,
                message: "unknown parameter \"\(shortened(unknown))\"; known: "
                    + Self.parameters.sorted().joined(separator: ", "))
        }
        let to = try time(parameters["to"], "to") ?? now
        let from = try time(parameters["from"], "from") ?? to - defaultSpan
        guard from < to else { throw Problem(parameter: "from", message: "from must be before to") }
        var step = Step.hour
        if let text = parameters["step"] {
            guard let parsed = Step(rawValue: text) else {
                throw Problem(
                    parameter: "step", message: "step must be 1h, 1d, 1mo or 1y; got \"\(shortened(text))\"")
            }
            step = parsed
        }
        var groupBy = attributionLabels
        if let text = parameters["group_by"] {
            let names =
                text.isEmpty ? [] : text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let allowed = attributionLabels + derivedLabels
            for name in names where !allowed.contains(name) {
                throw Problem(
                    parameter: "group_by",
                    message: "group_by: \"\(shortened(name))\" is not a label; use \(allowed.joined(separator: ", "))")
            }
            guard Set(names).count == names.count else {
                throw Problem(parameter: "group_by", message: "group_by names a label twice")
            }
            groupBy = names
        }
        var format = Format.groups
        if let text = parameters["format"] {
            guard let parsed = Format(rawValue: text) else {
                throw Problem(
                    parameter: "format",
                    message: "format must be groups, ada-day or machine-averages; got \"\(shortened(text))\"")
            }
            format = parsed
        }
        if let site = parameters["site"], !sites.contains(site) {
            throw Problem(parameter: "site", message: "no site is named \"\(shortened(site))\"")
        }
        return UsageQuery(
            from: from, to: to, step: step, groupBy: groupBy, format: format, site: parameters["site"])
    }

    /// The hours the query reads, `[first, end)`.
    public var hours: Range<Int> { UsageHour.index(of: from)..<UsageHour.index(of: to) }

    private static func time(_ text: String?, _ name: String) throws(Problem) -> Double? {
        guard let text else { return nil }
        guard let time = UTCDate.parse(text) else {
            throw Problem(
                parameter: name,
                message: "\(name) must be an RFC 3339 time such as 2026-12-01T00:00:00Z; got \"\(shortened(text))\"")
        }
        return time
    }

    private static func shortened(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(60)) + "…" : text
    }
}
