import Config
import HTTPClient

/// The Prometheus-compatible query API history is read from: the long-term store of `history` (VictoriaMetrics,
/// Thanos Query, Mimir) or, without one, the bridge's own Prometheus.
///
/// Every reader of the past goes through it (report, workspaces, calibrate, the AUDITOR push), so a new one, such
/// as a usage API, reads the same store with the same credentials by asking it for settings.
public struct HistoryEndpoint: Sendable {
    /// The bridge's source with the store's URL, timeout and credentials.
    public let source: Configuration.PrometheusSource
    /// Authorization and the store's extra headers; never logged.
    public let headers: [HTTPHeader]
    /// The request timeout: a day of range answers is far larger than an instant one, so at least 30 s.
    public let timeoutSeconds: Double

    /// - Throws: `HistoryError` when the configuration's source is not Prometheus (the queries are the bridge's),
    ///   or a secret cannot be read.
    public init(configuration: Configuration, command: String = "history") throws {
        guard configuration.source.kind == .prometheus else {
            throw HistoryError(
                "\(command) needs source.kind prometheus (the history lives in Prometheus or a store it writes to); "
                    + "the configuration has \(configuration.source.kind.rawValue)")
        }
        source = configuration.historySource
        let extra = (configuration.history?.headers ?? [:]).sorted { $0.key < $1.key }.map {
            HTTPHeader(name: $0.key, value: $0.value)
        }
        headers = try Secrets.authorizationHeaders(for: source) + extra
        timeoutSeconds = max(source.timeout, 30)
    }

    /// Reader settings for the node series (the bridge's selector and host label by default) or, with another
    /// selector, for measured series.
    public func settings(selector: String? = nil, hostLabel: String? = nil) -> PrometheusReader.Settings {
        PrometheusReader.Settings(
            baseURL: source.url, selector: selector ?? source.selector, hostLabel: hostLabel ?? source.hostLabel,
            timeoutSeconds: timeoutSeconds, headers: headers)
    }

    /// The endpoint as provenance names it, any password in it redacted.
    public var redactedURL: String { URLRedaction.redactingPassword(source.url) }
}
