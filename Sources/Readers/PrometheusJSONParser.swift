import PromText

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A single-pass reader of the Prometheus `/api/v1/query` envelope over raw bytes.
///
/// Only what the exporter reads becomes Swift values; everything else is checked as JSON (structure,
/// escapes, numbers; UTF-8 only in strings that are kept) and skipped without allocating. Errors are
/// `.malformed` with the byte offset where reading stopped.
///
/// Mutating calls are kept out of the arguments of non-mutating ones (`let span = try scanString()` first):
/// nested, Swift copies the whole parser for each call.
struct PrometheusJSONParser {
    /// Deepest nesting accepted inside skipped values; iteration, not recursion, so this only bounds work.
    static let maxSkipDepth = 64
    /// Distinct label names kept for sharing; fleets have a handful, hostile input must not grow it.
    static let maxInternedNames = 64

    /// Empty label sets by capacity: copying one is cheaper than `init(minimumCapacity:)`, which looks up
    /// generic metadata on every call.
    private static let emptyLabelSets = (0..<16).map { [String: String](minimumCapacity: $0) }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// The unescaped text of the last string that had escapes (reused: one buffer per decode).
    private var scratch: [UInt8] = []
    /// Label names already made into Strings, by their first occurrence in the body.
    private var nameSpans: [(start: Int, count: Int)] = []
    private var nameStrings: [String] = []
    /// The last value read for each interned name: series of one target repeat it (e.g. `instance` per mode).
    private var lastValues: [(start: Int, count: Int, text: String)] = []
    /// Labels of the series being read; slots are overwritten rather than cleared, which is cheaper.
    private var pairs: [(String, String)] = []
    /// Sample times are usually one value repeated for every series: parse it once.
    private var lastTime: (start: Int, count: Int, value: Double) = (0, 0, 0)
    /// The label names a column decode keeps (nil: every label, in a label set per series).
    private let selection: [String]?
    /// For each interned name, its column in `selection` (-1 when not kept).
    private var columnOfSlot: [Int] = []
    /// The previous answer to the same query (the same labels kept), whose values this one's are expected to
    /// repeat series by series: a value read where expected is that String, not a new one.
    private let expected: PrometheusVectorColumns?
    /// Where in `expected` the current series is looked for, relative to its own index: a series missing from
    /// this answer, or a new one, moves it by one.
    private var expectedShift = 0
    /// The index of the series being read in a column decode (its row, once appended).
    private var seriesIndex = 0
    /// Whether the open row of a column decode has had labels set (a `metric` object read).
    private var rowHasLabels = false

    init(
        _ bytes: UnsafeBufferPointer<UInt8>, keepingOnly selection: [String]? = nil,
        expecting expected: PrometheusVectorColumns? = nil
    ) {
        self.bytes = bytes
        self.selection = selection
        self.expected = expected?.labelNames == selection ? expected : nil
    }

    /// A string's contents: a range of the body, or `scratch` when it had escapes.
    private struct Span {
        var start: Int
        var end: Int
        var escaped: Bool
        /// No byte above 0x7F: valid UTF-8 without a further check.
        var ascii: Bool
    }

    private struct VectorData {
        var resultType: String
        var samples: [PrometheusQueryResponse.VectorSample]
        var series: [PrometheusMatrixResponse.Series] = []
        var columns: PrometheusVectorColumns?
    }

    // MARK: Envelope

    mutating func parseResponse() throws(ReaderError) -> PrometheusQueryResponse {
        let (data, warnings) = try parseEnvelope()
        guard data.resultType == "vector" else { throw .malformed("expected a vector result, got \(data.resultType)") }
        return PrometheusQueryResponse(samples: data.samples, warnings: warnings)
    }

    /// An instant-vector answer with only the `selection` labels of each series, in columns.
    mutating func parseColumnsResponse() throws(ReaderError) -> PrometheusVectorColumns {
        let (data, warnings) = try parseEnvelope()
        guard data.resultType == "vector" else { throw .malformed("expected a vector result, got \(data.resultType)") }
        var columns = data.columns ?? PrometheusVectorColumns(labelNames: selection ?? [])
        columns.warnings = warnings
        return columns
    }

    /// The envelope of a `query_range` answer: a matrix, each series with its points in time order.
    mutating func parseMatrixResponse() throws(ReaderError) -> PrometheusMatrixResponse {
        let (data, warnings) = try parseEnvelope()
        guard data.resultType == "matrix" else { throw .malformed("expected a matrix result, got \(data.resultType)") }
        return PrometheusMatrixResponse(series: data.series, warnings: warnings)
    }

    private mutating func parseEnvelope() throws(ReaderError) -> (VectorData, [String]) {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        guard try nextByte() == UInt8(ascii: "{") else { throw failure("expected a JSON object") }
        index += 1
        var status: String?
        var errorType: String?
        var errorText: String?
        var warnings: [String] = []
        var data: VectorData?
        if try startContainer(close: UInt8(ascii: "}")) {
            repeat {
                let key = try readKey()
                if equals(key, "status") {
                    status = try readString("status")
                } else if equals(key, "data") {
                    data = try parseData()
                } else if equals(key, "errorType") {
                    errorType = try readOptionalString("errorType")
                } else if equals(key, "error") {
                    errorText = try readOptionalString("error")
                } else if equals(key, "warnings") {
                    warnings = try readOptionalStrings("warnings")
                } else {
                    try skipValue()
                }
            } while try nextInContainer(close: UInt8(ascii: "}"))
        }
        skipWhitespace()
        guard index == bytes.count else { throw failure("unexpected data after the response") }
        guard let status else { throw .malformed("missing key status") }
        if status != "success" {
            throw .upstreamError("\(errorType ?? "unknown"): \(errorText ?? "no error message")")
        }
        guard let data else { throw .malformed("success without data") }
        return (data, warnings)
    }

    private mutating func parseData() throws(ReaderError) -> VectorData? {
        let first = try nextByte()
        if first == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        guard first == UInt8(ascii: "{") else { throw failure("data is not an object") }
        index += 1
        var resultType: String?
        var samples: [PrometheusQueryResponse.VectorSample] = []
        var series: [PrometheusMatrixResponse.Series] = []
        var columns: PrometheusVectorColumns?
        var sawResult = false
        // `result` before `resultType`: its shape is unknown until the type is, so it is read afterwards.
        var deferredResult: Int?
        if try startContainer(close: UInt8(ascii: "}")) {
            repeat {
                let key = try readKey()
                if equals(key, "resultType") {
                    resultType = try readString("resultType")
                } else if equals(key, "result") {
                    sawResult = true
                    if let resultType {
                        deferredResult = nil
                        if resultType == "vector" {
                            if selection != nil {
                                columns = try parseVectorColumns()
                            } else {
                                samples = try parseVector()
                            }
                        } else if resultType == "matrix" {
                            series = try parseMatrix()
                        } else {
                            try skipValue()
                        }
                    } else {
                        deferredResult = index
                        try skipValue()
                    }
                } else {
                    try skipValue()
                }
            } while try nextInContainer(close: UInt8(ascii: "}"))
        }
        guard let resultType else { throw .malformed("missing key resultType in data") }
        if resultType == "vector" || resultType == "matrix" {
            guard sawResult else { throw .malformed("missing key result in data") }
            if let deferredResult {
                let resume = index
                index = deferredResult
                if resultType == "matrix" {
                    series = try parseMatrix()
                } else if selection != nil {
                    columns = try parseVectorColumns()
                } else {
                    samples = try parseVector()
                }
                index = resume
            }
        }
        return VectorData(resultType: resultType, samples: samples, series: series, columns: columns)
    }

    private mutating func parseMatrix() throws(ReaderError) -> [PrometheusMatrixResponse.Series] {
        try parseResultArray { parser throws(ReaderError) in try parser.parseRangeSeries() }
    }

    /// The `result` array, one element per series; series the element parser returns nil for are left out.
    private mutating func parseResultArray<Element>(
        _ element: (inout Self) throws(ReaderError) -> Element?
    ) throws(ReaderError) -> [Element] {
        guard try nextByte() == UInt8(ascii: "[") else { throw failure("result is not an array") }
        index += 1
        var result: [Element] = []
        if try startContainer(close: UInt8(ascii: "]")) {
            repeat {
                if let one = try element(&self) { result.append(one) }
            } while try nextInContainer(close: UInt8(ascii: "]"))
        }
        return result
    }

    /// One matrix series; nil for a native-histogram series (`histograms` only), as for vectors.
    private mutating func parseRangeSeries() throws(ReaderError) -> PrometheusMatrixResponse.Series? {
        let series = try parseSeriesObject(
            sampleKey: "values", histogramKey: "histograms",
            labels: { parser throws(ReaderError) in try parser.parseLabels() },
            sample: { parser throws(ReaderError) in
                guard try parser.nextByte() == UInt8(ascii: "[") else { throw parser.failure("values is not an array") }
                parser.index += 1
                var points: [PrometheusMatrixResponse.Point] = []
                if try parser.startContainer(close: UInt8(ascii: "]")) {
                    repeat {
                        let point = try parser.parsePoint()
                        points.append(PrometheusMatrixResponse.Point(time: point.time, value: point.value))
                    } while try parser.nextInContainer(close: UInt8(ascii: "]"))
                }
                return points
            })
        return series.map { PrometheusMatrixResponse.Series(labels: $0.labels, points: $0.sample) }
    }

    private mutating func parseVector() throws(ReaderError) -> [PrometheusQueryResponse.VectorSample] {
        try parseResultArray { parser throws(ReaderError) in try parser.parseSeries() }
    }

    /// One series; nil for a native-histogram series (`histogram` instead of `value`), which has no float
    /// sample to read and is left out rather than failing the whole response.
    private mutating func parseSeries() throws(ReaderError) -> PrometheusQueryResponse.VectorSample? {
        let series = try parseSeriesObject(
            sampleKey: "value", histogramKey: "histogram",
            labels: { parser throws(ReaderError) in try parser.parseLabels() },
            sample: { parser throws(ReaderError) in try parser.parsePoint() })
        return series.map {
            PrometheusQueryResponse.VectorSample(labels: $0.labels, timestamp: $0.sample.time, value: $0.sample.value)
        }
    }

    /// The `result` array of a vector, keeping only the selected labels of each series, which are written
    /// straight into the columns' next row: a row array in between cost a generic copy of its values per series.
    private mutating func parseVectorColumns() throws(ReaderError) -> PrometheusVectorColumns {
        var columns = PrometheusVectorColumns(labelNames: selection ?? [])
        columns.labelsAreVerbatim = true
        // The previous answer's size is this one's, give or take a host.
        columns.reserveCapacity(rows: expected?.count ?? 0)
        guard try nextByte() == UInt8(ascii: "[") else { throw failure("result is not an array") }
        index += 1
        if try startContainer(close: UInt8(ascii: "]")) {
            repeat {
                columns.openRow()
                rowHasLabels = false
                let series = try parseSeriesObject(
                    sampleKey: "value", histogramKey: "histogram",
                    labels: { parser throws(ReaderError) in try parser.parseSelectedLabels(into: &columns) },
                    sample: { parser throws(ReaderError) in try parser.parsePoint() })
                if let series {
                    columns.closeRow(timestamp: series.sample.time, value: series.sample.value)
                    seriesIndex += 1
                } else {
                    columns.dropOpenRow()
                }
            } while try nextInContainer(close: UInt8(ascii: "]"))
        }
        return columns
    }

    /// One series object of a vector or matrix: its `metric` labels and what `sample` reads under `sampleKey`.
    /// Nil when it has `histogramKey` instead (native histograms have no float sample); a missing key otherwise
    /// is malformed.
    ///
    /// Inlined into each caller: called through its closures, Swift copies the whole parser in and out for each
    /// one, twice per series (measured: 7 % of decoding a 10,000-series answer).
    @inline(__always)
    private mutating func parseSeriesObject<Labels, Sample>(
        sampleKey: StaticString, histogramKey: StaticString,
        labels readLabels: (inout Self) throws(ReaderError) -> Labels,
        sample: (inout Self) throws(ReaderError) -> Sample
    ) throws(ReaderError) -> (labels: Labels, sample: Sample)? {
        guard try nextByte() == UInt8(ascii: "{") else { throw failure("series is not an object") }
        let start = index
        index += 1
        var labels: Labels?
        var read: Sample?
        var histogram = false
        if try startContainer(close: UInt8(ascii: "}")) {
            repeat {
                let key = try readKey()
                if equals(key, "metric") {
                    labels = try readLabels(&self)
                } else if equals(key, sampleKey) {
                    read = try sample(&self)
                } else {
                    if equals(key, histogramKey) { histogram = true }
                    try skipValue()
                }
            } while try nextInContainer(close: UInt8(ascii: "}"))
        }
        guard let read else {
            if histogram { return nil }
            throw .malformed("missing key \(sampleKey) in the series at byte \(start)")
        }
        guard let labels else { throw .malformed("missing key metric in the series at byte \(start)") }
        return (labels, read)
    }

    private mutating func parseLabels() throws(ReaderError) -> [String: String] {
        guard try nextByte() == UInt8(ascii: "{") else { throw failure("metric is not an object") }
        index += 1
        var count = 0
        if try startContainer(close: UInt8(ascii: "}")) {
            repeat {
                let nameSpan = try readKey()
                let (name, slot) = try labelName(nameSpan)
                guard try nextByte() == UInt8(ascii: "\"") else { throw failure("label value is not a string") }
                let valueSpan = try scanString()
                let value = try labelValue(valueSpan, slot: slot)
                if count < pairs.count { pairs[count] = (name, value) } else { pairs.append((name, value)) }
                count += 1
            } while try nextInContainer(close: UInt8(ascii: "}"))
        }
        // Sized once: growing a dictionary label by label rehashes it several times.
        var labels =
            count < Self.emptyLabelSets.count ? Self.emptyLabelSets[count] : [String: String](minimumCapacity: count)
        for slot in 0..<count { labels[pairs[slot].0] = pairs[slot].1 }
        return labels
    }

    /// The selected labels of one series into the open row of `columns` (nil where absent); the others are
    /// checked as JSON strings and skipped without becoming Strings. A name given twice keeps its last value, as
    /// in a label set.
    private mutating func parseSelectedLabels(into columns: inout PrometheusVectorColumns) throws(ReaderError) {
        guard try nextByte() == UInt8(ascii: "{") else { throw failure("metric is not an object") }
        index += 1
        // A second `metric` object in one series replaces the first, as a label set would.
        if rowHasLabels { columns.clearOpenRow() }
        rowHasLabels = true
        if try startContainer(close: UInt8(ascii: "}")) {
            repeat {
                let nameSpan = try readKey()
                let (name, slot) = try labelName(nameSpan)
                let column = slot >= 0 ? columnOfSlot[slot] : (selection?.firstIndex(of: name) ?? -1)
                guard try nextByte() == UInt8(ascii: "\"") else { throw failure("label value is not a string") }
                if column >= 0, let value = verbatimExpectedValue(column: column) {
                    columns.setOpenRowLabel(column, value)
                    continue
                }
                let valueSpan = try scanString()
                guard column >= 0 else { continue }
                if let value = expectedValue(valueSpan, column: column) {
                    columns.setOpenRowLabel(column, value)
                } else {
                    if valueSpan.escaped { columns.labelsAreVerbatim = false }
                    columns.setOpenRowLabel(column, try labelValue(valueSpan, slot: slot))
                }
            } while try nextInContainer(close: UInt8(ascii: "}"))
        }
    }

    private mutating func parsePoint() throws(ReaderError) -> (time: Double, value: Double) {
        let shape = "value is not a [time, \"value\"] pair"
        guard try nextByte() == UInt8(ascii: "[") else { throw failure(shape) }
        index += 1
        let time = try readTime()
        guard try nextByte() == UInt8(ascii: ",") else { throw failure(shape) }
        index += 1
        guard try nextByte() == UInt8(ascii: "\"") else { throw failure(shape) }
        let valueStart = index
        let valueSpan = try scanString()
        let value = try sampleValue(valueSpan, at: valueStart)
        guard try nextByte() == UInt8(ascii: "]") else { throw failure(shape) }
        index += 1
        return (time, value)
    }

    private mutating func readTime() throws(ReaderError) -> Double {
        let first = try nextByte()
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            throw failure("sample time is not a number")
        }
        let start = index
        try scanNumber()
        let count = index - start
        if count == lastTime.count, sameBytes(start, lastTime.start, count) { return lastTime.value }
        guard let time = NumberText.parseDecimal(bytes.baseAddress! + start, count) else {
            throw failure("sample time is not a number", at: start)
        }
        lastTime = (start, count, time)
        return time
    }

    private func sampleValue(_ span: Span, at offset: Int) throws(ReaderError) -> Double {
        let parsed: Double?
        if span.escaped {
            let unescaped = scratch
            parsed = unescaped.withUnsafeBufferPointer { buffer in
                buffer.isEmpty
                    ? nil : NumberText.parseFloat(buffer.baseAddress!, buffer.count, overflowToInfinity: true)
            }
        } else {
            let count = span.end - span.start
            parsed =
                count == 0
                ? nil : NumberText.parseFloat(bytes.baseAddress! + span.start, count, overflowToInfinity: true)
        }
        guard let parsed else {
            let text =
                span.escaped
                ? String(decoding: scratch.prefix(40), as: UTF8.self)
                : String(decoding: bytes[span.start..<min(span.end, span.start + 40)], as: UTF8.self)
            throw .malformed("sample value \"\(text)\" is not a number at byte \(offset)")
        }
        return parsed
    }

    // MARK: Strings

    private mutating func readString(_ what: String) throws(ReaderError) -> String {
        guard try nextByte() == UInt8(ascii: "\"") else { throw failure("\(what) is not a string") }
        let span = try scanString()
        return try makeString(span)
    }

    private mutating func readOptionalString(_ what: String) throws(ReaderError) -> String? {
        if try nextByte() == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        return try readString(what)
    }

    private mutating func readOptionalStrings(_ what: String) throws(ReaderError) -> [String] {
        let first = try nextByte()
        if first == UInt8(ascii: "n") {
            try literal("null")
            return []
        }
        guard first == UInt8(ascii: "[") else { throw failure("\(what) is not an array") }
        index += 1
        var strings: [String] = []
        if try startContainer(close: UInt8(ascii: "]")) {
            repeat { strings.append(try readString(what)) } while try nextInContainer(close: UInt8(ascii: "]"))
        }
        return strings
    }

    /// An object key and its colon; an escaped key stays in `scratch` until the next string is scanned.
    private mutating func readKey() throws(ReaderError) -> Span {
        guard try nextByte() == UInt8(ascii: "\"") else { throw failure("expected a key") }
        let key = try scanString()
        guard try nextByte() == UInt8(ascii: ":") else { throw failure("expected ':'") }
        index += 1
        return key
    }

    /// Scans the string at `index` (its opening quote); escapes are checked and decoded into `scratch`.
    private mutating func scanString() throws(ReaderError) -> Span {
        let start = index + 1
        let end = bytes.count
        var i = start
        var escaped = false
        var high: UInt8 = 0
        // Eight bytes at a time while none is a quote, a backslash or a control character.
        if let base = bytes.baseAddress {
            var highWord: UInt64 = 0
            while i + 8 <= end {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                let quote = word ^ 0x2222_2222_2222_2222
                let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
                let ones: UInt64 = 0x0101_0101_0101_0101
                let tops: UInt64 = 0x8080_8080_8080_8080
                let special =
                    ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                    | ((word &- 0x2020_2020_2020_2020) & ~word)
                if special & tops != 0 { break }
                highWord |= word
                i += 8
            }
            if highWord & 0x8080_8080_8080_8080 != 0 { high = 0x80 }
        }
        while i < end {
            let byte = bytes[i]
            high |= byte
            if byte == UInt8(ascii: "\"") {
                index = i + 1
                let span = Span(start: start, end: i, escaped: escaped, ascii: high < 0x80)
                if escaped { try unescape(span) }
                return span
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                i += 2
            } else if byte < 0x20 {
                throw failure("control character in a string", at: i)
            } else {
                i += 1
            }
        }
        throw failure("unterminated string", at: end)
    }

    private mutating func unescape(_ span: Span) throws(ReaderError) {
        scratch.removeAll(keepingCapacity: true)
        var i = span.start
        while i < span.end {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\") else {
                scratch.append(byte)
                i += 1
                continue
            }
            guard i + 1 < span.end else { throw failure("invalid escape", at: i) }
            switch bytes[i + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(bytes[i + 1])
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = hex4(at: i + 2, limit: span.end) else { throw failure("invalid \\u escape", at: i) }
                var scalar = unit
                if unit >= 0xDC00 && unit <= 0xDFFF { throw failure("unpaired UTF-16 surrogate", at: i) }
                if unit >= 0xD800 && unit <= 0xDBFF {
                    guard i + 7 < span.end, bytes[i + 6] == UInt8(ascii: "\\"), bytes[i + 7] == UInt8(ascii: "u"),
                        let low = hex4(at: i + 8, limit: span.end), low >= 0xDC00 && low <= 0xDFFF
                    else { throw failure("unpaired UTF-16 surrogate", at: i) }
                    scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                appendUTF8(scalar)
                i += 6
                continue
            default:
                throw failure("invalid escape", at: i)
            }
            i += 2
        }
    }

    private func hex4(at start: Int, limit: Int) -> UInt32? {
        guard start + 4 <= limit else { return nil }
        var value: UInt32 = 0
        for i in start..<start + 4 {
            let byte = bytes[i]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    private func makeString(_ span: Span) throws(ReaderError) -> String {
        let text: String?
        if span.escaped {
            let unescaped = scratch
            text = unescaped.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
        } else if span.ascii {
            text = String(decoding: UnsafeBufferPointer(rebasing: bytes[span.start..<span.end]), as: UTF8.self)
        } else {
            text = String(validating: UnsafeBufferPointer(rebasing: bytes[span.start..<span.end]), as: UTF8.self)
        }
        guard let text else { throw failure("invalid UTF-8 in a string", at: span.start) }
        return text
    }

    /// Label names repeat in every series: share one String per distinct name. The slot (or -1) keys
    /// the name's last value.
    private mutating func labelName(_ span: Span) throws(ReaderError) -> (String, slot: Int) {
        if span.escaped { return (try makeString(span), -1) }
        let count = span.end - span.start
        for slot in nameSpans.indices where nameSpans[slot].count == count {
            if sameBytes(nameSpans[slot].start, span.start, count) { return (nameStrings[slot], slot) }
        }
        let name = try makeString(span)
        guard nameSpans.count < Self.maxInternedNames else { return (name, -1) }
        nameSpans.append((span.start, count))
        nameStrings.append(name)
        lastValues.append((0, -1, ""))
        columnOfSlot.append(selection?.firstIndex(of: name) ?? -1)
        return (name, nameSpans.count - 1)
    }

    private mutating func labelValue(_ span: Span, slot: Int) throws(ReaderError) -> String {
        guard slot >= 0, !span.escaped else { return try makeString(span) }
        let count = span.end - span.start
        if lastValues[slot].count == count, sameBytes(lastValues[slot].start, span.start, count) {
            return lastValues[slot].text
        }
        let value = try makeString(span)
        lastValues[slot] = (span.start, count, value)
        return value
    }

    private func equals(_ span: Span, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        let text = literal.utf8Start
        if span.escaped {
            guard scratch.count == count else { return false }
            for i in 0..<count where scratch[i] != text[i] { return false }
            return true
        }
        guard span.end - span.start == count else { return false }
        for i in 0..<count where bytes[span.start + i] != text[i] { return false }
        return true
    }

    /// The expected String of `column` for the current series when `span` holds exactly its bytes.
    private mutating func expectedValue(_ span: Span, column: Int) -> String? {
        guard !span.escaped else { return nil }
        return expectedValue(column: column) { parser, candidate in parser.hasBytes(span, of: candidate) }
    }

    /// The expected String of `column` for the current series when the JSON string at `index` (its opening quote)
    /// is its bytes and a closing quote; `index` then moves past it. The string is not scanned first: in an
    /// answer whose values all came verbatim (`PrometheusVectorColumns.labelsAreVerbatim`), a candidate holds no
    /// quote, backslash or control character, so its bytes and a quote are a whole string without escapes.
    private mutating func verbatimExpectedValue(column: Int) -> String? {
        guard let expected, expected.labelsAreVerbatim else { return nil }
        let start = index + 1
        let value = expectedValue(column: column) { parser, candidate in
            let count = candidate.utf8.count
            guard start + count < parser.bytes.count, parser.bytes[start + count] == UInt8(ascii: "\"") else {
                return false
            }
            return parser.hasBytes(Span(start: start, end: start + count, escaped: false, ascii: false), of: candidate)
        }
        if let value { index = start + value.utf8.count + 1 }
        return value
    }

    /// The expected String of `column` for the current series that `matches`. The first column (the host) is
    /// looked for at the series' place and one place either side (a series gone from the answer, or a new one),
    /// which then becomes the place; the others at that place.
    @inline(__always)
    private mutating func expectedValue(column: Int, matching matches: (Self, String) -> Bool) -> String? {
        guard let expected else { return nil }
        for step in 0..<(column == 0 ? 3 : 1) {
            let shift = expectedShift + (step == 2 ? -1 : step)
            let place = seriesIndex + shift
            guard place >= 0, place < expected.count, let candidate = expected.label(place, column),
                matches(self, candidate)
            else { continue }
            expectedShift = shift
            return candidate
        }
        return nil
    }

    /// Whether an unescaped span holds exactly the UTF-8 of `text`.
    private func hasBytes(_ span: Span, of text: String) -> Bool {
        let count = span.end - span.start
        guard text.utf8.count == count else { return false }
        if count == 0 { return true }
        let body = bytes.baseAddress! + span.start
        // A String of up to 15 bytes is kept in place, and its contiguous storage would be a copy: its bytes are
        // compared one by one instead.
        if count <= 15 {
            var offset = 0
            for byte in text.utf8 {
                if body[offset] != byte { return false }
                offset += 1
            }
            return true
        }
        // memcmp, not `elementsEqual`: the generic comparison goes byte by byte through iterators, and this runs
        // for every kept label of every series (a fifth of decoding a measured-power answer).
        return text.utf8.withContiguousStorageIfAvailable { memcmp($0.baseAddress!, body, count) == 0 }
            ?? text.utf8.elementsEqual(UnsafeBufferPointer(start: body, count: count))
    }

    private func sameBytes(_ first: Int, _ second: Int, _ count: Int) -> Bool {
        count == 0 || memcmp(bytes.baseAddress! + first, bytes.baseAddress! + second, count) == 0
    }

    // MARK: Syntax

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    /// The next byte after whitespace, not consumed.
    @inline(__always)
    private mutating func nextByte() throws(ReaderError) -> UInt8 {
        // Compact JSON has no whitespace: answer without a call.
        if index < bytes.count, bytes[index] > 0x20 { return bytes[index] }
        return try nextByteAfterWhitespace()
    }

    private mutating func nextByteAfterWhitespace() throws(ReaderError) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw failure("unexpected end of input") }
        return bytes[index]
    }

    /// After an opening bracket: false (and consumed) when the container is empty.
    private mutating func startContainer(close: UInt8) throws(ReaderError) -> Bool {
        if try nextByte() == close {
            index += 1
            return false
        }
        return true
    }

    /// After a member or element: true for a comma, false (consumed) for the closing bracket.
    private mutating func nextInContainer(close: UInt8) throws(ReaderError) -> Bool {
        let byte = try nextByte()
        index += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == close { return false }
        index -= 1
        throw failure("expected ',' or '\(Character(Unicode.Scalar(close)))'")
    }

    private mutating func literal(_ text: StaticString) throws(ReaderError) {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("unexpected end of input", at: bytes.count) }
        for i in 0..<count where bytes[index + i] != text.utf8Start[i] { throw failure("invalid literal") }
        index += count
    }

    /// A JSON number (stricter than Go's float syntax: no '+', no bare '.', no leading zeros).
    private mutating func scanNumber() throws(ReaderError) {
        let bytes = bytes
        let end = bytes.count
        var i = index
        func isDigit(_ i: Int) -> Bool { i < end && bytes[i] &- UInt8(ascii: "0") < 10 }
        if i < end && bytes[i] == UInt8(ascii: "-") { i += 1 }
        if i < end && bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else if isDigit(i) {
            while isDigit(i) { i += 1 }
        } else {
            throw failure("invalid number", at: i)
        }
        if i < end && bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { throw failure("invalid number", at: i) }
            while isDigit(i) { i += 1 }
        }
        if i < end && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < end && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            guard isDigit(i) else { throw failure("invalid number", at: i) }
            while isDigit(i) { i += 1 }
        }
        index = i
    }

    /// Validates and steps over one value of any kind, iteratively: depth costs a bit, not a stack frame.
    private mutating func skipValue() throws(ReaderError) {
        var depth = 0
        var arrays: UInt64 = 0 // bit d: level d is an array
        while true {
            let byte = try nextByte()
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < Self.maxSkipDepth else { throw failure("nesting deeper than \(Self.maxSkipDepth)") }
                index += 1
                let isArray = byte == UInt8(ascii: "[")
                if isArray { arrays |= 1 << UInt64(depth) } else { arrays &= ~(1 << UInt64(depth)) }
                depth += 1
                if try startContainer(close: isArray ? UInt8(ascii: "]") : UInt8(ascii: "}")) {
                    if !isArray { _ = try readKey() }
                    continue
                }
                depth -= 1
            case UInt8(ascii: "\""): _ = try scanString()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber()
            default: throw failure("unexpected character")
            }
            // A value ended: close finished containers until one has a next member or element.
            while depth > 0 {
                let isArray = arrays & (1 << UInt64(depth - 1)) != 0
                if try nextInContainer(close: isArray ? UInt8(ascii: "]") : UInt8(ascii: "}")) {
                    if !isArray { _ = try readKey() }
                    break
                }
                depth -= 1
            }
            if depth == 0 { return }
        }
    }

    private func failure(_ what: String, at offset: Int? = nil) -> ReaderError {
        let offset = offset ?? index
        if offset >= bytes.count { return .malformed("unexpected end of input at byte \(bytes.count)") }
        return .malformed("\(what) at byte \(offset)")
    }
}
