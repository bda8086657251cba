import Model
import Report
import Testing

@Suite struct TimeGridTests {
    static let october = Double(UTCDate.days(year: 2026, month: 10, day: 1)) * 86_400

    @Test func monthsFollowTheCalendar() {
        let grid = TimeGrid(name: "monthly", kind: .month, from: Self.october + 3_600, to: Self.october + 62 * 86_400)
        #expect(grid.count == 3)
        #expect(grid.starts[1] == Double(UTCDate.days(year: 2026, month: 11, day: 1)) * 86_400)
        #expect(grid.ends[1] == Double(UTCDate.days(year: 2026, month: 12, day: 1)) * 86_400)
        #expect(grid.starts[0] == Self.october + 3_600)
    }

    @Test func intervalsAreSpreadByOverlap() {
        let grid = TimeGrid(
            name: "hourly", kind: .fixed(seconds: 3_600, origin: 0), from: Self.october, to: Self.october + 3 * 3_600)
        var shares: [Int: Double] = [:]
        // Half an hour before the span (dropped), then 1 h 30 m inside it.
        grid.distribute(start: Self.october - 1_800, end: Self.october + 5_400) { shares[$0] = $1 }
        #expect(shares == [0: 0.5, 1: 0.25])
        #expect(grid.index(of: Self.october + 3 * 3_600) == nil)
        #expect(grid.index(of: Self.october + 3_599.5) == 0)
    }

    @Test func utcDatesRoundTrip() {
        #expect(UTCDate.parse("2026-10-01T00:00Z") == Self.october)
        #expect(UTCDate.parse("2026-10-01T00:00:30.250Z") == Self.october + 30.25)
        #expect(UTCDate.parse("2026-10-01", allowingDateOnly: true) == Self.october)
        #expect(UTCDate.parse("2026-10-01") == nil)
        #expect(UTCDate.parse("2026-10-01T01:00+01:00") == Self.october)
        #expect(UTCDate.parse("2026-13-01T00:00Z") == nil)
        #expect(UTCDate.parse("2026-10-01T00:00") == nil)
        #expect(UTCDate.format(Self.october + 30.25) == "2026-10-01T00:00:30.250Z")
        #expect(UTCDate.format(UTCDate.monthStart(Self.october + 40 * 86_400)) == "2026-11-01T00:00:00Z")
        #expect(UTCDate.format(UTCDate.nextMonthStart(Self.october + 90 * 86_400)) == "2027-01-01T00:00:00Z")
        for days in [-1, 0, 59, 60, 11_016, 20_727, 730_000] {
            let date = UTCDate.civil(days: days)
            #expect(UTCDate.days(year: date.year, month: date.month, day: date.day) == days)
        }
    }

    @Test func intensityTimelineUsesFallbackOutsidePeriods() {
        let timeline = IntensityTimeline(
            periods: [
                .init(start: 1_800, end: 3_600, value: GramsPerKilowattHour(200)),
                .init(start: 0, end: 1_800, value: GramsPerKilowattHour(100)),
                .init(start: 0, end: 1_800, value: GramsPerKilowattHour(999)),
            ],
            fallback: GramsPerKilowattHour(250))
        #expect(timeline.value(at: 0).value.value == 100)
        #expect(timeline.value(at: 1_800).value.value == 200)
        #expect(timeline.value(at: 3_600) == (GramsPerKilowattHour(250), true))
        #expect(timeline.uncovered(from: -100, to: 4_000).map { [$0.from, $0.to] } == [[-100, 0], [3_600, 4_000]])
        #expect(IntensityTimeline(constant: GramsPerKilowattHour(50)).uncovered(from: 0, to: 10).isEmpty)
    }
}
