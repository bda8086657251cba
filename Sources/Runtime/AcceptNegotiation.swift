import PromText

/// Picks the exposition format from an HTTP Accept header.
///
/// Media ranges are weighed by their q-values (Prometheus' scrapers send several with weights); OpenMetrics
/// is chosen only when it is weighted above the classic text format. Without an Accept header the classic
/// text format is sent, as every scraper understands it.
public enum AcceptNegotiation {
    public static func format(forAccept accept: String?) -> ExpositionFormat {
        guard let accept, !accept.isEmpty else { return .text }
        var openMetrics = 0.0
        var text = 0.0
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let mediaType = parts.first else { continue }
            var quality = 1.0
            var version: String?
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { continue }
                if pair[0] == "q" { quality = Double(pair[1]) ?? 0 }
                if pair[0] == "version" { version = pair[1] }
            }
            switch mediaType {
            case "application/openmetrics-text" where version == nil || version == "1.0.0":
                openMetrics = max(openMetrics, quality)
            case "text/plain" where version == nil || version == "0.0.4":
                text = max(text, quality)
            case "*/*", "text/*":
                text = max(text, quality)
            default:
                continue
            }
        }
        return openMetrics > 0 && openMetrics > text ? .openMetrics : .text
    }
}
