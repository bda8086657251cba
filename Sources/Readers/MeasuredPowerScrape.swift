import Model
import PromText

/// Reads measured power from one scraped exposition (scrape mode): the node_exporter target's RAPL families,
/// or an extra target of the host (dcgm-exporter, ipmi_exporter, nvidia_gpu_exporter).
public enum MeasuredPowerScrape {
    /// The host's measured families in `body`; an exposition without any gives an empty sample.
    ///
    /// - Parameters:
    ///   - host: the join key the sample is filed under (the caller knows which host the target belongs to).
    ///   - timestamp: when the scrape was answered; a scrape's samples carry no time of their own.
    /// - Throws: `ReaderError.malformed` when the exposition does not parse.
    public static func sample(
        from body: [UInt8], format: ExpositionFormat = .text, families: MeasuredPowerFamilies = MeasuredPowerFamilies(),
        host: String, timestamp: Double
    ) throws(ReaderError) -> PowerSample {
        let parsed: [MetricFamily]
        do {
            parsed = try TextParser.parse(body, families: families.metricNames, format: format)
        } catch {
            throw .malformed("\(host): \(error)")
        }
        return sample(from: parsed, families: families, host: host, timestamp: timestamp)
    }

    /// The same from families already parsed (e.g. together with the node_exporter families of one scrape).
    public static func sample(
        from parsed: [MetricFamily], families: MeasuredPowerFamilies = MeasuredPowerFamilies(), host: String,
        timestamp: Double
    ) -> PowerSample {
        read(parsed, families: families, host: host, timestamp: timestamp).sample
    }

    /// A scrape's sample and how many of its series were skipped (a value not finite, or negative).
    public struct Result: Sendable, Equatable {
        public var sample: PowerSample
        public var invalidSeries: Int
    }

    /// The sample with the count of skipped series, for a counted skip in the collector's log and status.
    public static func read(
        _ parsed: [MetricFamily], families: MeasuredPowerFamilies = MeasuredPowerFamilies(), host: String,
        timestamp: Double
    ) -> Result {
        var result = Result(sample: PowerSample(host: host, timestamp: timestamp), invalidSeries: 0)
        for metric in parsed {
            guard let family = families.family(named: metric.name) else { continue }
            for series in metric.samples where series.name == metric.name {
                var labels: [String: String] = [:]
                for label in series.labels.labels { labels[label.name] = label.value }
                if !MeasuredPowerFamilies.add(
                    family, value: series.value, labels: labels, sampleTime: nil, to: &result.sample)
                {
                    result.invalidSeries += 1
                }
            }
        }
        return result
    }
}
