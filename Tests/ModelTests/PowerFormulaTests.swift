import Model
import Testing

@Suite struct PowerFormulaTests {
    static let profile = PowerProfile(
        name: "gpu", cpuWattsPerCore: 10, cpuIdleWattsPerCore: 1, ramWatts: 8, otherWatts: 30, pue: 1.5)

    func estimate(_ measurement: HostMeasurement?, calibrated: PowerProfile? = nil) -> PowerEstimate {
        PowerFormula.estimate(
            configured: Self.profile, calibrated: calibrated, cores: 4, idleRatio: 0.5, memoryActiveRatio: 0.5,
            measurement: measurement)
    }

    @Test func wholeNodeWinsAndAlreadyIncludesTheGPUs() {
        let result = estimate(
            HostMeasurement(nodeWatts: Watts(400), packageWatts: Watts(90), gpuWatts: Watts(200), gpuBusyRatio: 0.25))
        #expect(result.method == .node)
        #expect(result.total == Watts(600))
        #expect(result.gpu == Watts(300))
        #expect(result.gpuBusyRatio == 0.25)
    }

    @Test func theGPUShareNeverExceedsTheNodeTotal() {
        let result = estimate(HostMeasurement(nodeWatts: Watts(100), gpuWatts: Watts(150)))
        #expect(result.gpu == result.total)
    }

    @Test func raplReplacesCPUAndMemoryTermsAndAddsOtherWatts() {
        let result = estimate(HostMeasurement(packageWatts: Watts(60), dramWatts: Watts(10)))
        #expect(result.method == .rapl)
        #expect(result.total == Watts((60 + 10 + 30) * 1.5))
    }

    @Test func psysReplacesPackageAndDRAM() {
        let result = estimate(HostMeasurement(packageWatts: Watts(60), dramWatts: Watts(10), psysWatts: Watts(80)))
        #expect(result.total == Watts((80 + 30) * 1.5))
    }

    @Test func raplHostWithGPUsAddsThemWithPUE() {
        let result = estimate(HostMeasurement(packageWatts: Watts(50), gpuWatts: Watts(100)))
        #expect(result.total == Watts((50 + 30) * 1.5 + 150))
        #expect(result.gpu == Watts(150))
    }

    @Test func unmeasuredHostUsesTheProfileAndAddsMeasuredGPUs() {
        let modelled = Self.profile.power(cores: 4, idleRatio: 0.5, memoryActiveRatio: 0.5)
        #expect(estimate(nil) == PowerEstimate(total: modelled, method: .model))
        let withGPU = estimate(HostMeasurement(gpuWatts: Watts(40)))
        #expect(withGPU.method == .model)
        #expect(withGPU.total == modelled + Watts(60))
    }

    @Test func calibratedProfileIsUsedOnlyWithoutMeasurement() {
        var fitted = Self.profile
        fitted.otherWatts = 50
        let calibrated = estimate(nil, calibrated: fitted)
        #expect(calibrated.method == .calibrated)
        #expect(calibrated.total == fitted.power(cores: 4, idleRatio: 0.5, memoryActiveRatio: 0.5))
        #expect(estimate(HostMeasurement(nodeWatts: Watts(10)), calibrated: fitted).method == .node)
    }

    @Test func negativeMeterValuesCountAsZeroNotNegativeEnergy() {
        #expect(estimate(HostMeasurement(nodeWatts: Watts(-5))).total == .zero)
        #expect(estimate(HostMeasurement(packageWatts: Watts(-500))).total == Watts(30 * 1.5))
    }

    @Test func seedFormulaStaysReachableWithZeroIdleFloor() {
        let seed = PowerProfile.seed
        #expect(seed.cpuIdleWattsPerCore == 0)
        #expect(seed.power(cores: 4, idleRatio: 1, memoryActiveRatio: 0) == Watts(seed.otherWatts))
        #expect(PowerProfile().cpuIdleWattsPerCore == PowerProfile.defaultIdleWattsPerCore)
    }
}
