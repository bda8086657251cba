import Model
import Testing

@Suite struct IntensityForecastTests {
    static let t0 = 1_795_345_200.0 // 2026-11-22T11:00Z, on a half-hour boundary

    static func halfHours(_ values: [Double], from start: Double = t0) -> [IntensityPeriod] {
        values.enumerated().map { index, value in
            IntensityPeriod(
                start: start + Double(index) * 1_800, end: start + Double(index + 1) * 1_800,
                value: GramsPerKilowattHour(value))
        }
    }

    struct WindowCase: Sendable, CustomTestStringConvertible {
        var values: [Double]
        var nowOffset: Double
        var length: Double
        var start: Double?
        var mean: Double?
        var testDescription: String { "\(values) now+\(nowOffset) length \(length)" }
    }

    static let windowCases: [WindowCase] = [
        // The lowest single half-hour; ties go to the earliest.
        WindowCase(values: [5, 3, 4, 3], nowOffset: 0, length: 1_800, start: 1_800, mean: 3),
        // A 1 h window: pairs (5,3)=4 (3,4)=3.5 (4,1)=2.5.
        WindowCase(values: [5, 3, 4, 1], nowOffset: 0, length: 3_600, start: 3_600, mean: 2.5),
        // Rounded up to whole half-hours: 45 min is 2 slots.
        WindowCase(values: [5, 3, 4, 1], nowOffset: 0, length: 2_700, start: 3_600, mean: 2.5),
        // The half-hour in progress counts; the one already over does not.
        WindowCase(values: [1, 9, 9, 2], nowOffset: 1_900, length: 1_800, start: 5_400, mean: 2),
        WindowCase(values: [9, 1, 9], nowOffset: 1_799, length: 1_800, start: 1_800, mean: 1),
        // Longer than the forecast: no window.
        WindowCase(values: [1, 2], nowOffset: 0, length: 5_400, start: nil, mean: nil),
        // The whole day: mean of all 48 half-hours.
        WindowCase(
            values: Array(repeating: 2, count: 24) + Array(repeating: 4, count: 24), nowOffset: 0, length: 86_400,
            start: 0, mean: 3),
    ]

    @Test(arguments: windowCases)
    func bestWindow(_ item: WindowCase) {
        let forecast = IntensityForecast(periods: Self.halfHours(item.values))
        let window = forecast.bestWindow(length: item.length, from: Self.t0 + item.nowOffset)
        #expect(window?.start == item.start.map { Self.t0 + $0 })
        #expect(window?.mean.value == item.mean)
        if let window { #expect(window.end - window.start == (item.length / 1_800).rounded(.up) * 1_800) }
    }

    @Test func windowsNeverSpanAGap() {
        var periods = Self.halfHours([1, 1], from: Self.t0)
        periods += Self.halfHours([1, 5, 5], from: Self.t0 + 3 * 1_800) // 12:00-12:30 missing
        let window = IntensityForecast(periods: periods).bestWindow(length: 3_600, from: Self.t0)
        #expect(window?.start == Self.t0)
        let three = IntensityForecast(periods: periods).bestWindow(length: 5_400, from: Self.t0)
        #expect(three?.start == Self.t0 + 3 * 1_800)
        #expect(three?.mean.value == (1 + 5 + 5) / 3.0)
    }

    @Test func hourlyPeriodsAreTwoHalfHours() {
        let hourly = [
            IntensityPeriod(start: Self.t0, end: Self.t0 + 3_600, value: GramsPerKilowattHour(100)),
            IntensityPeriod(start: Self.t0 + 3_600, end: Self.t0 + 7_200, value: GramsPerKilowattHour(50)),
        ]
        let forecast = IntensityForecast(periods: hourly)
        #expect(forecast.slots.map(\.value.value) == [100, 100, 50, 50])
        #expect(forecast.bestWindow(length: 3_600, from: Self.t0)?.start == Self.t0 + 3_600)
        #expect(forecast.minimum(from: Self.t0)?.start == Self.t0 + 3_600)
    }

    struct SummaryCase: Sendable, CustomTestStringConvertible {
        var values: [Double]
        var nowOffset: Double
        var minimum: Double?
        var minimumStart: Double?
        var mean: Double?
        var testDescription: String { "\(values) now+\(nowOffset)" }
    }

    static let summaryCases: [SummaryCase] = [
        SummaryCase(values: [4, 2, 6], nowOffset: 0, minimum: 2, minimumStart: 1_800, mean: 4),
        // Now is 10 minutes into the first half-hour: it weighs 20 minutes.
        SummaryCase(
            values: [10, 40], nowOffset: 600, minimum: 10, minimumStart: 0, mean: (10 * 1_200 + 40 * 1_800) / 3_000),
        // Past half-hours are left out; the 24 h horizon cuts the last one in progress.
        SummaryCase(
            values: [1] + Array(repeating: 3, count: 50), nowOffset: 1_800, minimum: 3, minimumStart: 1_800, mean: 3),
        SummaryCase(values: [1, 2], nowOffset: 3_600, minimum: nil, minimumStart: nil, mean: nil),
    ]

    @Test(arguments: summaryCases)
    func minimumAndMean(_ item: SummaryCase) {
        let forecast = IntensityForecast(periods: Self.halfHours(item.values))
        let now = Self.t0 + item.nowOffset
        #expect(forecast.minimum(from: now)?.value.value == item.minimum)
        #expect(forecast.minimum(from: now)?.start == item.minimumStart.map { Self.t0 + $0 })
        if let expected = item.mean {
            #expect(abs((forecast.mean(from: now)?.value ?? .nan) - expected) < 1e-9)
        } else {
            #expect(forecast.mean(from: now) == nil)
        }
    }

    @Test func horizonIsTwentyFourHours() {
        let forecast = IntensityForecast(periods: Self.halfHours(Array(repeating: 5, count: 48) + [1]))
        #expect(forecast.next24Hours(from: Self.t0).count == 48)
        #expect(forecast.minimum(from: Self.t0)?.value.value == 5)
        #expect(forecast.minimum(from: Self.t0 + 1)?.value.value == 1)
    }
}
