#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The state of one parse. The steps that read it are spread over extensions by concern: lines and
/// metadata (`Parser+Lines`), families (`Parser+Families`), samples (`Parser+Sample`), labels
/// (`Parser+Labels`), the result (`Parser+Result`) and error text (`Parser+Errors`).
struct Parser {
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
    var lastNameSuffix = SampleSuffix.none
    var lastName = ""

    var scratch: [UInt8] = []
    /// What the OpenMetrics checks remember between lines; untouched in the text format.
    var om = OpenMetricsState()

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
            (wantedTable, wantedBytes) = Self.table(of: wanted)
        } else {
            wantedTable = nil
            wantedBytes = nil
        }
    }

    /// A lookup table of `names`, keyed by bytes that the returned storage owns.
    private static func table(of names: Set<String>) -> (NameTable, OwnedBytes) {
        let storage = OwnedBytes(count: names.reduce(0) { $0 + $1.utf8.count })
        var table = NameTable(capacity: names.count)
        var offset = 0
        for name in names {
            let key = storage.pointer + offset
            for byte in name.utf8 {
                storage.pointer[offset] = byte
                offset += 1
            }
            let length = key.distance(to: storage.pointer + offset)
            let hash = NameTable.hash(key, length)
            if table.find(key, length, hash: hash) == nil { table.insert(key, length, hash: hash) }
        }
        return (table, storage)
    }

    // MARK: Cursor

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

    /// The index of the next line feed from `start`, or the end of input.
    func lineFeed(from start: Int) -> Int {
        guard start < end, let found = memchr(base + start, Int32(newline), end - start) else { return end }
        return UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
    }

    /// Jumps past the next line feed.
    mutating func skipLine() {
        pos = min(lineFeed(from: pos) + 1, end)
        line += 1
    }
}
