import Config
import Foundation
import HTTPClient
import Logging
import Model
import Readers
import Synchronization

/// Keeps the grid carbon intensity in force for every grid region: refreshed in the background, never per
/// scrape.
///
/// Each region has a failover chain of providers. A refresh walks each chain in order and stops at the first
/// provider with a fresh value (obtained within `max_age`), asking a provider only when it is due: a provider
/// that failed waits an exponential backoff with jitter, one that answered HTTP 429 is not asked before the
/// time its `Retry-After` names, and one whose answer can never be used (a relative index) is not asked again
/// until the configuration is reloaded. A provider shared by several regions (same settings) is one
/// provider, asked at most once per refresh, whatever the number of hosts or regions.
///
/// The value in force for a region is the first fresh value along its chain, with that provider's name as
/// provenance; when none is fresh the region's fallback is used and flagged, under the name of the chain's
/// first provider. Each change between a fresh value and the fallback is logged once per region.
public final class CarbonIntensityService: Sendable {
    /// The value in force for one region, with its provenance.
    public struct InForce: Sendable, Equatable {
        public var value: GramsPerKilowattHour
        public var provider: String
        public var region: String
        public var ageSeconds: Double
        public var fallback: Bool
    }

    /// A region's forecast summary over the next 24 hours.
    public struct ForecastSummary: Sendable, Equatable {
        public var provider: String
        public var region: String
        public var minimum: IntensityPeriod
        public var mean: GramsPerKilowattHour
    }

    /// One provider instance and what is known about it.
    public final class Provider: Sendable {
        public struct State {
            public var lastGood: (value: GramsPerKilowattHour, obtainedAt: Double)?
            public var failures = 0
            /// Not asked before this time (backoff, Retry-After, or never again for an unusable answer).
            public var notBefore = -Double.infinity
            /// The time the last HTTP 429 named; it binds forecast requests too.
            public var retryAt = -Double.infinity
            /// Whether the last request succeeded; nil before the first.
            public var up: Bool?
        }

        public let name: String
        public let key: String
        public let reader: (any CarbonIntensityReading)?
        public let staticValue: GramsPerKilowattHour?
        public let forecaster: (any CarbonIntensityForecasting)?
        public let state = Mutex(State())

        public init(
            name: String, key: String, reader: (any CarbonIntensityReading)?, staticValue: GramsPerKilowattHour? = nil,
            forecaster: (any CarbonIntensityForecasting)? = nil
        ) {
            self.name = name
            self.key = key
            self.reader = reader
            self.staticValue = staticValue
            self.forecaster = forecaster
        }
    }

    public struct Region: Sendable {
        public var name: String
        public var chain: [Provider]
        public var fallback: GramsPerKilowattHour
    }

    private struct Status {
        var up = true
        var durationSeconds = 0.0
        var errors = 0.0
        /// Per region: whether the fallback was in force when last looked at.
        var onFallback: [String: Bool] = [:]
        var forecasts: [String: (provider: String, forecast: IntensityForecast)] = [:]
    }

    public let settings: Configuration.CarbonIntensity
    public let regions: [Region]
    public let defaultRegion: String
    private let providers: [Provider]
    private let clock: any WallClock
    private let logger: Logger
    private let jitter: @Sendable () -> Double
    private let startedAt: Double
    private let status = Mutex(Status())

    /// - Parameter jitter: a random number in 0..<1 per backoff, injectable for tests.
    /// - Throws: `Secrets.SecretError` when a provider's token or password cannot be read.
    public init(
        configuration: Configuration, fetcher: any HTTPFetching, clock: any WallClock, logger: Logger,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) throws {
        let settings = configuration.carbonIntensity
        self.settings = settings
        self.clock = clock
        self.logger = logger
        self.jitter = jitter
        self.startedAt = clock.now()
        self.defaultRegion = configuration.gridRegion
        var byKey: [String: Provider] = [:]
        var ordered: [Provider] = []
        var regions: [Region] = []
        for region in configuration.gridRegions {
            var chain: [Provider] = []
            for kind in region.providers {
                let made = try Self.makeProvider(kind, region: region, timeout: settings.timeout, fetcher: fetcher)
                if let existing = byKey[made.key] {
                    chain.append(existing)
                } else {
                    byKey[made.key] = made
                    ordered.append(made)
                    chain.append(made)
                }
            }
            regions.append(
                Region(
                    name: region.name, chain: chain, fallback: GramsPerKilowattHour(region.fallbackGramsPerKilowattHour)
                ))
        }
        self.regions = regions
        self.providers = ordered
    }

    private static func makeProvider(
        _ kind: Configuration.CarbonProvider, region: Configuration.GridRegion, timeout: Double,
        fetcher: any HTTPFetching
    ) throws -> Provider {
        switch kind {
        case .static:
            let value = GramsPerKilowattHour(region.staticGramsPerKilowattHour)
            return Provider(name: kind.rawValue, key: "static|\(value.value)", reader: nil, staticValue: value)
        case .uk:
            let uk = region.uk
            let ukRegion: UKCarbonIntensityReader.Region =
                if let id = uk.regionID { .regionID(id) } else if let postcode = uk.postcode {
                    .postcode(postcode)
                } else { .national }
            let reader = UKCarbonIntensityReader(
                baseURL: uk.url, region: ukRegion, timeoutSeconds: timeout, fetcher: fetcher)
            return Provider(name: kind.rawValue, key: "uk|\(reader.url)", reader: reader, forecaster: reader)
        case .electricitymaps:
            let maps = region.electricityMaps
            let token: String? =
                if let file = maps.tokenFile { try Secrets.read(file) } else if let name = maps.tokenEnv {
                    try Secrets.environment(name)
                } else { nil }
            let reader = ElectricityMapsReader(
                baseURL: maps.url, zone: maps.zone ?? "", endpoint: maps.endpoint == .history ? .history : .latest,
                token: token,
                timeoutSeconds: timeout, fetcher: fetcher)
            return Provider(
                name: kind.rawValue, key: "electricitymaps|\(reader.url)|\(maps.tokenFile ?? maps.tokenEnv ?? "")",
                reader: reader)
        case .watttime:
            let watt = region.wattTime
            let password =
                if let file = watt.passwordFile { try Secrets.read(file) } else if let name = watt.passwordEnv {
                    try Secrets.environment(name)
                } else { "" }
            let reader = WattTimeReader(
                baseURL: watt.url, region: watt.region ?? "", path: watt.endpoint.path, username: watt.username ?? "",
                password: password,
                timeoutSeconds: timeout, fetcher: fetcher)
            return Provider(
                name: kind.rawValue, key: "watttime|\(reader.url)|\(watt.username ?? "")", reader: reader,
                forecaster: watt.endpoint == .forecast ? reader : nil)
        case .file:
            let reader = IntensityFileReader(path: region.file.path ?? "")
            return Provider(name: kind.rawValue, key: "file|\(reader.path)", reader: reader, forecaster: reader)
        }
    }

    /// Whether any provider needs asking at all (static values do not).
    public var needsRefresh: Bool { providers.contains { $0.reader != nil } }

    /// Whether any region has a provider that publishes forecasts.
    public var hasForecasts: Bool { regions.contains { $0.chain.contains { $0.forecaster != nil } } }

    /// One refresh: walks each region's chain, asking providers that are due, until one has a fresh value.
    public func refresh() {
        let started = clock.now()
        var asked: Set<String> = []
        var failed = 0
        for region in regions {
            for provider in region.chain {
                guard provider.reader != nil else { break } // a static value is always fresh
                if !asked.contains(provider.key), isDue(provider, at: clock.now()) {
                    asked.insert(provider.key)
                    if !ask(provider) { failed += 1 }
                }
                if freshValue(of: provider, at: clock.now()) != nil { break }
            }
        }
        let finished = clock.now()
        guard !asked.isEmpty else { return }
        status.withLock { status in
            status.up = failed == 0
            status.durationSeconds = max(finished - started, 0)
            status.errors += Double(failed)
        }
    }

    private func isDue(_ provider: Provider, at now: Double) -> Bool {
        provider.state.withLock { now >= $0.notBefore }
    }

    /// Asks one provider once; returns whether it answered with a value.
    private func ask(_ provider: Provider) -> Bool {
        guard let reader = provider.reader else { return true }
        let now = clock.now()
        let result = Result { () throws(ReaderError) in try reader.read(now: now) }
        let finished = clock.now()
        let (wasUp, delay) = provider.state.withLock { state -> (Bool?, Double) in
            let previous = state.up
            switch result {
            case .success(let value):
                state.lastGood = (value, finished)
                state.failures = 0
                state.notBefore = -.infinity
                state.up = true
                return (previous, 0)
            case .failure(let error):
                state.failures += 1
                state.up = false
                if error.isUnusable {
                    state.notBefore = .infinity
                    return (previous, .infinity)
                }
                if let retryAt = error.retryAt { state.retryAt = retryAt }
                state.notBefore = max(finished + backoff(failures: state.failures), error.retryAt ?? -.infinity)
                return (previous, state.notBefore - finished)
            }
        }
        let metadata: Logger.Metadata = ["provider": "\(provider.name)", "url": "\(reader.url)"]
        switch result {
        case .success(let value):
            logger.debug(
                "carbon intensity refreshed", metadata: metadata.merging(["grams_per_kwh": "\(value.value)"]) { $1 })
            if wasUp == false { logger.notice("carbon intensity provider recovered", metadata: metadata) }
            return true
        case .failure(let error):
            var details = metadata.merging(["err": "\(error)"]) { $1 }
            if delay.isFinite { details["retry_in_seconds"] = "\(Int(delay.rounded()))" }
            if error.isUnusable {
                logger.error("carbon intensity provider unusable; not asked again until a reload", metadata: details)
            } else if wasUp != false {
                logger.error("carbon intensity provider failed", metadata: details)
            } else {
                logger.debug("carbon intensity provider still failing", metadata: details)
            }
            return false
        }
    }

    /// Exponential backoff from the refresh interval, with jitter so that several exporters behind one outage do
    /// not come back in step.
    ///
    /// The cap is half of `max_age` (at most an hour, never below the refresh interval): a provider that recovers
    /// is asked again while the last good value it gave is still in force, so the fallback does not stay in force
    /// long after the provider is back.
    public func backoff(failures: Int) -> Double {
        let cap = max(settings.refresh, min(3_600, settings.maxAge / 2))
        return Backoff(initial: settings.refresh, maximum: cap).delay(afterFailures: max(failures, 1))
            * (0.5 + 0.5 * jitter())
    }

    private func freshValue(of provider: Provider, at now: Double) -> (value: GramsPerKilowattHour, age: Double)? {
        if let value = provider.staticValue { return (value, 0) }
        return provider.state.withLock { state in
            guard let lastGood = state.lastGood else { return nil }
            let age = max(now - lastGood.obtainedAt, 0)
            return age <= settings.maxAge ? (lastGood.value, age) : nil
        }
    }

    /// The intensity in force now in every region, the default region last.
    public func current() -> [InForce] {
        let now = clock.now()
        return regions.map { current(in: $0, now: now) }
    }

    /// The intensity in force now in one region (the default region for an unknown name).
    public func current(region name: String) -> InForce {
        let region = regions.first { $0.name == name } ?? regions[regions.count - 1]
        return current(in: region, now: clock.now())
    }

    private func current(in region: Region, now: Double) -> InForce {
        for provider in region.chain {
            if let fresh = freshValue(of: provider, at: now) {
                let inForce = InForce(
                    value: fresh.value, provider: provider.name, region: region.name, ageSeconds: fresh.age,
                    fallback: false)
                noteFallback(false, inForce)
                return inForce
            }
        }
        // Without any good value yet, the age counts from start so staleness alerts still see it.
        let newest = region.chain.compactMap { provider in provider.state.withLock { $0.lastGood?.obtainedAt } }.max()
        let inForce = InForce(
            value: region.fallback, provider: region.chain.first?.name ?? "static", region: region.name,
            ageSeconds: max(now - (newest ?? startedAt), 0), fallback: true)
        noteFallback(true, inForce)
        return inForce
    }

    private func noteFallback(_ fallback: Bool, _ inForce: InForce) {
        // Only a region whose providers have been asked can be on fallback in a way worth logging.
        let attempted =
            regions.first { $0.name == inForce.region }?.chain.contains { provider in
                provider.state.withLock { $0.up != nil }
            } ?? false
        guard attempted else { return }
        let changed = status.withLock { status in
            defer { status.onFallback[inForce.region] = fallback }
            return status.onFallback[inForce.region] != fallback
        }
        guard changed else { return }
        let metadata: Logger.Metadata = [
            "grid_region": "\(inForce.region)", "provider": "\(inForce.provider)",
            "grams_per_kwh": "\(inForce.value.value)",
        ]
        if fallback {
            logger.warning(
                "no fresh carbon intensity; using the fallback value",
                metadata: metadata.merging(["age_seconds": "\(Int(inForce.ageSeconds))"]) { $1 })
        } else {
            logger.info("fresh carbon intensity in force", metadata: metadata)
        }
    }

    /// The `carbon_intensity` source's status for exposition: whether every provider asked in the last
    /// refresh answered, that refresh's duration, and failed requests so far.
    public func sourceStatus() -> (up: Bool, durationSeconds: Double, errors: Double) {
        status.withLock { ($0.up, $0.durationSeconds, $0.errors) }
    }

    // MARK: - Forecasts

    /// Fetches each region's forecast from the first provider of its chain that publishes one and answers.
    /// A region whose providers all fail keeps its previous forecast (it shrinks as time passes).
    public func refreshForecasts() {
        let now = clock.now()
        var fetched: [String: Result<[IntensityPeriod], ReaderError>] = [:]
        for region in regions {
            for provider in region.chain {
                guard let forecaster = provider.forecaster else { continue }
                // The forecast shares the provider's rate limit but not its backoff: it is asked rarely anyway.
                let barred = provider.state.withLock { $0.notBefore == .infinity || now < $0.retryAt }
                if barred { continue }
                let result =
                    fetched[provider.key] ?? Result { () throws(ReaderError) in try forecaster.forecast(now: now) }
                fetched[provider.key] = result
                switch result {
                case .success(let periods):
                    let forecast = IntensityForecast(periods: periods)
                    status.withLock { $0.forecasts[region.name] = (provider.name, forecast) }
                    logger.debug(
                        "carbon intensity forecast refreshed",
                        metadata: [
                            "grid_region": "\(region.name)", "provider": "\(provider.name)",
                            "half_hours": "\(forecast.slots.count)",
                        ])
                case .failure(let error):
                    if let retryAt = error.retryAt {
                        provider.state.withLock { state in
                            state.retryAt = max(state.retryAt, retryAt)
                            state.notBefore = max(state.notBefore, retryAt)
                        }
                    }
                    logger.debug(
                        "carbon intensity forecast failed",
                        metadata: ["grid_region": "\(region.name)", "provider": "\(provider.name)", "err": "\(error)"])
                    continue
                }
                break
            }
        }
    }

    /// Every region's forecast summary over the next 24 hours from now.
    public func forecastSummaries() -> [ForecastSummary] {
        let now = clock.now()
        let forecasts = status.withLock { $0.forecasts }
        return regions.compactMap { region in
            guard let entry = forecasts[region.name], let minimum = entry.forecast.minimum(from: now),
                let mean = entry.forecast.mean(from: now)
            else { return nil }
            return ForecastSummary(provider: entry.provider, region: region.name, minimum: minimum, mean: mean)
        }
    }

    /// A region's forecast, for the `forecast` command.
    public func forecast(region name: String) -> (provider: String, forecast: IntensityForecast)? {
        status.withLock { $0.forecasts[name] }
    }
}
