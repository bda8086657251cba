import Foundation
import Model
import Synchronization

/// Reads a carbon-intensity time series a site maintains itself: a CSV or JSON file of half-hourly or hourly
/// values in g/kWh. The value whose period contains now is in force; the file is parsed again whenever its
/// modification time or size changes.
///
/// CSV (`.csv`): `start,grams_per_kwh[,end]` per line; a header line, blank lines and `#` comments are
/// skipped; an empty value is a gap. JSON (any other name): a list of
/// `{"start": …, "end": …, "grams_per_kwh": …}` (`end` optional, value may be null), or an object with that
/// list under `data`. Times are ISO 8601 with `Z` or an offset, or Unix seconds. Without `end`, each period
/// lasts the file's step: the smallest distance between successive starts, which must be 30 or 60 minutes.
public struct IntensityFileReader: CarbonIntensityReading, CarbonIntensityForecasting {
    public let path: String
    private let cache = ParsedFile()

    public init(path: String) {
        self.path = path
    }

    public var url: String { path }

    public func read(now: Double) throws(ReaderError) -> GramsPerKilowattHour {
        let periods = try load()
        guard let current = periods.first(where: { $0.contains(now) }) else {
            throw .noData("\(path): no period contains the current time")
        }
        return current.value
    }

    public func forecast(now: Double) throws(ReaderError) -> [IntensityPeriod] {
        let periods = try load().filter { $0.end > now }
        guard !periods.isEmpty else { throw .noData("\(path): no periods from now on") }
        return periods
    }

    /// The parsed periods, from the cache while the file is unchanged.
    func load() throws(ReaderError) -> [IntensityPeriod] {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw ReaderError(.transport, "cannot read \(path): \(error.localizedDescription)")
        }
        let stamp =
            "\((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)/\((attributes[.size] as? NSNumber)?.intValue ?? -1)"
        if let cached = cache.periods(for: stamp) { return cached }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReaderError(.transport, "cannot read \(path)")
        }
        let periods = try Self.parse(Array(data), csv: path.lowercased().hasSuffix(".csv"), name: path)
        cache.store(periods, for: stamp)
        return periods
    }

    struct Row {
        var line: Int
        var start: Double
        var end: Double?
        var value: Double?
    }

    static func parse(_ bytes: [UInt8], csv: Bool, name: String) throws(ReaderError) -> [IntensityPeriod] {
        let rows = csv ? try csvRows(bytes, name: name) : try jsonRows(bytes, name: name)
        let starts = rows.map(\.start).sorted()
        let gaps = zip(starts.dropFirst(), starts).map { $0 - $1 }.filter { $0 > 0 }
        let step = gaps.min()
        var periods: [IntensityPeriod] = []
        for row in rows {
            guard let value = row.value else { continue }
            guard CarbonIntensity.isPlausible(value) else {
                throw .outOfRange("\(name):\(row.line): \(value) g/kWh")
            }
            let end: Double
            if let explicit = row.end {
                guard explicit > row.start else { throw .malformed("\(name):\(row.line): end is not after start") }
                end = explicit
            } else if let step, step == 1_800 || step == 3_600 {
                end = row.start + step
            } else {
                throw .malformed(
                    "\(name):\(row.line): no end given and the step between starts is not 30 or 60 minutes")
            }
            periods.append(IntensityPeriod(start: row.start, end: end, value: GramsPerKilowattHour(value)))
        }
        guard !periods.isEmpty else { throw .noData("\(name): no values") }
        return periods.sorted { $0.start < $1.start }
    }

    static func time(_ text: String) -> Double? {
        if let seconds = Double(text), seconds.isFinite, seconds > 0 { return seconds }
        return UTCDate.parse(text)
    }

    static func csvRows(_ bytes: [UInt8], name: String) throws(ReaderError) -> [Row] {
        var rows: [Row] = []
        for (index, rawLine) in String(decoding: bytes, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false
        ).enumerated() {
            let line = String(rawLine).trimmingSpaces
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            guard let start = time(fields[0]) else {
                if rows.isEmpty && fields[0].lowercased().contains("start") { continue } // the header
                throw .malformed("\(name):\(index + 1): \"\(fields[0])\" is not a time")
            }
            guard fields.count == 2 || fields.count == 3 else {
                throw .malformed("\(name):\(index + 1): expected start,grams_per_kwh[,end]")
            }
            var row = Row(line: index + 1, start: start)
            if !fields[1].isEmpty {
                guard let value = Double(fields[1]) else {
                    throw .malformed("\(name):\(index + 1): \"\(fields[1])\" is not a number")
                }
                row.value = value
            }
            if fields.count == 3, !fields[2].isEmpty {
                guard let end = time(fields[2]) else {
                    throw .malformed("\(name):\(index + 1): \"\(fields[2])\" is not a time")
                }
                row.end = end
            }
            rows.append(row)
        }
        return rows
    }

    static func jsonRows(_ bytes: [UInt8], name: String) throws(ReaderError) -> [Row] {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw .malformed("\(name): not JSON: \(error.localizedDescription)")
        }
        guard let items = (root as? [Any]) ?? ((root as? [String: Any])?["data"] as? [Any]) else {
            throw .malformed("\(name): expected a list of {start, grams_per_kwh} objects")
        }
        var rows: [Row] = []
        for (index, item) in items.enumerated() {
            // JSON has no line numbers worth keeping; the entry's position is reported instead.
            guard let object = item as? [String: Any] else {
                throw .malformed("\(name): entry \(index) is not an object")
            }
            func timeField(_ key: String) -> Double? {
                if let number = object[key] as? NSNumber, !(object[key] is Bool) { return number.doubleValue }
                return (object[key] as? String).flatMap(time)
            }
            guard let start = timeField("start") else { throw .malformed("\(name): entry \(index) has no valid start") }
            var row = Row(line: index, start: start)
            if object["end"] != nil, !(object["end"] is NSNull) {
                guard let end = timeField("end") else { throw .malformed("\(name): entry \(index) has an invalid end") }
                row.end = end
            }
            switch object["grams_per_kwh"] {
            case nil, is NSNull: break
            case let number as NSNumber where !(object["grams_per_kwh"] is Bool): row.value = number.doubleValue
            default: throw .malformed("\(name): entry \(index): grams_per_kwh is not a number")
            }
            rows.append(row)
        }
        return rows
    }
}

/// The last parse of the file and the modification stamp it belongs to.
private final class ParsedFile: Sendable {
    private let state = Mutex<(stamp: String, periods: [IntensityPeriod])?>(nil)

    func periods(for stamp: String) -> [IntensityPeriod]? {
        state.withLock { $0?.stamp == stamp ? $0?.periods : nil }
    }

    func store(_ periods: [IntensityPeriod], for stamp: String) {
        state.withLock { $0 = (stamp, periods) }
    }
}
