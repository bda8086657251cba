import Config
import Foundation
import HTTPClient
import Logging
import Model
import PromText

/// node_exporter targets scraped directly, all of a cycle at once through a batch fetcher (curl's multi
/// interface in production).
///
/// One slow or dead target costs only its own timeout: transfers run concurrently (bounded), each with its
/// own limit. A target that fails is left out of the cycle, counted as an error, and its host keeps its
/// baseline, so the next good scrape integrates the whole gap.
public final class ScrapeNodeSource: NodeSource {
    public let settings: Configuration.ScrapeSource
    public let discovery: TargetDiscovery
    private let client: any HTTPBatchFetching
    private let headers: [HTTPHeader]
    private let clock: any WallClock
    /// The measured families read from each answer (RAPL); nil when measured power is off.
    private let measuredFamilies: MeasuredPowerFamilies?
    /// Exporters of measured power on every target's host (same host, their own port and path).
    private let measuredTargets: [Configuration.Power.ExtraTarget]
    /// This replica's targets only (by address, as Prometheus' hashmod of `__address__`); nil for all.
    private let shard: Shard?

    public var name: String { "scrape" }

    public init(
        settings: Configuration.ScrapeSource, client: any HTTPBatchFetching, clock: any WallClock, logger: Logger,
        measuredFamilies: MeasuredPowerFamilies? = nil, measuredTargets: [Configuration.Power.ExtraTarget] = [],
        shard: Shard? = nil
    ) throws {
        self.shard = shard
        self.measuredFamilies = measuredFamilies
        self.measuredTargets = measuredFamilies == nil ? [] : measuredTargets
        self.settings = settings
        self.client = client
        self.clock = clock
        self.discovery = TargetDiscovery(
            staticGroups: settings.staticTargets, patterns: settings.fileSD, logger: logger)
        if let auth = settings.basicAuth {
            headers = [try Secrets.basicAuthorization(auth)]
        } else {
            headers = []
        }
    }

    public func read(now: Double, logger: Logger) throws(ReaderError) -> SourceRead {
        // Other replicas' targets are never fetched: each costs this replica nothing.
        let targets = discovery.targets().filter { shard?.contains($0.address) ?? true }
        let accept = "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.6,*/*;q=0.1"
        let requests = targets.map { target in
            HTTPRequest(
                url: "\(settings.scheme)://\(target.address)\(settings.metricsPath)",
                headers: headers + [HTTPHeader(name: "Accept", value: accept)],
                timeoutSeconds: settings.timeout,
                maxBodyBytes: settings.bodySizeLimit,
                tls: settings.tls
            )
        }
        // The measured exporters of every host go in the same batch, so they cost no extra round of timeouts.
        let extras = targets.flatMap { target in
            measuredTargets.map { extra in
                (
                    key: HostJoin.hostPart(target.labels["instance"] ?? target.address),
                    request: HTTPRequest(
                        url: "\(extra.scheme)://\(HostJoin.hostPart(target.address)):\(extra.port)\(extra.path)",
                        headers: headers + [HTTPHeader(name: "Accept", value: accept)],
                        timeoutSeconds: settings.timeout, maxBodyBytes: settings.bodySizeLimit, tls: settings.tls)
                )
            }
        }
        let started = clock.now()
        let allResults = client.fetchAll(requests + extras.map(\.request), maxConcurrent: settings.maxConcurrency)
        let results = allResults.prefix(requests.count)
        var read = SourceRead()
        for (extra, result) in zip(extras, allResults.dropFirst(requests.count)) {
            guard let families = measuredFamilies else { break }
            let why: String
            switch result {
            case .failure(let error): why = error.description
            case .success(let response) where response.status != 200: why = "HTTP status \(response.status)"
            case .success(let response):
                let format: ExpositionFormat =
                    (response.contentType ?? "").hasPrefix("application/openmetrics-text") ? .openMetrics : .text
                do {
                    let sample = try MeasuredPowerScrape.sample(
                        from: response.body, format: format, families: families, host: extra.key,
                        timestamp: started + response.durationSeconds)
                    if !sample.isEmpty { read.samples.append(sample) }
                    continue
                } catch {
                    why = error.description
                }
            }
            // A host without that exporter is the common case: its power is then taken from the others.
            logger.debug("measured power target left out", metadata: ["url": "\(extra.request.url)", "err": "\(why)"])
        }
        for (target, result) in zip(targets, results) {
            var status = TargetOutcome(host: target.address, up: false, durationSeconds: 0)
            switch result {
            case .failure(let error):
                status.error = error.description
            case .success(let response):
                status.durationSeconds = response.durationSeconds
                guard response.status == 200 else {
                    status.error = "HTTP status \(response.status)"
                    break
                }
                let format: ExpositionFormat =
                    (response.contentType ?? "").hasPrefix("application/openmetrics-text") ? .openMetrics : .text
                do {
                    // One parse for the node families and the measured ones (RAPL) of the same answer.
                    let parsed = try NodeExporterReading.parse(
                        response.body, format: format, host: target.address,
                        extra: measuredFamilies?.metricNames ?? [])
                    let reading = try NodeExporterReading.reading(
                        from: parsed, host: target.address, labels: target.labels,
                        // Transfers start together (up to max_concurrency), so start plus duration is close to when
                        // the answer came; an offset that repeats each cycle cancels out between intervals.
                        timestamp: started + response.durationSeconds
                    )
                    read.readings.append(reading)
                    status.up = true
                    if let families = measuredFamilies {
                        let sample = MeasuredPowerScrape.sample(
                            from: parsed, families: families, host: HostJoin.nodeKey(of: reading),
                            timestamp: reading.timestamp)
                        if !sample.isEmpty { read.samples.append(sample) }
                    }
                } catch {
                    status.error = error.description
                }
            }
            if let error = status.error {
                read.skipped.append((host: target.address, reason: error))
                read.failures += 1
            }
            read.targets.append(status)
        }
        return read
    }
}
