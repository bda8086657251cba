/// An instant-vector answer decoded down to the labels a reader names, in columns.
///
/// A reader that needs one or two labels of each series (the host of a per-host sum, a GPU's UUID) gets them
/// without a label set per series: on a 10,000-host answer that is 10,000 dictionaries and their strings less to
/// allocate, hold and free.
public struct PrometheusVectorColumns: Sendable, Equatable {
    /// The labels kept, in the order asked for.
    public let labelNames: [String]
    /// Row-major: the value of `labelNames[column]` in series `row` is at `row * labelNames.count + column`;
    /// nil where the series lacks the label.
    public private(set) var labelValues: [String?] = []
    public private(set) var timestamps: [Double] = []
    public private(set) var values: [Double] = []
    public var warnings: [String] = []
    /// Whether every label value is exactly the bytes between its quotes in the JSON it was decoded from (none
    /// had an escape), so that a decoder expecting this answer again can compare the next answer's bytes with
    /// it before scanning them. Set by the decoder only: columns built otherwise are not taken to be.
    var labelsAreVerbatim = false

    public init(labelNames: [String]) {
        self.labelNames = labelNames
    }

    /// The number of series.
    public var count: Int { values.count }

    /// The series in `rows` of these columns, in that order (rows out of range are left out).
    public func rows(_ rows: some Sequence<Int>) -> PrometheusVectorColumns {
        var picked = PrometheusVectorColumns(labelNames: labelNames)
        for row in rows where row >= 0 && row < count {
            picked.append(
                (0..<labelNames.count).map { label(row, $0) }, timestamp: timestamps[row], value: values[row])
        }
        return picked
    }

    /// The value of the label in `column` of series `row`; nil where it lacks the label.
    public func label(_ row: Int, _ column: Int) -> String? {
        labelValues[row * labelNames.count + column]
    }

    /// Room for `rows` series without growing.
    mutating func reserveCapacity(rows: Int) {
        labelValues.reserveCapacity(rows * labelNames.count)
        timestamps.reserveCapacity(rows)
        values.reserveCapacity(rows)
    }

    /// Adds a series: its values of `labelNames`, in that order.
    public mutating func append(_ labels: [String?], timestamp: Double, value: Double) {
        precondition(labels.count == labelNames.count, "a series has a value (or nil) for each kept label")
        labelValues.append(contentsOf: labels)
        timestamps.append(timestamp)
        values.append(value)
    }

    // A row being decoded: its label values are appended (nil) first and set one by one, its time and value
    // last, so a decoder needs no row of its own to copy in.

    /// Opens a row with every label absent.
    mutating func openRow() {
        for _ in 0..<labelNames.count { labelValues.append(nil) }
    }

    /// Sets the label in `column` of the open row.
    mutating func setOpenRowLabel(_ column: Int, _ value: String) {
        labelValues[labelValues.count - labelNames.count + column] = value
    }

    /// Makes every label of the open row absent again.
    mutating func clearOpenRow() {
        for slot in (labelValues.count - labelNames.count)..<labelValues.count { labelValues[slot] = nil }
    }

    /// Completes the open row with its sample.
    mutating func closeRow(timestamp: Double, value: Double) {
        timestamps.append(timestamp)
        values.append(value)
    }

    /// Drops the open row (a series without a float sample).
    mutating func dropOpenRow() {
        labelValues.removeLast(labelNames.count)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.labelNames == rhs.labelNames && lhs.labelValues == rhs.labelValues && lhs.timestamps == rhs.timestamps
            && lhs.warnings == rhs.warnings
            && lhs.values.elementsEqual(rhs.values) { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
}
