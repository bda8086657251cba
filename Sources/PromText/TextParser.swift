#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a Prometheus text exposition (0.0.4) or OpenMetrics 1.0 text into metric families.
///
/// One pass over the bytes: names are compared and looked up as bytes, label names are interned, and a label
/// equal to the one at the same position in the previous sample reuses that sample's strings. Only the
/// families asked for are built; the other families' sample lines are recognised by their name and skipped
/// up to the next line feed without being checked further.
///
/// Result: families in order of first appearance (HELP, TYPE or sample), each with its samples in input
/// order. Families without samples are left out, as the Go parser does. Histogram and summary families
/// collect their `_bucket`, `_sum`, `_count` and `_created` samples.
///
/// OpenMetrics (`format: .openMetrics`): `# EOF` must end the input; `# UNIT` is checked (the family name
/// must end with `_<unit>`) and otherwise dropped; exemplars are skipped; timestamps in seconds become
/// milliseconds, rounded to the nearest one. Counters are returned under their sample name with `_total`
/// (`# TYPE foo counter` gives the family `foo_total` holding `foo_total` and `foo_created`), the way this
/// package models them. Types without an equivalent here: `unknown` is `untyped`; `info` becomes a `gauge`
/// named `<name>_info`; `stateset` becomes a `gauge`; `gaugehistogram` becomes a `gauge` holding its
/// `_bucket`, `_gcount` and `_gsum` samples, because it has no `_count`/`_sum` that a histogram reader
/// would expect. Whitespace, blank lines and comments are read as leniently as in 0.0.4.
///
/// `families`: the names wanted, as returned (for OpenMetrics counters, with `_total`); nil for all.
public struct TextParser: Sendable {
    public static func parse(
        _ bytes: UnsafeRawBufferPointer,
        families wanted: Set<String>? = nil,
        format: ExpositionFormat = .text
    ) throws(ParseError) -> [MetricFamily] {
        guard let baseAddress = bytes.baseAddress, bytes.count > 0 else {
            if format == .openMetrics { throw ParseError(line: 1, message: "expected \"# EOF\" at end of input") }
            return []
        }
        var parser = Parser(
            base: baseAddress.assumingMemoryBound(to: UInt8.self),
            count: bytes.count,
            wanted: wanted,
            format: format
        )
        try parser.run()
        return parser.materialize()
    }

    public static func parse(
        _ bytes: [UInt8],
        families wanted: Set<String>? = nil,
        format: ExpositionFormat = .text
    ) throws(ParseError) -> [MetricFamily] {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(ParseError) in try parse(buffer, families: wanted, format: format) }
        }
        return try result.get()
    }

    public static func parse(
        _ text: String,
        families wanted: Set<String>? = nil,
        format: ExpositionFormat = .text
    ) throws(ParseError) -> [MetricFamily] {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(ParseError) in
                try parse(UnsafeRawBufferPointer(buffer), families: wanted, format: format)
            }
        }
        return try result.get()
    }
}

/// Name suffixes that tie a sample to a family declared under a shorter name.
private enum Suffix: Int, CaseIterable {
    case none, bucket, sum, count, created, total, info, gsum, gcount

    var text: StaticString {
        switch self {
        case .none: ""
        case .bucket: "_bucket"
        case .sum: "_sum"
        case .count: "_count"
        case .created: "_created"
        case .total: "_total"
        case .info: "_info"
        case .gsum: "_gsum"
        case .gcount: "_gcount"
        }
    }

    var bit: UInt16 { 1 << UInt16(rawValue) }

    /// Whether the `length` bytes at `text` end with this suffix (and are longer than it).
    func ends(_ text: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let suffix = self.text
        let suffixLength = suffix.utf8CodeUnitCount
        return length > suffixLength && bytesEqual(text + length - suffixLength, suffix.utf8Start, suffixLength)
    }

    static let withText: [Suffix] = allCases.filter { $0 != .none }

    /// Calls `body` with each suffix the `length` bytes at `text` end with; the last byte rules most out.
    @inline(__always)
    static func forEach(endingOf text: UnsafePointer<UInt8>, _ length: Int, _ body: (Suffix) -> Void) {
        guard length > 4 else { return }
        switch text[length - 1] {
        case UInt8(ascii: "t"):
            if Suffix.bucket.ends(text, length) { body(.bucket) }
            if Suffix.count.ends(text, length) { body(.count) }
            if Suffix.gcount.ends(text, length) { body(.gcount) }
        case UInt8(ascii: "m"):
            if Suffix.sum.ends(text, length) { body(.sum) }
            if Suffix.gsum.ends(text, length) { body(.gsum) }
        case UInt8(ascii: "d"):
            if Suffix.created.ends(text, length) { body(.created) }
        case UInt8(ascii: "l"):
            if Suffix.total.ends(text, length) { body(.total) }
        case UInt8(ascii: "o"):
            if Suffix.info.ends(text, length) { body(.info) }
        default:
            break
        }
    }
}

/// What a `# TYPE` word means for the family: its type, the suffixes its samples may carry, and the suffix
/// added to the declared name to get the name it is returned under.
private struct Declared {
    var type: MetricType
    var suffixes: UInt16 = 0
    var nameSuffix: Suffix = .none

    static func of(_ word: UnsafePointer<UInt8>, _ length: Int, openMetrics: Bool) -> Declared? {
        func equals(_ candidate: StaticString) -> Bool {
            length == candidate.utf8CodeUnitCount && bytesEqual(word, candidate.utf8Start, length)
        }
        let histogram = Suffix.bucket.bit | Suffix.sum.bit | Suffix.count.bit | Suffix.created.bit
        let summary = Suffix.sum.bit | Suffix.count.bit | Suffix.created.bit
        if equals("gauge") { return Declared(type: .gauge) }
        if equals("histogram") { return Declared(type: .histogram, suffixes: histogram) }
        if equals("summary") { return Declared(type: .summary, suffixes: summary) }
        if !openMetrics {
            if equals("counter") { return Declared(type: .counter) }
            if equals("untyped") { return Declared(type: .untyped) }
            return nil
        }
        if equals("counter") {
            return Declared(type: .counter, suffixes: Suffix.total.bit | Suffix.created.bit, nameSuffix: .total)
        }
        if equals("unknown") { return Declared(type: .untyped) }
        if equals("info") { return Declared(type: .gauge, suffixes: Suffix.info.bit, nameSuffix: .info) }
        if equals("stateset") { return Declared(type: .gauge) }
        if equals("gaugehistogram") {
            return Declared(
                type: .gauge,
                suffixes: Suffix.bucket.bit | Suffix.gsum.bit | Suffix.gcount.bit | Suffix.created.bit
            )
        }
        return nil
    }
}

/// What the parser knows about a family while reading. Plain values only, so reading it copies no references.
private struct FamilyState {
    /// The name as declared (the TYPE/HELP name, or the first sample's name), as a range of the input.
    var nameStart: Int
    var nameLength: Int
    var declared = Declared(type: .untyped)
    var typed = false
    var helpStart = 0
    var helpLength = -1
    var helpEscaped = false
    var unitSeen = false
    var hasSamples = false
    var wanted: Bool
    /// Set when a family exists under one of this family's suffixed names: the exact name then wins, so
    /// the shortcut that matches suffixes against the current family must not be taken.
    var shadowed = false
}

/// Where the name and the raw (still escaped) value of a label lie in the input.
private struct RawLabel {
    var nameStart: Int
    var nameLength: Int
    var valueStart: Int
    var valueLength: Int
    /// Whether the name and value equal those of the previous sample's label at the same position.
    var sameName = false
    var sameValue = false
    var escaped = false
}

private let newline = UInt8(ascii: "\n")
private let carriageReturn = UInt8(ascii: "\r")
private let space = UInt8(ascii: " ")
private let tab = UInt8(ascii: "\t")
private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")

@inline(__always) private func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }

/// Byte classes for the scanning loops: one table load per byte instead of a chain of range checks.
private enum ByteClass {
    static let labelNameStart: UInt8 = 1
    static let labelName: UInt8 = 2
    static let metricNameStart: UInt8 = 4
    static let metricName: UInt8 = 8
    /// Ends a value, timestamp or keyword: blank, tab, line feed, carriage return.
    static let tokenEnd: UInt8 = 16

    /// Allocated once and never freed, so the hot loops hold a plain pointer; never written after it is
    /// built, so sharing it between threads is safe.
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: 0, count: 256)
        for byte in 0..<256 {
            let letter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
            let digit = byte >= 0x30 && byte <= 0x39
            let colon = byte == 0x3A
            var bits: UInt8 = 0
            if letter { bits |= labelNameStart | labelName | metricNameStart | metricName }
            if digit { bits |= labelName | metricName }
            if colon { bits |= metricNameStart | metricName }
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { bits |= tokenEnd }
            table[byte] = bits
        }
        return UnsafePointer(table)
    }()
}

private struct Parser {
    let base: UnsafePointer<UInt8>
    let end: Int
    let openMetrics: Bool
    let classes = ByteClass.table
    var pos = 0
    var line = 1

    var families: [FamilyState] = []
    /// Per family, the samples read (wanted families only) and the name it is returned under, once built.
    var samples: [[Sample]] = []
    var openFamily = -1
    var openSamples: [Sample] = []
    var names: [String?] = []
    var familyTable: NameTable
    var current = -1
    /// Whether any family so far claims suffixed sample names; until then, new names need no suffix check.
    var anySuffixes = false
    let wantedTable: NameTable?
    /// The bytes `wantedTable`'s keys point into.
    let wantedBytes: OwnedBytes?

    var labelNameTable = NameTable()
    var labelNames: [String] = []
    /// Longer label values by their raw bytes: a scrape repeats few distinct values (devices, mount points)
    /// many times, and each lookup saves an allocation.
    var labelValueTable = NameTable(capacity: 16)
    var labelValues: [String] = []
    /// Raw labels of the previous and the current sample, in memory owned by `rawStorage`.
    var previousRaw: UnsafeMutablePointer<RawLabel>
    var currentRaw: UnsafeMutablePointer<RawLabel>
    var rawCapacity: Int
    let rawStorage: RawLabelStorage
    var previousCount = 0
    var previousLabels: [Label] = []

    /// The last sample name built, reused while consecutive samples share it.
    var lastNameFamily = -1
    var lastNameSuffix = Suffix.none
    var lastName = ""

    var scratch: [UInt8] = []

    init(base: UnsafePointer<UInt8>, count: Int, wanted: Set<String>?, format: ExpositionFormat) {
        self.base = base
        self.end = count
        self.openMetrics = format == .openMetrics
        rawStorage = RawLabelStorage(capacity: 16)
        previousRaw = rawStorage.first
        currentRaw = rawStorage.second
        rawCapacity = 16
        // A family takes a few hundred bytes of a typical exposition: sizing for that saves regrowing.
        let expectedFamilies = min(max(count / 256, 16), 4096)
        families.reserveCapacity(expectedFamilies)
        samples.reserveCapacity(expectedFamilies)
        names.reserveCapacity(expectedFamilies)
        familyTable = NameTable(capacity: expectedFamilies)
        if let wanted {
            let storage = OwnedBytes(count: wanted.reduce(0) { $0 + $1.utf8.count })
            var table = NameTable(capacity: wanted.count)
            var offset = 0
            for name in wanted {
                let key = storage.pointer + offset
                for byte in name.utf8 {
                    storage.pointer[offset] = byte
                    offset += 1
                }
                let length = key.distance(to: storage.pointer + offset)
                let hash = NameTable.hash(key, length)
                if table.find(key, length, hash: hash) == nil { table.insert(key, length, hash: hash) }
            }
            wantedTable = table
            wantedBytes = storage
        } else {
            wantedTable = nil
            wantedBytes = nil
        }
    }

    /// The byte at `index`, or a line feed past the end, so that the end of input ends the last line.
    @inline(__always) func at(_ index: Int) -> UInt8 { index < end ? base[index] : newline }

    @inline(__always) func isLineEnd(_ index: Int) -> Bool {
        let byte = at(index)
        return byte == newline || (byte == carriageReturn && at(index + 1) == newline)
    }

    @inline(__always) mutating func skipBlanks() {
        var index = pos
        while index < end && isBlank(base[index]) { index += 1 }
        pos = index
    }

    /// The first index from `start` whose byte is not in `bits` (or the end of input).
    @inline(__always) func scan(from start: Int, while bits: UInt8) -> Int {
        var index = start
        while index < end && classes[Int(base[index])] & bits != 0 { index += 1 }
        return index
    }

    /// The first index from `start` that ends a token: blank, tab, line end or end of input. A carriage
    /// return that does not end the line is part of the token, so it shows in the error the token causes.
    @inline(__always) func tokenEnd(from start: Int) -> Int {
        var index = start
        while true {
            while index < end && classes[Int(base[index])] & ByteClass.tokenEnd == 0 { index += 1 }
            guard index < end && base[index] == carriageReturn && !isLineEnd(index) else { return index }
            index += 1
        }
    }

    @inline(__always) func isTokenEnd(_ byte: UInt8) -> Bool { classes[Int(byte)] & ByteClass.tokenEnd != 0 }

    /// Steps over the line end at `pos` (LF, CRLF, or the end of input).
    @inline(__always) mutating func finishLine() {
        if at(pos) == carriageReturn { pos += 1 }
        pos += 1
        line += 1
    }

    /// Jumps past the next line feed.
    mutating func skipLine() {
        if pos < end, let found = memchr(base + pos, Int32(newline), end - pos) {
            pos = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base + 1
        } else {
            pos = end
        }
        line += 1
    }

    func fail(_ message: String) -> ParseError { ParseError(line: line, message: message) }

    /// Text for an error message: the bytes from `start` to the end of the token or line, quoted.
    func quoted(from start: Int, wholeLine: Bool = false) -> String {
        guard wholeLine else { return quoted(start, tokenEnd(from: start) - start) }
        var stop = start
        while stop < end && base[stop] != newline { stop += 1 }
        if stop > start && base[stop - 1] == carriageReturn { stop -= 1 }
        return quoted(start, stop - start)
    }

    /// The character at `index` for an error message, quoted, or "end of line".
    func shown(at index: Int) -> String {
        isLineEnd(index) ? "end of line" : quoted(index, 1)
    }

    /// A would-be label name at `start` for an error message: its name characters, or the one character that
    /// cannot start one.
    func shownLabelName(at start: Int) -> String {
        let stop = scan(from: start, while: ByteClass.labelName)
        return stop > start ? quoted(start, stop - start) : shown(at: start)
    }

    func quoted(_ start: Int, _ length: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: max(0, length)), as: UTF8.self)
            .debugDescription
    }

    // MARK: Lines

    mutating func run() throws(ParseError) {
        while pos < end {
            let byte = base[pos]
            if byte == newline {
                pos += 1
                line += 1
                continue
            }
            if isBlank(byte) || byte == carriageReturn {
                skipBlanks()
                if isLineEnd(pos) {
                    finishLine()
                    continue
                }
            }
            if base[pos] == UInt8(ascii: "#") {
                if try comment() { return }
            } else {
                try sample()
            }
        }
        if openMetrics { throw fail("expected \"# EOF\" at end of input") }
    }

    /// Reads a `#` line; returns true at an OpenMetrics `# EOF`.
    mutating func comment() throws(ParseError) -> Bool {
        pos += 1
        skipBlanks()
        let start = pos
        pos = tokenEnd(from: pos)
        let length = pos - start
        func keyword(_ text: StaticString) -> Bool {
            length == text.utf8CodeUnitCount && bytesEqual(base + start, text.utf8Start, length)
        }
        if keyword("HELP") {
            try help()
        } else if keyword("TYPE") {
            try type()
        } else if openMetrics && keyword("UNIT") {
            try unit()
        } else if openMetrics && keyword("EOF") {
            skipBlanks()
            guard isLineEnd(pos) else {
                throw fail("unexpected text after \"# EOF\": \(quoted(from: pos, wholeLine: true))")
            }
            finishLine()
            if pos < end { throw fail("unexpected data after \"# EOF\"") }
            return true
        } else {
            skipLine()
        }
        return false
    }

    /// Reads the metric name of a HELP, TYPE or UNIT line and returns its family.
    mutating func declaredFamily(_ keyword: String) throws(ParseError) -> Int {
        skipBlanks()
        let start = pos
        // TYPE usually follows HELP for the same name: compare with the current family before scanning.
        if current >= 0 {
            let length = families[current].nameLength
            if start + length <= end && bytesEqual(base + families[current].nameStart, base + start, length)
                && isTokenEnd(at(start + length))
            {
                pos = start + length
                return current
            }
        }
        if pos < end && classes[Int(base[pos])] & ByteClass.metricNameStart != 0 {
            pos = scan(from: pos + 1, while: ByteClass.metricName)
        }
        guard isTokenEnd(at(pos)) else { throw fail("invalid metric name \(quoted(from: start))") }
        guard pos > start else { throw fail("expected metric name after \(keyword)") }
        return family(named: start, pos - start)
    }

    mutating func help() throws(ParseError) {
        let index = try declaredFamily("HELP")
        if families[index].helpLength >= 0 {
            throw fail(
                "second HELP line for metric name \(quoted(families[index].nameStart, families[index].nameLength))")
        }
        skipBlanks()
        let start = pos
        var stop = end
        if pos < end, let found = memchr(base + pos, Int32(newline), end - pos) {
            stop = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
        }
        let lineEnd = stop
        if stop > start && base[stop - 1] == carriageReturn { stop -= 1 }
        // Escapes are checked now, so an error names this line; decoding waits until the family is returned.
        var escaped = false
        var scan = start
        while scan < stop, let found = memchr(base + scan, Int32(backslash), stop - scan) {
            let at = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
            let next: UInt8? = at + 1 < stop ? base[at + 1] : nil
            guard let next, next == backslash || next == UInt8(ascii: "n") || next == quote else {
                let shown = next.map { String(decoding: [backslash, $0], as: UTF8.self) } ?? "\\"
                throw fail("invalid escape sequence \(shown.debugDescription) in HELP")
            }
            escaped = true
            scan = at + 2
        }
        families[index].helpStart = start
        families[index].helpLength = stop - start
        families[index].helpEscaped = escaped
        pos = lineEnd
        finishLine()
    }

    mutating func type() throws(ParseError) {
        let index = try declaredFamily("TYPE")
        if families[index].typed || families[index].hasSamples {
            let name = quoted(families[index].nameStart, families[index].nameLength)
            throw fail("second TYPE line for metric name \(name), or TYPE reported after samples")
        }
        skipBlanks()
        let start = pos
        pos = tokenEnd(from: pos)
        let length = pos - start
        guard length > 0 else {
            throw fail("expected metric type after \(quoted(families[index].nameStart, families[index].nameLength))")
        }
        guard let declared = Declared.of(base + start, length, openMetrics: openMetrics) else {
            throw fail("unknown metric type \(quoted(start, length))")
        }
        skipBlanks()
        guard isLineEnd(pos) else {
            throw fail("unexpected text after metric type: \(quoted(from: pos, wholeLine: true))")
        }
        families[index].declared = declared
        families[index].typed = true
        if declared.suffixes != 0 { anySuffixes = true }
        families[index].wanted = isWanted(index)
        for suffix in Suffix.withText where declared.suffixes & suffix.bit != 0 {
            if findFamily(index, suffix) != nil { families[index].shadowed = true }
        }
        finishLine()
    }

    mutating func unit() throws(ParseError) {
        let index = try declaredFamily("UNIT")
        if families[index].unitSeen {
            throw fail(
                "second UNIT line for metric name \(quoted(families[index].nameStart, families[index].nameLength))")
        }
        skipBlanks()
        let start = pos
        pos = tokenEnd(from: pos)
        let length = pos - start
        skipBlanks()
        guard isLineEnd(pos) else { throw fail("unexpected text after unit: \(quoted(from: pos, wholeLine: true))") }
        if length > 0 {
            let nameStart = families[index].nameStart
            let nameLength = families[index].nameLength
            let isSuffix =
                nameLength > length + 1 && base[nameStart + nameLength - length - 1] == UInt8(ascii: "_")
                && bytesEqual(base + nameStart + nameLength - length, base + start, length)
            guard isSuffix else {
                throw fail(
                    "unit \(quoted(start, length)) is not a suffix of metric name \(quoted(nameStart, nameLength))")
            }
        }
        families[index].unitSeen = true
        finishLine()
    }

    // MARK: Families

    /// The family declared under exactly this name, created if new.
    mutating func family(named start: Int, _ length: Int) -> Int {
        if current >= 0 && families[current].nameLength == length
            && bytesEqual(base + families[current].nameStart, base + start, length)
        {
            return current
        }
        let hash = NameTable.hash(base + start, length)
        if let found = familyTable.find(base + start, length, hash: hash) {
            current = found
            return found
        }
        return createFamily(start, length, hash: hash)
    }

    mutating func createFamily(_ start: Int, _ length: Int, hash: UInt64) -> Int {
        let index = familyTable.insert(base + start, length, hash: hash)
        families.append(FamilyState(nameStart: start, nameLength: length, wanted: true))
        samples.append([])
        names.append(nil)
        if wantedTable != nil { families[index].wanted = isWanted(index) }
        // A family named like another family's suffixed sample takes those samples from it.
        if anySuffixes {
            Suffix.forEach(endingOf: base + start, length) { suffix in
                if let owner = familyTable.find(base + start, length - suffix.text.utf8CodeUnitCount),
                    families[owner].declared.suffixes & suffix.bit != 0
                {
                    families[owner].shadowed = true
                }
            }
        }
        current = index
        return index
    }

    /// The family named like `index`'s name plus `suffix`, if any.
    mutating func findFamily(_ index: Int, _ suffix: Suffix) -> Int? {
        fillScratch(index, suffix)
        return scratch.withUnsafeBufferPointer { familyTable.find($0.baseAddress!, $0.count) }
    }

    mutating func fillScratch(_ index: Int, _ suffix: Suffix) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(
            contentsOf: UnsafeBufferPointer(start: base + families[index].nameStart, count: families[index].nameLength))
        let text = suffix.text
        scratch.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func isWanted(_ index: Int) -> Bool {
        guard let wantedTable else { return true }
        if families[index].declared.nameSuffix == .none {
            return wantedTable.find(base + families[index].nameStart, families[index].nameLength) != nil
        }
        fillScratch(index, families[index].declared.nameSuffix)
        return scratch.withUnsafeBufferPointer { wantedTable.find($0.baseAddress!, $0.count) != nil }
    }

    /// The family a sample name belongs to, and which of the family's suffixes it carries.
    mutating func sampleFamily(_ start: Int, _ length: Int) -> (Int, Suffix) {
        if current >= 0 {
            let family = families[current]
            let name = base + start
            if family.nameLength == length && bytesEqual(base + family.nameStart, name, length) {
                return (current, .none)
            }
            if family.declared.suffixes != 0 && !family.shadowed && length > family.nameLength
                && bytesEqual(base + family.nameStart, name, family.nameLength)
            {
                var match: Suffix?
                Suffix.forEach(endingOf: name, length) { suffix in
                    if family.declared.suffixes & suffix.bit != 0
                        && length - family.nameLength == suffix.text.utf8CodeUnitCount
                    {
                        match = suffix
                    }
                }
                if let match { return (current, match) }
            }
        }
        let hash = NameTable.hash(base + start, length)
        if let found = familyTable.find(base + start, length, hash: hash) {
            current = found
            return (found, .none)
        }
        if anySuffixes {
            var match: (Int, Suffix)?
            Suffix.forEach(endingOf: base + start, length) { suffix in
                if match == nil, let owner = familyTable.find(base + start, length - suffix.text.utf8CodeUnitCount),
                    families[owner].declared.suffixes & suffix.bit != 0
                {
                    match = (owner, suffix)
                }
            }
            if let match {
                current = match.0
                return match
            }
        }
        return (createFamily(start, length, hash: hash), .none)
    }

    mutating func sampleName(_ index: Int, _ suffix: Suffix) -> String {
        if index == lastNameFamily && suffix == lastNameSuffix { return lastName }
        let name: String
        let isFamilyName = suffix == families[index].declared.nameSuffix
        if isFamilyName, let known = names[index] {
            name = known
        } else if suffix == .none {
            name = String(
                decoding: UnsafeBufferPointer(
                    start: base + families[index].nameStart, count: families[index].nameLength), as: UTF8.self)
            if isFamilyName { names[index] = name }
        } else {
            fillScratch(index, suffix)
            name = String(decoding: scratch, as: UTF8.self)
            // Most families are named like their samples; the result then shares this string.
            if isFamilyName { names[index] = name }
        }
        lastNameFamily = index
        lastNameSuffix = suffix
        lastName = name
        return name
    }

    // MARK: Samples

    mutating func sample() throws(ParseError) {
        let nameStart = pos
        var index = -1
        var suffix = Suffix.none
        // Most samples continue the current family: comparing its name is cheaper than scanning and looking up.
        if current >= 0 {
            let length = families[current].nameLength
            if nameStart + length <= end && bytesEqual(base + families[current].nameStart, base + nameStart, length)
                && classes[Int(at(nameStart + length))] & ByteClass.metricName == 0
            {
                index = current
                pos = nameStart + length
            }
        }
        if index < 0 {
            guard classes[Int(at(pos))] & ByteClass.metricNameStart != 0 else {
                throw fail("invalid metric name \(quoted(from: pos))")
            }
            pos = scan(from: pos + 1, while: ByteClass.metricName)
            (index, suffix) = sampleFamily(nameStart, pos - nameStart)
        }
        let nameLength = pos - nameStart
        if !families[index].hasSamples { families[index].hasSamples = true }
        guard families[index].wanted else {
            skipLine()
            return
        }

        skipBlanks()
        var labels: [Label] = []
        if at(pos) == UInt8(ascii: "{") {
            pos += 1
            labels = try readLabels(nameStart, nameLength)
            skipBlanks()
        }

        let valueStart = pos
        pos = tokenEnd(from: pos)
        guard let value = NumberText.parseFloat(base + valueStart, pos - valueStart) else {
            throw fail("expected float as value, got \(quoted(valueStart, pos - valueStart))")
        }
        skipBlanks()

        var timestamp: Int64?
        if !isLineEnd(pos) && !(openMetrics && at(pos) == UInt8(ascii: "#")) {
            let start = pos
            pos = tokenEnd(from: pos)
            timestamp = try readTimestamp(start, pos - start)
            skipBlanks()
        }
        if openMetrics && at(pos) == UInt8(ascii: "#") {
            // An exemplar: not kept.
            skipLine()
        } else {
            guard isLineEnd(pos) else {
                throw fail("spurious string after timestamp: \(quoted(from: pos, wholeLine: true))")
            }
            finishLine()
        }

        let sample = Sample(
            name: sampleName(index, suffix),
            labels: LabelSet(labels),
            value: value,
            timestampMilliseconds: timestamp
        )
        if index != openFamily { switchOpenFamily(to: index) }
        openSamples.append(sample)
    }

    /// Samples are appended to `openSamples` while they stay in one family, which is cheaper than appending
    /// through the array of all families' samples each time.
    mutating func switchOpenFamily(to index: Int) {
        if openFamily >= 0 { swap(&samples[openFamily], &openSamples) }
        openFamily = index
        if index >= 0 { swap(&samples[index], &openSamples) }
    }

    mutating func readTimestamp(_ start: Int, _ length: Int) throws(ParseError) -> Int64 {
        if !openMetrics {
            guard let milliseconds = NumberText.parseInteger(base + start, length) else {
                throw fail("expected integer as timestamp, got \(quoted(start, length))")
            }
            return milliseconds
        }
        guard let seconds = NumberText.parseFloat(base + start, length), seconds.isFinite,
            case let milliseconds = (seconds * 1000).rounded(),
            abs(milliseconds) < 9.2e18
        else {
            throw fail("expected float seconds as timestamp, got \(quoted(start, length))")
        }
        return Int64(milliseconds)
    }

    /// Reads labels after `{` up to and including `}`.
    ///
    /// A label whose name or raw value has the same bytes as the previous sample's label at the same position
    /// takes that label's string without scanning or decoding it again: series of one family mostly share
    /// their label names, and neighbouring series often share values. The labels are first located, then
    /// built into an array of exactly their number.
    mutating func readLabels(_ nameStart: Int, _ nameLength: Int) throws(ParseError) -> [Label] {
        var count = 0
        var sameNamesAsPrevious = true
        // The position lives in a local while scanning; `pos` is updated before anything that reads it.
        var index = pos
        @inline(__always) func skip(_ index: inout Int) {
            while index < end && isBlank(base[index]) { index += 1 }
        }
        while true {
            skip(&index)
            if at(index) == UInt8(ascii: "}") {
                index += 1
                break
            }
            if count == rawCapacity { growRawLabels() }
            let hasPrevious = count < previousCount
            let previous = previousRaw[count]
            let labelStart = index
            var raw = RawLabel(nameStart: labelStart, nameLength: 0, valueStart: 0, valueLength: 0)
            if hasPrevious, labelStart + previous.nameLength <= end,
                bytesEqual(base + previous.nameStart, base + labelStart, previous.nameLength),
                classes[Int(at(labelStart + previous.nameLength))] & ByteClass.labelName == 0
            {
                index = labelStart + previous.nameLength
                raw.sameName = true
            } else {
                guard classes[Int(at(index))] & ByteClass.labelNameStart != 0 else {
                    pos = index
                    throw fail(
                        "invalid label name \(shownLabelName(at: index)) for metric \(quoted(nameStart, nameLength))")
                }
                index = scan(from: index + 1, while: ByteClass.labelName)
                sameNamesAsPrevious = false
            }
            let labelLength = index - labelStart
            raw.nameLength = labelLength
            skip(&index)
            guard at(index) == UInt8(ascii: "=") else {
                throw fail("expected '=' after label name \(quoted(labelStart, labelLength)), got \(shown(at: index))")
            }
            index += 1
            skip(&index)
            guard at(index) == quote else {
                throw fail(
                    "expected '\"' at start of value of label \(quoted(labelStart, labelLength)), got \(shown(at: index))"
                )
            }
            index += 1
            let valueStart = index
            raw.valueStart = valueStart
            // The same bytes followed by a quote end the value exactly where the previous one ended.
            if hasPrevious, valueStart + previous.valueLength < end,
                bytesEqual(base + previous.valueStart, base + valueStart, previous.valueLength),
                base[valueStart + previous.valueLength] == quote
            {
                index = valueStart + previous.valueLength
                raw.sameValue = true
            } else {
                (index, raw.escaped) = try scanLabelValue(from: valueStart, labelStart, labelLength)
            }
            raw.valueLength = index - valueStart
            currentRaw[count] = raw
            count += 1
            index += 1

            skip(&index)
            let byte = at(index)
            if byte == UInt8(ascii: ",") {
                index += 1
            } else if byte == UInt8(ascii: "}") {
                index += 1
                break
            } else {
                throw fail(
                    "expected ',' or '}' after value of label \(quoted(labelStart, labelLength)), got \(shown(at: index))"
                )
            }
        }
        pos = index
        // The previous sample's names were already found distinct; the same names in the same order still are.
        if !(sameNamesAsPrevious && count == previousCount) && count > 1 {
            for later in 1..<count {
                let name = currentRaw[later]
                for earlier in 0..<later
                where currentRaw[earlier].nameLength == name.nameLength
                    && bytesEqual(base + currentRaw[earlier].nameStart, base + name.nameStart, name.nameLength)
                {
                    throw fail(
                        "duplicate label name \(quoted(name.nameStart, name.nameLength)) for metric \(quoted(nameStart, nameLength))"
                    )
                }
            }
        }

        var labels: [Label] = []
        labels.reserveCapacity(count)
        for index in 0..<count {
            let raw = currentRaw[index]
            let name = raw.sameName ? previousLabels[index].name : labelName(raw.nameStart, raw.nameLength)
            let value: String
            if raw.sameValue {
                value = previousLabels[index].value
            } else if let decoded = labelValue(raw) {
                value = decoded
            } else {
                throw fail("invalid UTF-8 in value of label \(quoted(raw.nameStart, raw.nameLength))")
            }
            labels.append(Label(name, value))
        }
        swap(&previousRaw, &currentRaw)
        previousCount = count
        previousLabels = labels
        return labels
    }

    mutating func growRawLabels() {
        // Which buffer holds the previous sample flips every sample; it must stay that way.
        let previousIsFirst = previousRaw == rawStorage.first
        rawCapacity *= 2
        rawStorage.grow(to: rawCapacity)
        previousRaw = previousIsFirst ? rawStorage.first : rawStorage.second
        currentRaw = previousIsFirst ? rawStorage.second : rawStorage.first
    }

    /// Checks a label value's escapes from `start`; returns the index of its closing quote and whether the value
    /// holds escapes. (Mutating only so that calling it does not copy the parser.)
    mutating func scanLabelValue(
        from start: Int, _ labelStart: Int, _ labelLength: Int
    ) throws(ParseError) -> (Int, Bool) {
        var index = start
        var escaped = false
        while true {
            guard index < end else { throw fail("unterminated value of label \(quoted(labelStart, labelLength))") }
            let byte = base[index]
            if byte == quote { return (index, escaped) }
            if byte == backslash {
                guard index + 1 < end else {
                    throw fail("unterminated value of label \(quoted(labelStart, labelLength))")
                }
                let next = base[index + 1]
                guard next == backslash || next == quote || next == UInt8(ascii: "n") else {
                    let shown = String(decoding: [backslash, next], as: UTF8.self)
                    throw fail(
                        "invalid escape sequence \(shown.debugDescription) in value of label \(quoted(labelStart, labelLength))"
                    )
                }
                escaped = true
                index += 2
                continue
            }
            if byte == newline { throw fail("unterminated value of label \(quoted(labelStart, labelLength))") }
            index += 1
        }
    }

    mutating func labelName(_ start: Int, _ length: Int) -> String {
        let hash = NameTable.hash(base + start, length)
        if let found = labelNameTable.find(base + start, length, hash: hash) { return labelNames[found] }
        labelNameTable.insert(base + start, length, hash: hash)
        let name = String(decoding: UnsafeBufferPointer(start: base + start, count: length), as: UTF8.self)
        labelNames.append(name)
        return name
    }

    /// The decoded value of a label, or nil if it is not valid UTF-8.
    mutating func labelValue(_ raw: RawLabel) -> String? {
        // Up to 15 UTF-8 bytes a String is stored inline: making it is cheaper than looking it up.
        if raw.valueLength <= 15 { return decodeLabelValue(raw) }
        let hash = NameTable.hash(base + raw.valueStart, raw.valueLength)
        if let found = labelValueTable.find(base + raw.valueStart, raw.valueLength, hash: hash) {
            return labelValues[found]
        }
        guard let value = decodeLabelValue(raw) else { return nil }
        labelValueTable.insert(base + raw.valueStart, raw.valueLength, hash: hash)
        labelValues.append(value)
        return value
    }

    mutating func decodeLabelValue(_ raw: RawLabel) -> String? {
        let text = UnsafeBufferPointer(start: base + raw.valueStart, count: raw.valueLength)
        guard raw.escaped else { return makeString(text) }
        scratch.removeAll(keepingCapacity: true)
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == backslash {
                // Checked while scanning: a backslash is always followed by one of `\`, `"`, `n`.
                let next = text[index + 1]
                scratch.append(next == UInt8(ascii: "n") ? newline : next)
                index += 2
            } else {
                scratch.append(byte)
                index += 1
            }
        }
        return scratch.withUnsafeBufferPointer { makeString($0) }
    }

    // MARK: Result

    mutating func materialize() -> [MetricFamily] {
        switchOpenFamily(to: -1)
        var result: [MetricFamily] = []
        result.reserveCapacity(families.count)
        for (index, family) in families.enumerated() where family.wanted && !samples[index].isEmpty {
            var name: String
            if let known = names[index] {
                name = known
            } else {
                name = String(
                    decoding: UnsafeBufferPointer(start: base + family.nameStart, count: family.nameLength),
                    as: UTF8.self)
                name += family.declared.nameSuffix.text.description
            }
            result.append(
                MetricFamily(name: name, help: help(of: family), type: family.declared.type, samples: samples[index]))
        }
        return result
    }

    mutating func help(of family: FamilyState) -> String {
        guard family.helpLength > 0 else { return "" }
        let text = UnsafeBufferPointer(start: base + family.helpStart, count: family.helpLength)
        guard family.helpEscaped else { return String(decoding: text, as: UTF8.self) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if text[index] == backslash && index + 1 < text.count {
                bytes.append(text[index + 1] == UInt8(ascii: "n") ? newline : text[index + 1])
                index += 2
            } else {
                bytes.append(text[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A String from UTF-8 bytes, or nil if they are not valid UTF-8; plain ASCII skips the validation.
@inline(__always)
private func makeString(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    guard let start = bytes.baseAddress, bytes.count > 0 else { return "" }
    let raw = UnsafeRawPointer(start)
    var index = 0
    var high: UInt64 = 0
    while index + 8 <= bytes.count {
        high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        index += 8
    }
    while index < bytes.count {
        high |= UInt64(bytes[index])
        index += 1
    }
    if high & 0x8080_8080_8080_8080 == 0 { return String(decoding: bytes, as: UTF8.self) }
    return String(validating: bytes, as: UTF8.self)
}

/// Memory for bytes that must stay at one address while a parse runs.
private final class OwnedBytes {
    let pointer: UnsafeMutablePointer<UInt8>

    init(count: Int) {
        pointer = .allocate(capacity: max(count, 1))
    }

    deinit { pointer.deallocate() }
}

/// Two buffers of raw labels (previous and current sample) that keep one address between samples.
private final class RawLabelStorage {
    private(set) var first: UnsafeMutablePointer<RawLabel>
    private(set) var second: UnsafeMutablePointer<RawLabel>
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        first = Self.allocate(capacity)
        second = Self.allocate(capacity)
    }

    /// Doubles both buffers, keeping their contents.
    func grow(to newCapacity: Int) {
        let newFirst = Self.allocate(newCapacity)
        let newSecond = Self.allocate(newCapacity)
        newFirst.update(from: first, count: capacity)
        newSecond.update(from: second, count: capacity)
        first.deallocate()
        second.deallocate()
        first = newFirst
        second = newSecond
        capacity = newCapacity
    }

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<RawLabel> {
        let buffer = UnsafeMutablePointer<RawLabel>.allocate(capacity: capacity)
        buffer.initialize(
            repeating: RawLabel(nameStart: 0, nameLength: 0, valueStart: 0, valueLength: 0), count: capacity)
        return buffer
    }

    deinit {
        first.deallocate()
        second.deallocate()
    }
}
