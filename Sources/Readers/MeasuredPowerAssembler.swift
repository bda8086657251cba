import Model

extension MeasuredPowerReader {
    /// Folds decoded answers into per-host samples; public so that tests and benchmarks can feed answers directly.
    ///
    /// A series is filed under its join key; a zone or GPU is told apart by `MeasuredPowerFamilies.idLabels`, and a
    /// whole-node meter by its join label value (the bridge's query sums each value's meters). A counter takes the
    /// sample time of the `footprint_sample` series with its join label value; a RAPL counter without one came
    /// with the host's node reading and takes its time (`PowerSample.Counter.scrapedWithReading`).
    public struct Assembler: Sendable {
        let join: HostJoin
        let time: Double
        // Flat, with positions by host, not a dictionary of samples: each series is one value appended.
        private var samples = PowerSamples.Builder()
        private var cache: JoinCache
        /// This collection's position of each join key (by its slot in `cache`), -1 until it has one.
        private var positionOfKey: [Int]
        /// Which join label values (by slot in `cache`) this collection named, and how many.
        private var valueNamed: [Bool]
        private var valuesNamed = 0
        private var unjoined = 0
        private var invalid = 0

        /// - Parameter cache: what an earlier collection learnt about the join label values (`joinCache`), so
        ///   that a value seen before costs a comparison with the one expected next rather than working out its
        ///   join key again and looking it up; empty by default.
        public init(join: HostJoin, time: Double, cache: JoinCache = JoinCache()) {
            self.join = join
            self.time = time
            self.cache = cache.join == join ? cache : JoinCache(join: join)
            positionOfKey = Array(repeating: -1, count: self.cache.keys.hosts.count)
            valueNamed = Array(repeating: false, count: self.cache.keyOfValue.count)
        }

        /// The labels an answer of `family` is decoded with (`PrometheusQueryResponse.decodeColumns`): the join
        /// label, the sample-time tag, then the family's id labels.
        public static func columnLabels(_ family: MeasuredPowerFamilies.Family, join: HostJoin) -> [String] {
            var labels = [join.label, MeasuredPowerReader.sampleLabel]
            for label in MeasuredPowerFamilies.idLabels(family) where !labels.contains(label) { labels.append(label) }
            return labels
        }

        /// Adds an answer decoded with full label sets (a range answer's step, a test's answer).
        public mutating func add(_ family: MeasuredPowerFamilies.Family, _ answer: PrometheusQueryResponse) {
            var columns = PrometheusVectorColumns(labelNames: Self.columnLabels(family, join: join))
            columns.warnings = answer.warnings
            for sample in answer.samples {
                columns.append(
                    columns.labelNames.map { sample.labels[$0] }, timestamp: sample.timestamp, value: sample.value)
            }
            add(family, columns)
        }

        /// Adds an answer decoded down to `columnLabels(family, join:)` (other columns are ignored, missing ones
        /// read as absent labels).
        public mutating func add(_ family: MeasuredPowerFamilies.Family, _ answer: PrometheusVectorColumns) {
            let names = answer.labelNames
            let joinColumn = names.firstIndex(of: join.label)
            let tagColumn = names.firstIndex(of: MeasuredPowerReader.sampleLabel)
            let idColumns = MeasuredPowerFamilies.idLabels(family).map { names.firstIndex(of: $0) }
            func label(_ row: Int, _ column: Int?) -> String? { column.flatMap { answer.label(row, $0) } }
            func idLabel(_ row: Int, _ index: Int) -> String? {
                index < idColumns.count ? label(row, idColumns[index]) : nil
            }
            func isSampleTime(_ row: Int) -> Bool { label(row, tagColumn) != nil }
            cache.answers[family] = answer
            if samples.hosts.isEmpty {
                // Every family's answer names about as many hosts: the tables grow once, not by doubling.
                samples.reserveCapacity(hosts: answer.count)
            }

            // The counters of one join label value come from one scrape: its sample time is theirs.
            var sampleTimes: [String: Double] = [:]
            if family.isCounter {
                // Sized once: grown time by time, the table rehashes every key several times.
                sampleTimes.reserveCapacity((0..<answer.count).count(where: isSampleTime))
                for row in 0..<answer.count where isSampleTime(row) {
                    if let value = label(row, joinColumn) { sampleTimes[value] = answer.values[row] }
                }
            }
            for row in 0..<answer.count where !isSampleTime(row) {
                guard let value = label(row, joinColumn) else {
                    unjoined += 1
                    continue
                }
                let position = self.position(ofValue: value)
                guard position >= 0 else {
                    unjoined += 1
                    continue
                }
                let id =
                    family == .node
                    ? value : MeasuredPowerFamilies.id(family, (idLabel(row, 0), idLabel(row, 1), idLabel(row, 2)))
                guard
                    let measured = MeasuredPowerFamilies.value(
                        family, value: answer.values[row], id: id,
                        sampleTime: sampleTimes.isEmpty ? nil : sampleTimes[value],
                        scrapedWithReading: family.isNodeExporter)
                else {
                    invalid += 1
                    continue
                }
                samples.add(measured, to: position)
            }
        }

        /// The position of the sample of the host a join label value belongs to, adding it at first sight; -1
        /// for a value without a join key.
        private mutating func position(ofValue value: String) -> Int {
            let slot = cache.values.slotAdding(value)
            if slot == cache.keyOfValue.count {
                // A value never seen: its join key is worked out once, for this collection and the next ones.
                cache.keyOfValue.append(join.key(value: value).map { cache.keys.slotAdding($0) } ?? -1)
                valueNamed.append(false)
            }
            if !valueNamed[slot] {
                valueNamed[slot] = true
                valuesNamed += 1
            }
            let key = cache.keyOfValue[slot]
            guard key >= 0 else { return -1 }
            if key >= positionOfKey.count {
                positionOfKey.append(contentsOf: repeatElement(-1, count: key + 1 - positionOfKey.count))
            }
            if positionOfKey[key] < 0 { positionOfKey[key] = samples.addHost(cache.keys.hosts[key], timestamp: time) }
            return positionOfKey[key]
        }

        /// The family's previous answer, for decoding its next one
        /// (`PrometheusQueryResponse.decodeColumns(_:labels:expecting:)`).
        public func previousAnswer(_ family: MeasuredPowerFamilies.Family) -> PrometheusVectorColumns? {
            cache.answers[family]
        }

        /// What this collection learnt about join label values, for the next collection's assembler. When most
        /// values it knows were not named this time (the fleet shrank), it starts again empty, so that it follows
        /// the fleet.
        public var joinCache: JoinCache {
            cache.keyOfValue.count > 2 * valuesNamed + 1_024 ? JoinCache(join: join) : cache
        }

        /// Every host that got a value, sorted by host, and the series skipped.
        public var result: Result {
            Result(samples: samples.samples, unjoinedSeries: unjoined, invalidSeries: invalid)
        }
    }

    /// The join label values an assembler has met, numbered in the order they came, each with the slot of its join
    /// key (-1 for none). Answers name hosts in the same order collection after collection, so each value is
    /// first compared with the one after the previous (`HostSlots`).
    public struct JoinCache: Sendable {
        /// The join it was built with; an assembler with another starts afresh.
        let join: HostJoin?
        var values = HostSlots()
        var keyOfValue: [Int] = []
        var keys = HostSlots()
        /// Each family's last answer: the next one names the same hosts in the same order, so its values can be
        /// recognised rather than made again. Held until then (about 100 bytes per series).
        var answers: [MeasuredPowerFamilies.Family: PrometheusVectorColumns] = [:]

        public init() { join = nil }

        init(join: HostJoin) { self.join = join }

        /// How many join label values it knows.
        public var count: Int { keyOfValue.count }
    }
}
