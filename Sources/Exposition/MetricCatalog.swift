import PromText

/// A metric family's name, type and HELP text.
public struct MetricDefinition: Sendable, Equatable {
    /// Which family this is; the renderer switches over it exhaustively, so a new family cannot go unrendered.
    public let id: MetricID
    public let name: String
    public let type: MetricType
    public let help: String
}

/// Every metric family footprint_exporter exposes: the one place names, types and HELP texts live.
///
/// The names, types and label names are a contract with dashboards, rules and users; change them only by
/// adding. HELP says the unit and how each value is derived.
public enum MetricCatalog {
    /// Summary of the integration rule, repeated in the HELP of every counter derived from it.
    static let integrationRule =
        "Integrated between successive readings of the host's CPU counters: the interval's power times the "
        + "interval, the modelled part from the idle share of CPU time over it (idle CPU seconds delta / all-mode "
        + "CPU seconds delta); a reboot integrates from the new boot time, counters going backwards add nothing."

    /// How the host's power is obtained, repeated in the HELP of the power and energy families.
    static let powerSources =
        "Power per interval, by precedence: a whole-node meter (node_watts x PUE); else RAPL ((package + dram, "
        + "or psys) + other_watts) x PUE; else the host's power profile ((CPU + memory + other) x PUE, with "
        + "fitted coefficients where calibration applies); GPUs add their measured watts x PUE where no "
        + "whole-node meter counts them already. footprint_host_power_method names the method in force."

    public static let hostPower = MetricDefinition(
        id: .hostPower,
        name: "footprint_host_power_watts",
        type: .gauge,
        help: "Power of the host over its last interval, in watts, GPUs included. " + powerSources
    )
    public static let hostEnergy = MetricDefinition(
        id: .hostEnergy,
        name: "footprint_host_energy_joules_total",
        type: .counter,
        help: "Energy used by the host, in joules, GPUs included, split by state=busy|idle: the GPUs' part by "
            + "their utilisation (by the CPU's where unknown), the rest by the busy and idle share of CPU time. "
            + integrationRule + " Measured power comes from the meters: energy counter deltas "
            + "over their own sample times; or, for a gauge, its latest value."
    )
    public static let hostGPUPower = MetricDefinition(
        id: .hostGPUPower,
        name: "footprint_host_gpu_power_watts",
        type: .gauge,
        help: "The GPUs' share of footprint_host_power_watts over the host's last interval, in watts: measured GPU "
            + "watts (DCGM energy counter deltas, else DCGM or nvidia-smi power) x PUE; only hosts with measured GPUs."
    )
    public static let hostGPUEnergy = MetricDefinition(
        id: .hostGPUEnergy,
        name: "footprint_host_gpu_energy_joules_total",
        type: .counter,
        help: "The GPUs' share of footprint_host_energy_joules_total, in joules, split by state=busy|idle in "
            + "proportion to GPU utilisation (power-weighted over the host's GPUs); only hosts with measured GPUs."
    )
    public static let hostPowerMethod = MetricDefinition(
        id: .hostPowerMethod,
        name: "footprint_host_power_method",
        type: .gauge,
        help: "1 for the method that gave the host's power over its last interval: node (whole-node meter), rapl "
            + "(RAPL counters plus other_watts), calibrated (profile with fitted coefficients) or model (profile "
            + "as configured)."
    )
    public static let hostEmissions = MetricDefinition(
        id: .hostEmissions,
        name: "footprint_host_emissions_grams_total",
        type: .counter,
        help:
            "Emissions of the host's energy (footprint_host_energy_joules_total), in grams of CO2-equivalent, split by state=busy|idle: "
            + "energy in kWh times the carbon intensity of the host's grid region in force when each interval "
            + "ended. "
            + integrationRule
    )
    public static let hostBusySeconds = MetricDefinition(
        id: .hostBusySeconds,
        name: "footprint_host_busy_seconds_total",
        type: .counter,
        help: "Wall-clock seconds weighted by the host's busy share of CPU time (interval x (1 - idle ratio)), "
            + "in seconds."
    )
    public static let hostIdleRatio = MetricDefinition(
        id: .hostIdleRatio,
        name: "footprint_host_idle_ratio",
        type: .gauge,
        help: "Idle share of the host's CPU time over its last interval, 0 to 1, from CPU counter deltas."
    )
    public static let hostCores = MetricDefinition(
        id: .hostCores,
        name: "footprint_host_cpu_cores",
        type: .gauge,
        help: "Logical CPUs of the host, as counted by the source."
    )
    public static let hostMemoryActiveRatio = MetricDefinition(
        id: .hostMemoryActiveRatio,
        name: "footprint_host_memory_active_ratio",
        type: .gauge,
        help: "Active memory of the host divided by its total memory (meminfo Active / MemTotal), 0 to 1."
    )
    public static let hostBootTime = MetricDefinition(
        id: .hostBootTime,
        name: "footprint_host_boot_time_seconds",
        type: .gauge,
        help: "Boot time of the host (the start of its workspace), in Unix seconds."
    )
    public static let hosts = MetricDefinition(
        id: .hosts,
        name: "footprint_hosts",
        type: .gauge,
        help: "Hosts the node-metrics source listed in the last successful collection."
    )
    public static let gridIntensity = MetricDefinition(
        id: .gridIntensity,
        name: "footprint_grid_carbon_intensity_grams_per_kilowatt_hour",
        type: .gauge,
        help: "Grid carbon intensity in force per grid region, in grams of CO2-equivalent per kilowatt-hour; "
            + "provider names who supplied it. Cached: providers are asked in the background in failover "
            + "order; the first with a value younger than max_age supplies it, else the configured fallback."
    )
    public static let gridIntensityAge = MetricDefinition(
        id: .gridIntensityAge,
        name: "footprint_grid_carbon_intensity_age_seconds",
        type: .gauge,
        help: "Seconds since the carbon intensity in force was obtained from its provider "
            + "(0 for a static value); with the fallback in force, since any provider of the region last had one."
    )
    public static let gridIntensityFallback = MetricDefinition(
        id: .gridIntensityFallback,
        name: "footprint_grid_carbon_intensity_fallback",
        type: .gauge,
        help: "1 while the configured fallback carbon intensity is used because no fresh provider value "
            + "exists, else 0."
    )
    public static let forecastMin = MetricDefinition(
        id: .forecastMin,
        name: "footprint_grid_carbon_intensity_forecast_min_grams_per_kilowatt_hour",
        type: .gauge,
        help: "Lowest forecast grid carbon intensity of a half-hour in the next 24 hours, in grams of "
            + "CO2-equivalent per kilowatt-hour. Cached: the forecast is fetched in the background."
    )
    public static let forecastMinStart = MetricDefinition(
        id: .forecastMinStart,
        name: "footprint_grid_carbon_intensity_forecast_min_start_timestamp_seconds",
        type: .gauge,
        help: "Start of the half-hour with the lowest forecast grid carbon intensity in the next 24 hours "
            + "(the earliest of equal ones), in Unix seconds."
    )
    public static let forecastMean = MetricDefinition(
        id: .forecastMean,
        name: "footprint_grid_carbon_intensity_forecast_mean_grams_per_kilowatt_hour",
        type: .gauge,
        help: "Mean forecast grid carbon intensity over the next 24 hours (time-weighted), in grams of "
            + "CO2-equivalent per kilowatt-hour."
    )
    public static let sourceUp = MetricDefinition(
        id: .sourceUp,
        name: "footprint_source_up",
        type: .gauge,
        help: "1 if the last attempt to read the source succeeded, else 0."
    )
    public static let sourceDuration = MetricDefinition(
        id: .sourceDuration,
        name: "footprint_source_duration_seconds",
        type: .gauge,
        help: "Duration of the last attempt to read the source, in seconds."
    )
    public static let sourceSkippedHosts = MetricDefinition(
        id: .sourceSkippedHosts,
        name: "footprint_source_skipped_hosts_total",
        type: .counter,
        help: "Hosts the source listed but a collection left out, since the exporter started, by reason: "
            + "invalid_values (NaN, infinite or impossible counters), no_cpu_counters (no node_cpu_seconds_total), "
            + "no_sample_time, missing_host_label, duplicate_host (listed more than once; the first is used), "
            + "target_failed (a direct scrape failed). Each host is logged at warning when it starts being left out."
    )
    public static let sourceErrors = MetricDefinition(
        id: .sourceErrors,
        name: "footprint_source_errors_total",
        type: .counter,
        help: "Failed attempts to read the source since the exporter started."
    )
    public static let lastCollection = MetricDefinition(
        id: .lastCollection,
        name: "footprint_last_collection_timestamp_seconds",
        type: .gauge,
        help: "Time of the last successful collection of node metrics, in Unix seconds."
    )
    public static let buildInfo = MetricDefinition(
        id: .buildInfo,
        name: "footprint_exporter_build_info",
        type: .gauge,
        help: "Build information of footprint_exporter; the value is always 1."
    )
    public static let shardInfo = MetricDefinition(
        id: .shardInfo,
        name: "footprint_shard_info",
        type: .gauge,
        help: "The shard this replica serves: hosts whose key (target address, or the host label in bridge mode) "
            + "has an MD5 whose last 8 bytes, big-endian, modulo count equal index, as Prometheus' hashmod "
            + "computes; the value is always 1. Absent when the exporter is not sharded."
    )

    public static let equivalencyGrams = MetricDefinition(
        id: .equivalencyGrams,
        name: "footprint_equivalency_grams_per_unit",
        type: .gauge,
        help: "Grams of CO2-equivalent per one unit of an emission-based equivalency (divide emissions by it), "
            + "from the exporter's equivalency table."
    )
    public static let equivalencyJoules = MetricDefinition(
        id: .equivalencyJoules,
        name: "footprint_equivalency_joules_per_unit",
        type: .gauge,
        help: "Joules per one unit of an energy-based equivalency (divide energy by it), from the exporter's "
            + "equivalency table."
    )

    public static let targetUp = MetricDefinition(
        id: .targetUp,
        name: "footprint_target_up",
        type: .gauge,
        help: "1 if the last direct scrape of the node_exporter target succeeded and parsed, else 0."
    )
    public static let targetDuration = MetricDefinition(
        id: .targetDuration,
        name: "footprint_target_scrape_duration_seconds",
        type: .gauge,
        help: "Duration of the last direct scrape of the node_exporter target, in seconds."
    )
    public static let targetErrors = MetricDefinition(
        id: .targetErrors,
        name: "footprint_target_scrape_errors_total",
        type: .counter,
        help: "Direct scrapes of the node_exporter target that failed (transport, HTTP status) or whose exposition "
            + "broke a rule of its format, since the target was first listed; the reason is logged."
    )

    public static let reloadSuccessful = MetricDefinition(
        id: .reloadSuccessful,
        name: "footprint_config_last_reload_successful",
        type: .gauge,
        help: "1 if the last configuration reload (SIGHUP or POST /-/reload) succeeded, 0 if the new "
            + "configuration was rejected and the previous one kept running."
    )
    public static let reloadTimestamp = MetricDefinition(
        id: .reloadTimestamp,
        name: "footprint_config_last_reload_success_timestamp_seconds",
        type: .gauge,
        help: "Time of the last successful configuration load, in Unix seconds."
    )

    public static let profileWatts = MetricDefinition(
        id: .profileWatts,
        name: "footprint_power_profile_watts",
        type: .gauge,
        help: "Coefficients of each power profile, in watts (per core for cpu_*_watts_per_core): "
            + "origin=configured as configured, origin=fitted from the fit in force (weighted least squares of "
            + "whole-node measurements of the profile's hosts over the calibration window)."
    )
    public static let profileFitHosts = MetricDefinition(
        id: .profileFitHosts,
        name: "footprint_power_profile_fit_hosts",
        type: .gauge,
        help: "Whole-node-measured hosts of the profile in the calibration window at the latest fit attempt."
    )
    public static let profileFitError = MetricDefinition(
        id: .profileFitError,
        name: "footprint_power_profile_fit_error_ratio",
        type: .gauge,
        help: "Relative RMS residual of the profile's fit in force: RMS of (measured - fitted) node watts over "
            + "the window's intervals, duration-weighted, divided by the mean measured node watts."
    )
    public static let profileFitRejected = MetricDefinition(
        id: .profileFitRejected,
        name: "footprint_power_profile_fit_rejected",
        type: .gauge,
        help: "1 when the profile's latest fit attempt was rejected, with the reason (too_few_hosts, "
            + "too_little_load_spread, non_physical); the fit in force, if any, stays."
    )

    /// Provenance of a backfill file written by `footprint_exporter report --format openmetrics`; never served
    /// on `/metrics`, so it is not part of `all`.
    public static let reportInfo = MetricDefinition(
        id: .reportInfo,
        name: "footprint_report_info",
        type: .gauge,
        help: "Provenance of backfilled footprint counters: the configuration's SHA-256, the span and resolution "
            + "read from Prometheus, the equivalency table version and the number of data gaps; the value is always 1."
    )

    /// Every family served on `/metrics`, sorted by name.
    public static let all: [MetricDefinition] = MetricID.allCases.filter { $0 != .reportInfo }.map(definition)
        .sorted { $0.name < $1.name }

    /// The definition of a family.
    public static func definition(_ id: MetricID) -> MetricDefinition {
        switch id {
        case .hostPower: hostPower
        case .hostEnergy: hostEnergy
        case .hostGPUPower: hostGPUPower
        case .hostGPUEnergy: hostGPUEnergy
        case .hostPowerMethod: hostPowerMethod
        case .hostEmissions: hostEmissions
        case .hostBusySeconds: hostBusySeconds
        case .hostIdleRatio: hostIdleRatio
        case .hostCores: hostCores
        case .hostMemoryActiveRatio: hostMemoryActiveRatio
        case .hostBootTime: hostBootTime
        case .hosts: hosts
        case .gridIntensity: gridIntensity
        case .gridIntensityAge: gridIntensityAge
        case .gridIntensityFallback: gridIntensityFallback
        case .forecastMin: forecastMin
        case .forecastMinStart: forecastMinStart
        case .forecastMean: forecastMean
        case .sourceUp: sourceUp
        case .sourceDuration: sourceDuration
        case .sourceErrors: sourceErrors
        case .sourceSkippedHosts: sourceSkippedHosts
        case .lastCollection: lastCollection
        case .buildInfo: buildInfo
        case .shardInfo: shardInfo
        case .equivalencyGrams: equivalencyGrams
        case .equivalencyJoules: equivalencyJoules
        case .targetUp: targetUp
        case .targetDuration: targetDuration
        case .targetErrors: targetErrors
        case .reloadSuccessful: reloadSuccessful
        case .reloadTimestamp: reloadTimestamp
        case .profileWatts: profileWatts
        case .profileFitHosts: profileFitHosts
        case .profileFitError: profileFitError
        case .profileFitRejected: profileFitRejected
        case .reportInfo: reportInfo
        }
    }
}

/// The families of `MetricCatalog`, one case each.
public enum MetricID: String, Sendable, CaseIterable {
    case hostPower
    case hostEnergy
    case hostGPUPower
    case hostGPUEnergy
    case hostPowerMethod
    case hostEmissions
    case hostBusySeconds
    case hostIdleRatio
    case hostCores
    case hostMemoryActiveRatio
    case hostBootTime
    case hosts
    case gridIntensity
    case gridIntensityAge
    case gridIntensityFallback
    case forecastMin
    case forecastMinStart
    case forecastMean
    case sourceUp
    case sourceDuration
    case sourceErrors
    case sourceSkippedHosts
    case lastCollection
    case buildInfo
    case shardInfo
    case equivalencyGrams
    case equivalencyJoules
    case targetUp
    case targetDuration
    case targetErrors
    case reloadSuccessful
    case reloadTimestamp
    case profileWatts
    case profileFitHosts
    case profileFitError
    case profileFitRejected
    case reportInfo
}
