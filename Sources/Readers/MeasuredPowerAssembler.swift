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
        // An array with positions by host, not a dictionary of samples: each series is appended in place.
        private var samples: [PowerSample] = []
        private var positionOfHost: [String: Int] = [:]
        /// The join label values of the largest answer so far, in its order, with their host's position (-1 for
        /// none). Prometheus lists an aggregation's groups in the order of their first series, sorted by labels,
        /// so the families' answers tend to name hosts in one order: a row is first tried against the entry after
        /// the previous row's, which spares working out its join key and looking it up.
        private var order: [(value: String, position: Int)] = []
        private var unjoined = 0
        private var invalid = 0

        public init(join: HostJoin, time: Double) {
            self.join = join
            self.time = time
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
            if samples.isEmpty {
                // Every family's answer names about as many hosts: the tables grow once, not by doubling.
                samples.reserveCapacity(answer.count)
                positionOfHost.reserveCapacity(answer.count)
            }

            // The counters of one join label value come from one scrape: its sample time is theirs.
            var sampleTimes: [String: Double] = [:]
            if family.isCounter {
                for row in 0..<answer.count where isSampleTime(row) {
                    if let value = label(row, joinColumn) { sampleTimes[value] = answer.values[row] }
                }
            }
            var seen: [(value: String, position: Int)] = []
            seen.reserveCapacity(answer.count)
            var cursor = 0
            for row in 0..<answer.count where !isSampleTime(row) {
                guard let value = label(row, joinColumn) else {
                    unjoined += 1
                    continue
                }
                let position: Int
                if cursor < order.count, order[cursor].value == value {
                    position = order[cursor].position
                    cursor += 1
                } else if cursor + 1 < order.count, order[cursor + 1].value == value {
                    position = order[cursor + 1].position // a host missing from this answer: back in step
                    cursor += 2
                } else {
                    position = self.position(ofHost: join.key(value: value))
                }
                seen.append((value, position))
                guard position >= 0 else {
                    unjoined += 1
                    continue
                }
                let id =
                    family == .node
                    ? value : MeasuredPowerFamilies.id(family, (idLabel(row, 0), idLabel(row, 1), idLabel(row, 2)))
                // In place: a copy out of the array would copy the host's arrays for every series.
                if !MeasuredPowerFamilies.add(
                    family, value: answer.values[row], id: id,
                    sampleTime: sampleTimes.isEmpty ? nil : sampleTimes[value],
                    scrapedWithReading: family.isNodeExporter, to: &samples[position])
                {
                    invalid += 1
                }
            }
            if seen.count > order.count { order = seen }
        }

        /// The position of a host's sample, adding it at first sight; -1 for no host.
        private mutating func position(ofHost host: String?) -> Int {
            guard let host else { return -1 }
            let position = Self.claim(&positionOfHost[host, default: -1], samples.count)
            if position == samples.count { samples.append(PowerSample(host: host, timestamp: time)) }
            return position
        }

        /// The position a host already has, else `next`, which it claims: one lookup either way.
        private static func claim(_ slot: inout Int, _ next: Int) -> Int {
            if slot < 0 { slot = next }
            return slot
        }

        public var result: Result {
            // Usually every sample holds a value and hosts came in order: the array is handed over, not copied.
            var kept = samples
            if kept.contains(where: { $0.isEmpty && $0.gpuUtilisation.isEmpty }) {
                kept = kept.filter { !$0.isEmpty || !$0.gpuUtilisation.isEmpty }
            }
            if !zip(kept, kept.dropFirst()).allSatisfy({ $0.host < $1.host }) { kept.sort { $0.host < $1.host } }
            return Result(samples: kept, unjoinedSeries: unjoined, invalidSeries: invalid)
        }
    }
}
