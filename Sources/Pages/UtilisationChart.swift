/// The utilisation stack of the last 24 hours as inline SVG: cores known, cores of hosts up, and the busy and
/// idle cores stacked under it, one column per hour. Hours without data are left blank and said so.
public enum UtilisationChart {
    static let width = 720.0
    static let height = 240.0
    static let left = 48.0
    static let bottom = 24.0
    static let top = 12.0

    public static func svg(_ utilisation: PageData.Utilisation, titleID: String) -> String {
        let hours = utilisation.hours
        let peak = max(utilisation.coresKnown, hours.compactMap(\.upCores).max() ?? 0, 1)
        let plotWidth = width - left - 8
        let plotHeight = height - top - bottom
        let column = plotWidth / Double(max(hours.count, 1))
        func y(_ cores: Double) -> Double { top + plotHeight * (1 - cores / peak) }
        var out = """
            <svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="\(titleID) \(titleID)-desc" \
            xmlns="http://www.w3.org/2000/svg">
            <title id="\(titleID)">Cores over the last 24 hours</title>
            <desc id="\(titleID)-desc">\(description(utilisation))</desc>

            """
        out += "<line class=\"axis\" x1=\"\(left)\" y1=\"\(y(0))\" x2=\"\(width - 8)\" y2=\"\(y(0))\"/>\n"
        out += "<text x=\"4\" y=\"\(y(peak) + 4)\">\(HTML.readable(peak))</text>\n"
        out += "<text x=\"4\" y=\"\(y(0))\">0</text>\n"
        var upPoints: [String] = []
        for (index, hour) in hours.enumerated() {
            let x = left + Double(index) * column
            guard let busy = hour.busyCores else { continue }
            let idle = hour.idleCores ?? 0
            let label = "\(HTML.time(hour.start)): \(HTML.readable(busy)) busy, \(HTML.readable(idle)) idle cores"
            out += "<g><title>\(HTML.escape(label))</title>"
            out += rect(x, y(busy), column, y(0) - y(busy), "busy")
            out += rect(x, y(busy + idle), column, y(busy) - y(busy + idle), "idle")
            out += "</g>\n"
            upPoints.append("\(fmt(x)),\(fmt(y(busy + idle))) \(fmt(x + column)),\(fmt(y(busy + idle)))")
        }
        if !upPoints.isEmpty {
            out += "<polyline class=\"up\" points=\"\(upPoints.joined(separator: " "))\"/>\n"
        }
        out += "<line class=\"known\" x1=\"\(left)\" y1=\"\(fmt(y(utilisation.coresKnown)))\" x2=\"\(width - 8)\" "
        out += "y2=\"\(fmt(y(utilisation.coresKnown)))\"/>\n"
        if let first = hours.first, let last = hours.last {
            out += "<text x=\"\(left)\" y=\"\(height - 6)\">\(HTML.escape(HTML.time(first.start)))</text>\n"
            out += "<text x=\"\(width - 8)\" y=\"\(height - 6)\" text-anchor=\"end\">"
            out += "\(HTML.escape(HTML.time(last.start)))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// The chart in words, for screen readers.
    static func description(_ utilisation: PageData.Utilisation) -> String {
        let withData = utilisation.hours.filter { $0.busyCores != nil }
        guard !withData.isEmpty else {
            return "No usage history for the last 24 hours; \(HTML.readable(utilisation.coresKnown)) cores known."
        }
        let busy = withData.compactMap(\.busyCores).reduce(0, +) / Double(withData.count)
        let up = withData.compactMap(\.upCores).reduce(0, +) / Double(withData.count)
        return
            "\(HTML.readable(utilisation.coresKnown)) cores known; on average \(HTML.readable(up)) cores of hosts up, "
            + "\(HTML.readable(busy)) of them busy, over \(withData.count) hours with data."
    }

    private static func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, _ kind: String) -> String {
        guard height > 0 else { return "" }
        return
            "<rect class=\"\(kind)\" x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(width))\" height=\"\(fmt(height))\"/>"
    }

    private static func fmt(_ value: Double) -> String { HTML.fixed(value, 1) }
}
