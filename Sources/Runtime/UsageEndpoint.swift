import Config
import Counters
import MetricsServer
import Model
import Report
import StateStore

/// `GET /api/v1/usage`: the hourly usage history of the state store, grouped and bucketed as asked.
public struct UsageEndpoint: Sendable {
    public let store: StateStore
    public let clock: any WallClock

    public init(store: StateStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// How the rows of a configuration are labelled (sites, machine types).
    public static func labeller(_ configuration: Configuration) -> UsageLabeller {
        UsageLabeller(
            attributionLabels: configuration.attributionLabels, machineLabel: configuration.usageHistory.machineLabel,
            site: { configuration.site(of: $0)?.name })
    }

    static func respond(
        _ request: ServerRequest, history: UsageEndpoint?, configuration: Configuration
    )
        -> ServerResponse
    {
        guard let history else {
            return json(problem("the usage history needs a state store (--storage.path)"), status: 404)
        }
        let now = history.clock.now()
        let query: UsageQuery
        do {
            query = try UsageQuery.parse(
                request.query, attributionLabels: configuration.attributionLabels,
                sites: configuration.sites.map(\.name), now: now)
        } catch {
            return json(problem(error.message, parameter: error.parameter), status: 400)
        }
        let rows: [UsageHour]
        do {
            rows = try history.store.usageHours(fromHour: query.hours.lowerBound, toHour: query.hours.upperBound)
        } catch {
            return json(problem("the usage history cannot be read; the exporter's log says why"), status: 500)
        }
        let labeller = labeller(configuration)
        let document: JSONText
        switch query.format {
        case .groups:
            document = UsageJSONRenderer.groups(UsageSummary.make(rows, query: query, labeller: labeller, now: now))
        case .adaDay:
            document = UsageJSONRenderer.adaDay(rows, query: query, labeller: labeller, now: now)
        case .machineAverages:
            document = UsageJSONRenderer.machineAverages(rows, query: query, labeller: labeller)
        }
        return json(document, status: 200).gzipped(for: request)
    }

    static func problem(_ message: String, parameter: String? = nil) -> JSONText {
        var members: [(String, JSONText)] = [("status", .string("error")), ("error", .string(message))]
        if let parameter { members.append(("parameter", .string(parameter))) }
        return .object(members)
    }

    static func json(_ document: JSONText, status: Int) -> ServerResponse {
        ServerResponse(
            status: status,
            headers: [
                ServerHeader(name: "Content-Type", value: "application/json; charset=utf-8"),
                ServerHeader(name: "Cache-Control", value: "no-store"),
            ],
            body: Array(document.rendered().utf8))
    }
}
