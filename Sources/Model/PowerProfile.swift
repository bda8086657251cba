/// The power model of one kind of machine: what its CPUs, memory and the rest draw.
///
/// `power(...)` is the original workspace poller's formula, generalised with an idle floor per core and a PUE:
/// `cpu = cores × (idle + (max − idle) × (1 − idleRatio))`, `ram = ramWatts × memoryActiveRatio`,
/// `total = (cpu + ram + other) × pue`. With `cpuIdleWattsPerCore` 0 the CPU term is the original
/// `cores × tdp × (1 − idle)`.
///
/// The defaults keep the original busy figure (10 W per core, 5 W of memory, 20 W for the rest) and add the
/// idle floor Cloud Carbon Footprint derives from SPECpower results for x86 cloud fleets (0.71–0.78 W per vCPU;
/// 0.74 W is its AWS figure): an idle host still draws power per core. `docs/power.md` gives the sources.
/// `PowerProfile.seed` is the original default without that floor.
public struct PowerProfile: Sendable, Equatable {
    public var name: String
    /// Watts one fully busy core draws.
    public var cpuWattsPerCore: Double
    /// Watts one idle core still draws; at most `cpuWattsPerCore`.
    public var cpuIdleWattsPerCore: Double
    /// Watts of memory when all of it is active; scaled by the active share.
    public var ramWatts: Double
    /// Constant watts of everything else (board, disks, fans).
    public var otherWatts: Double
    /// Power usage effectiveness of the site, at least 1 in any real data centre.
    public var pue: Double

    public init(
        name: String = "default",
        cpuWattsPerCore: Double = 10,
        cpuIdleWattsPerCore: Double = PowerProfile.defaultIdleWattsPerCore,
        ramWatts: Double = 5,
        otherWatts: Double = 20,
        pue: Double = 1.0
    ) {
        self.name = name
        self.cpuWattsPerCore = cpuWattsPerCore
        self.cpuIdleWattsPerCore = cpuIdleWattsPerCore
        self.ramWatts = ramWatts
        self.otherWatts = otherWatts
        self.pue = pue
    }

    /// Watts per idle core of the default profile (Cloud Carbon Footprint's minimum watts per vCPU).
    public static let defaultIdleWattsPerCore = 0.74

    /// The original poller's default: no idle floor per core, so an idle host draws only memory and other.
    public static let seed = PowerProfile(cpuIdleWattsPerCore: 0)

    /// Modelled power of a host with `cores` CPUs, the given idle share of CPU time and active memory share.
    ///
    /// Both ratios are clamped to 0...1 so that a noisy reading never yields negative or runaway power.
    public func power(cores: Double, idleRatio: Double, memoryActiveRatio: Double) -> Watts {
        let idle = idleRatio.clampedToUnit
        let memory = memoryActiveRatio.clampedToUnit
        let cpu = max(cores, 0) * (cpuIdleWattsPerCore + (cpuWattsPerCore - cpuIdleWattsPerCore) * (1 - idle))
        let ram = ramWatts * memory
        return Watts((cpu + ram + otherWatts) * pue)
    }
}

extension Double {
    /// The value limited to 0...1; NaN becomes 0.
    public var clampedToUnit: Double {
        guard !isNaN else { return 0 }
        return Swift.min(Swift.max(self, 0), 1)
    }
}
