import Model
import Testing

@Suite struct CalibrationYAMLTests {
    static func fit(_ profile: String, idle: Double = 2.25, rejection: ProfileFit.Rejection? = nil) -> ProfileFit {
        ProfileFit(
            profile: profile, cpuIdleWattsPerCore: idle, cpuWattsPerCore: 9.500_000_01, otherWatts: 71.123_456,
            idleFitted: true, hosts: 4, intervals: 1440, errorRatio: 0.031_249, fittedAt: 0, rejection: rejection,
            detail: rejection == nil ? "" : "2 measured hosts, at least 3 needed")
    }

    @Test func acceptedFitsBecomeAPowerSectionAndRejectedOnesComments() {
        let text = CalibrationYAML.render([
            Self.fit("gpu-node"), Self.fit("default", idle: 0.7), Self.fit("Artemis (Matlab)", rejection: .tooFewHosts),
        ])
        #expect(
            text == """
                # Power profiles fitted by least squares on whole-node measurements.
                power:
                  default:  # relative RMS residual 0.0312, 4 hosts, 1440 intervals
                    cpu_idle_watts_per_core: 0.7
                    cpu_watts_per_core: 9.5
                    other_watts: 71.123
                  profiles:  # keep each profile's match: as configured
                    - name: gpu-node  # relative RMS residual 0.0312, 4 hosts, 1440 intervals
                      cpu_idle_watts_per_core: 2.25
                      cpu_watts_per_core: 9.5
                      other_watts: 71.123
                # not fitted: "Artemis (Matlab)" (too_few_hosts: 2 measured hosts, at least 3 needed)

                """)
    }

    @Test func nothingFittedIsJustTheHeader() {
        #expect(CalibrationYAML.render([]) == "# Power profiles fitted by least squares on whole-node measurements.\n")
    }

    @Test func aFitWithTheConfiguredIdleFloorSaysSo() {
        var fit = Self.fit("x")
        fit.idleFitted = false
        #expect(CalibrationYAML.render([fit]).contains("idle floor as configured (one core count)"))
    }
}
