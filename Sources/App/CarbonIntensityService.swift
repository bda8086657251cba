import HTTPClient
import Logging
import Model
import Readers
import Synchronization

/// Keeps the grid carbon intensity in force: refreshed in the background, never per scrape.
///
/// After a failed refresh the last good value stays in force until it is older than `max_age`; then the
/// configured fallback is used. Each change between a fresh value and the fallback is logged once.
final class CarbonIntensityService: Sendable {
    /// The value in force at one moment, with its provenance.
    struct InForce: Sendable, Equatable {
        var value: GramsPerKilowattHour
        var provider: String
        var region: String
        var ageSeconds: Double
        var fallback: Bool
    }

    private struct State {
        var lastGood: (value: GramsPerKilowattHour, obtainedAt: Double)?
        var up = false
        var attempted = false
        var durationSeconds = 0.0
        var errors = 0.0
        var onFallback: Bool?
    }

    let settings: Configuration.CarbonIntensity
    let region: String
    private let reader: UKCarbonIntensityReader?
    private let clock: any WallClock
    private let logger: Logger
    private let startedAt: Double
    private let state = Mutex(State())

    init(settings: Configuration.CarbonIntensity, region: String, fetcher: any HTTPFetching, clock: any WallClock, logger: Logger) {
        self.settings = settings
        self.region = region
        self.clock = clock
        self.logger = logger
        self.startedAt = clock.now()
        switch settings.provider {
        case .static:
            reader = nil
        case .uk:
            let ukRegion: UKCarbonIntensityReader.Region =
                if let id = settings.uk.regionID {
                    .regionID(id)
                } else if let postcode = settings.uk.postcode {
                    .postcode(postcode)
                } else {
                    .national
                }
            reader = UKCarbonIntensityReader(
                baseURL: settings.uk.url,
                region: ukRegion,
                timeoutSeconds: settings.timeout,
                fetcher: fetcher
            )
        }
    }

    /// Whether the provider needs asking at all (a static value does not).
    var needsRefresh: Bool { reader != nil }

    /// Asks the provider once and records the outcome.
    func refresh() {
        guard let reader else { return }
        let started = clock.now()
        let result = Result { () throws(ReaderError) in try reader.read(now: started) }
        let finished = clock.now()
        let wasUp = state.withLock { state -> Bool? in
            let previous = state.attempted ? state.up : nil
            state.attempted = true
            state.durationSeconds = max(finished - started, 0)
            switch result {
            case .success(let value):
                state.lastGood = (value, finished)
                state.up = true
            case .failure:
                state.up = false
                state.errors += 1
            }
            return previous
        }
        switch result {
        case .success(let value):
            logger.debug("carbon intensity refreshed", metadata: ["grams_per_kwh": "\(value.value)", "url": "\(reader.url)"])
            if wasUp == false { logger.notice("carbon intensity provider recovered", metadata: ["provider": "\(settings.provider.rawValue)"]) }
        case .failure(let error):
            if wasUp != false {
                logger.error(
                    "carbon intensity provider failed",
                    metadata: ["provider": "\(settings.provider.rawValue)", "err": "\(error)"]
                )
            } else {
                logger.debug("carbon intensity provider still failing", metadata: ["err": "\(error)"])
            }
        }
    }

    /// The intensity in force now.
    func current() -> InForce {
        let now = clock.now()
        guard reader != nil else {
            return InForce(
                value: GramsPerKilowattHour(settings.staticGramsPerKilowattHour),
                provider: settings.provider.rawValue,
                region: region,
                ageSeconds: 0,
                fallback: false
            )
        }
        let (inForce, changed) = state.withLock { state -> (InForce, Bool) in
            var inForce = InForce(
                value: GramsPerKilowattHour(settings.fallbackGramsPerKilowattHour),
                provider: settings.provider.rawValue,
                region: region,
                // Without any good value yet, the age counts from start so staleness alerts still see it.
                ageSeconds: max(now - startedAt, 0),
                fallback: true
            )
            if let lastGood = state.lastGood {
                inForce.ageSeconds = max(now - lastGood.obtainedAt, 0)
                if inForce.ageSeconds <= settings.maxAge {
                    inForce.value = lastGood.value
                    inForce.fallback = false
                }
            }
            // Only a provider that has been asked can be on fallback in a way worth logging.
            let changed = state.attempted && state.onFallback != inForce.fallback
            if state.attempted { state.onFallback = inForce.fallback }
            return (inForce, changed)
        }
        if changed {
            if inForce.fallback {
                logger.warning(
                    "no fresh carbon intensity; using the fallback value",
                    metadata: ["grams_per_kwh": "\(inForce.value.value)", "age_seconds": "\(Int(inForce.ageSeconds))"]
                )
            } else {
                logger.info("fresh carbon intensity in force", metadata: ["grams_per_kwh": "\(inForce.value.value)"])
            }
        }
        return inForce
    }

    /// The `carbon_intensity` source's status for exposition.
    func sourceStatus() -> (up: Bool, durationSeconds: Double, errors: Double) {
        guard reader != nil else { return (true, 0, 0) }
        return state.withLock { ($0.up, $0.durationSeconds, $0.errors) }
    }
}
