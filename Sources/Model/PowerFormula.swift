/// The precedence between measured and modelled power, and the formula of each method.
///
/// - A whole-node meter wins: `node_watts × pue`. It already includes the GPUs, whose measured share is shown
///   apart but not added.
/// - Else RAPL: `(Σ package + Σ dram + other_watts) × pue`, with `psys` in place of package and DRAM where a
///   host has it; RAPL replaces the profile's CPU and memory terms.
/// - Else the profile: the fitted one when calibration applies to the host's profile (method `calibrated`),
///   else the configured one (method `model`).
/// - Without a whole-node figure, GPUs add `Σ gpu_watts × pue`.
public enum PowerFormula {
    /// - Parameters:
    ///   - configured: the host's profile as configured; its `pue` and `otherWatts` apply to measured power.
    ///   - calibrated: the profile with fitted coefficients, when calibration applies to this host; nil else.
    ///   - idleRatio: idle share of CPU time over the interval (clamped to 0...1 by the profile).
    ///   - measurement: what was measured over the interval; nil or empty when nothing was.
    public static func estimate(
        configured: PowerProfile,
        calibrated: PowerProfile? = nil,
        cores: Double,
        idleRatio: Double,
        memoryActiveRatio: Double,
        measurement: HostMeasurement?
    ) -> PowerEstimate {
        let pue = configured.pue
        let gpu = measurement?.gpuWatts.map { Watts(max($0.value, 0) * pue) }
        let gpuBusy = measurement?.gpuBusyRatio.map(\.clampedToUnit)
        if let node = measurement?.nodeWatts {
            let total = Watts(max(node.value, 0) * pue)
            return PowerEstimate(
                total: total, gpu: min(gpu ?? .zero, total), gpuBusyRatio: gpuBusy, method: .node)
        }
        if let measurement, measurement.hasRAPL {
            let cpuAndMemory =
                measurement.psysWatts?.value
                ?? (measurement.packageWatts?.value ?? 0) + (measurement.dramWatts?.value ?? 0)
            let host = Watts((max(cpuAndMemory, 0) + configured.otherWatts) * pue)
            return PowerEstimate(
                total: host + (gpu ?? .zero), gpu: gpu ?? .zero, gpuBusyRatio: gpuBusy, method: .rapl)
        }
        let profile = calibrated ?? configured
        let modelled = profile.power(cores: cores, idleRatio: idleRatio, memoryActiveRatio: memoryActiveRatio)
        return PowerEstimate(
            total: modelled + (gpu ?? .zero), gpu: gpu ?? .zero, gpuBusyRatio: gpuBusy,
            method: calibrated == nil ? .model : .calibrated)
    }
}
