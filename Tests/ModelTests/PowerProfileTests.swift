import Model
import Testing

@Suite struct PowerProfileTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var profile: PowerProfile
        var cores: Double
        var idleRatio: Double
        var memoryActiveRatio: Double
        var watts: Double
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "all idle, no memory: only other", profile: .seed, cores: 2, idleRatio: 1,
            memoryActiveRatio: 0, watts: 20),
        Case(
            name: "all busy, all memory", profile: .seed, cores: 2, idleRatio: 0, memoryActiveRatio: 1,
            watts: 45),
        Case(
            name: "quarter idle, half memory", profile: .seed, cores: 2, idleRatio: 0.25,
            memoryActiveRatio: 0.5, watts: 37.5),
        Case(
            name: "original poller formula cores x tdp x (1 - idle)",
            profile: PowerProfile(cpuWattsPerCore: 15, cpuIdleWattsPerCore: 0, ramWatts: 0, otherWatts: 0),
            cores: 4, idleRatio: 0.6, memoryActiveRatio: 0.9, watts: 24
        ),
        Case(
            name: "idle floor per core",
            profile: PowerProfile(cpuWattsPerCore: 15, cpuIdleWattsPerCore: 5, ramWatts: 0, otherWatts: 0),
            cores: 4, idleRatio: 0.5, memoryActiveRatio: 0, watts: 40
        ),
        Case(
            name: "idle floor, fully idle",
            profile: PowerProfile(cpuWattsPerCore: 15, cpuIdleWattsPerCore: 5, ramWatts: 0, otherWatts: 0),
            cores: 4, idleRatio: 1, memoryActiveRatio: 0, watts: 20
        ),
        Case(
            name: "pue scales everything", profile: PowerProfile(pue: 1.5), cores: 2, idleRatio: 0,
            memoryActiveRatio: 1, watts: 67.5),
        Case(
            name: "idle above 1 is clamped", profile: .seed, cores: 2, idleRatio: 1.2, memoryActiveRatio: 0,
            watts: 20),
        Case(
            name: "negative idle is clamped", profile: .seed, cores: 2, idleRatio: -0.1, memoryActiveRatio: 0,
            watts: 40),
        Case(
            name: "NaN ratios count as 0", profile: .seed, cores: 2, idleRatio: .nan, memoryActiveRatio: .nan,
            watts: 40),
        Case(
            name: "no cores: no CPU power", profile: .seed, cores: 0, idleRatio: 0, memoryActiveRatio: 0,
            watts: 20),
    ]

    @Test(arguments: cases)
    func power(_ example: Case) {
        let watts = example.profile.power(
            cores: example.cores,
            idleRatio: example.idleRatio,
            memoryActiveRatio: example.memoryActiveRatio
        )
        #expect(watts.value == example.watts)
    }

    @Test func unitConversions() {
        #expect((Watts(100) * Seconds(60)).value == 6000)
        #expect(Joules(3_600_000).kilowattHours == 1)
        #expect((GramsPerKilowattHour(200) * Joules(3_600_000)).value == 200)
    }
}
