import ArgumentParser
import Config
import Foundation
import Grid
import HTTPClient
import Logging
import Model
import PromText
import Readers
import Report
import Runtime

/// Prints a grid region's carbon-intensity forecast for the next 24 hours and the cleanest window to run in.
public struct ForecastCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract:
            "Show the next 24 h of a grid region's carbon-intensity forecast and the best window of a given length."
    )

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        case table
        case json
    }

    @Option(
        name: .customLong("config.file"),
        help: "Configuration whose carbon_intensity section names the regions and providers.")
    public var configFile: String?

    @Option(
        name: .customLong("region"),
        help:
            "Grid region name (a regions[].name, or the default region's grid_region); the default region when omitted."
    )
    public var region: String?

    @Option(
        name: .customLong("window"),
        help: "Length of the window to find, whole half-hours up to 24h (e.g. 30m, 1h, 3h).")
    public var window = "1h"

    @Option(name: .customLong("format"), help: "table or json.")
    public var format = Format.table

    public init() {}

    public func validate() throws {
        guard let seconds = PrometheusDuration.parse(window), seconds > 0, seconds <= IntensityForecast.horizonSeconds,
            seconds.truncatingRemainder(dividingBy: IntensityForecast.slotSeconds) == 0
        else {
            throw ValidationError("--window must be whole half-hours from 30m to 24h, e.g. 1h or 2h30m; got \(window)")
        }
    }

    public func run() throws {
        let configuration: Configuration
        do {
            configuration =
                try configFile.map { path throws(ConfigurationError) in try ConfigurationLoader.load(path: path) }
                ?? Configuration()
        } catch {
            FileHandle.standardError.write(Data(("\(error)" + "\n").utf8))
            throw ExitCode(1)
        }
        let name = region ?? configuration.gridRegion
        guard configuration.gridRegions.contains(where: { $0.name == name }) else {
            let names = configuration.gridRegions.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(Data("unknown grid region \(name); configured: \(names)\n".utf8))
            throw ExitCode(1)
        }
        var handler = StreamLogHandler.standardError(label: "footprint_exporter")
        handler.logLevel = .error
        let logger = Logger(label: "footprint_exporter") { _ in handler }
        let clock = SystemClock()
        let service: CarbonIntensityService
        do {
            service = try CarbonIntensityService(
                configuration: configuration,
                fetcher: try CurlHTTPClient(userAgent: "footprint_exporter/\(BuildInfo.version)"),
                clock: clock, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("cannot start: \(error)\n".utf8))
            throw ExitCode(1)
        }
        service.refreshForecasts()
        guard let (provider, forecast) = service.forecast(region: name) else {
            let chain =
                configuration.gridRegions.first { $0.name == name }?.providers.map(\.rawValue).joined(separator: ", ")
                ?? ""
            FileHandle.standardError.write(
                Data(
                    "no forecast for grid region \(name): none of its providers (\(chain)) publishes one or answered\n"
                        .utf8))
            throw ExitCode(1)
        }
        let length = PrometheusDuration.parse(window) ?? 3_600
        print(
            Self.render(forecast, provider: provider, region: name, now: clock.now(), window: length, format: format),
            terminator: "")
    }

    /// The report for one forecast at `now`: every half-hour of the next 24 h with its value and its change
    /// against the half-hour in progress, then the best window of `window` seconds.
    public static func render(
        _ forecast: IntensityForecast, provider: String, region: String, now: Double, window: Double, format: Format
    ) -> String {
        let slots = forecast.next24Hours(from: now)
        let reference = (slots.first { $0.contains(now) } ?? slots.first)?.value.value
        func relative(_ value: Double) -> Double? {
            guard let reference, reference > 0 else { return nil }
            return value / reference - 1
        }
        let best = forecast.bestWindow(length: window, from: now)
        switch format {
        case .json:
            func span(_ start: Double, _ end: Double, mean: Double, key: String) -> JSONText {
                .sortedObject([
                    "start": .string(time(start)), "end": .string(time(end)),
                    "start_timestamp_seconds": .number(start), key: .number(mean),
                    "relative_to_now": .optional(relative(mean)),
                ])
            }
            var document: [String: JSONText] = [
                "grid_region": .string(region), "provider": .string(provider), "now": .string(time(now)),
                "now_timestamp_seconds": .number(now), "window_seconds": .number(window),
                "periods": .array(
                    slots.map { span($0.start, $0.end, mean: $0.value.value, key: "grams_per_kwh") }),
                "best_window": best.map { span($0.start, $0.end, mean: $0.mean.value, key: "mean_grams_per_kwh") }
                    ?? .null,
                "mean_grams_per_kwh": .optional(forecast.mean(from: now)?.value),
            ]
            if let minimum = forecast.minimum(from: now) {
                document["min"] = .sortedObject([
                    "start": .string(time(minimum.start)), "start_timestamp_seconds": .number(minimum.start),
                    "grams_per_kwh": .number(minimum.value.value),
                ])
            }
            return JSONText.sortedObject(document).rendered()
        case .table:
            var lines = ["Grid region \(region) (\(provider)), next 24 h from \(time(now))"]
            lines.append(
                pad("time (UTC)", 19) + pad("in", 9) + pad("g/kWh", 8, right: true) + pad("vs now", 9, right: true))
            for slot in slots {
                let change = relative(slot.value.value).map(percent) ?? "-"
                lines.append(
                    pad(time(slot.start), 19) + pad(slot.contains(now) ? "now" : "+" + duration(slot.start - now), 9)
                        + pad(SampleValueText.string(slot.value.value.rounded()), 8, right: true)
                        + pad(change, 9, right: true))
            }
            if let best {
                let change = relative(best.mean.value).map { ", \(percent($0)) vs now" } ?? ""
                let starts = best.start <= now ? "now" : "in \(duration(best.start - now))"
                lines.append(
                    "Best \(duration(window)) window: \(time(best.start)) to \(time(best.end)), mean \(String(format: "%.1f", best.mean.value)) g/kWh\(change), starts \(starts)"
                )
            } else {
                lines.append(
                    "No \(duration(window)) window: the forecast has no run of contiguous half-hours that long.")
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    public static func time(_ seconds: Double) -> String {
        UTCDate.formatMinutes(seconds).replacingOccurrences(of: "T", with: " ")
    }

    /// `2h30m` style, whole minutes, rounded up so a future start never reads as "0m".
    public static func duration(_ seconds: Double) -> String {
        let minutes = Int((seconds / 60).rounded(.up))
        let (hours, rest) = (minutes / 60, minutes % 60)
        if hours == 0 { return "\(rest)m" }
        return rest == 0 ? "\(hours)h" : "\(hours)h\(rest)m"
    }

    public static func percent(_ ratio: Double) -> String {
        let value = Int((ratio * 100).rounded())
        return value > 0 ? "+\(value)%" : "\(value)%"
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(width - text.count, 1))
        return right ? padding + text : text + padding
    }
}
