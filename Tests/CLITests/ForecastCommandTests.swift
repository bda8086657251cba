import Model
import Testing

@testable import CLI

@Suite struct ForecastCommandTests {
    @Test func forecastCommandRendersTableAndJSON() {
        let start = 1_795_345_200.0
        let periods = [300.0, 200, 100, 120, 250].enumerated().map { index, value in
            IntensityPeriod(
                start: start + Double(index) * 1_800, end: start + Double(index + 1) * 1_800,
                value: GramsPerKilowattHour(value))
        }
        let forecast = IntensityForecast(periods: periods)
        let table = ForecastCommand.render(
            forecast, provider: "uk", region: "GB", now: start + 600, window: 3_600, format: .table)
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[0] == "Grid region GB (uk), next 24 h from 2026-11-22 11:10Z")
        #expect(lines[2].hasPrefix("2026-11-22 11:00Z  now"))
        #expect(lines[3].contains("+20m") && lines[3].hasSuffix("-33%"))
        #expect(
            lines.last
                == "Best 1h window: 2026-11-22 12:00Z to 2026-11-22 13:00Z, mean 110.0 g/kWh, -63% vs now, starts in 50m"
        )
        let json = ForecastCommand.render(
            forecast, provider: "uk", region: "GB", now: start + 600, window: 3_600, format: .json)
        #expect(json.contains(#""mean_grams_per_kwh": 110"#))
        #expect(json.contains(#""start_timestamp_seconds": 1795348800"#))
        #expect(json.contains(#""grid_region": "GB""#))
        #expect(ForecastCommand.duration(5_400) == "1h30m")
    }

    @Test(arguments: ["45m", "0s", "25h", "soon"])
    func forecastCommandRejectsBadWindows(window: String) {
        #expect(throws: (any Error).self) { try ForecastCommand.parse(["--window", window]) }
    }
}
