import Testing

@testable import Readers

/// Column decoding keeps the named labels of each series and agrees with the full decode on everything it keeps.
@Suite struct PrometheusVectorColumnsTests {
    static func columns(_ text: String, _ labels: [String]) throws(ReaderError) -> PrometheusVectorColumns {
        try PrometheusQueryResponse.decodeColumns(Array(text.utf8), labels: labels)
    }

    static let answer = #"""
        {"status":"success","warnings":["slow"],"data":{"resultType":"vector","result":[
          {"metric":{"__name__":"up","instance":"a:9100","job":"node","zone":"z\u00e9"},"value":[1795346045.750,"1"]},
          {"metric":{"instance":"b:9100"},"value":[1795346046,"NaN"]},
          {"metric":{"job":"node"},"value":[1795346045.750,"+Inf"]},
          {"metric":{"instance":"c:9100"},"histogram":[1795346045.750,{"count":"1","sum":"1"}]},
          {"metric":{"instance":"d:9100","instance":"e:9100"},"value":[1795346045.750,"2.5"]},
          {"metric":{"instance":"f:9100","zone":"x"},"metric":{"instance":"g:9100"},"value":[1795346045.750,"3"]}
        ]}}
        """#

    @Test func keepsTheNamedLabelsInTheirOrderAndMatchesTheFullDecode() throws {
        let columns = try Self.columns(Self.answer, ["zone", "instance"])
        let full = try PrometheusQueryResponse.decode(Array(Self.answer.utf8))
        #expect(columns.labelNames == ["zone", "instance"])
        #expect(columns.warnings == ["slow"])
        // The histogram-only series is left out, as in the full decode.
        #expect(columns.count == full.samples.count)
        #expect(columns.count == 5)
        for (row, sample) in full.samples.enumerated() {
            #expect(columns.label(row, 0) == sample.labels["zone"])
            #expect(columns.label(row, 1) == sample.labels["instance"])
            #expect(columns.timestamps[row] == sample.timestamp)
            #expect(columns.values[row] == sample.value || (columns.values[row].isNaN && sample.value.isNaN))
        }
        #expect(columns.label(0, 0) == "zé")
        #expect(columns.label(2, 1) == nil)
        // A name given twice keeps its last value, as a label set does.
        #expect(columns.label(3, 1) == "e:9100")
        // A second `metric` object replaces the first whole, as in the full decode.
        #expect(columns.label(4, 0) == nil)
        #expect(columns.label(4, 1) == "g:9100")
    }

    @Test func noLabelsAtAllStillGivesEveryValue() throws {
        let columns = try Self.columns(Self.answer, [])
        #expect(columns.labelValues.isEmpty)
        #expect(columns.values.count == 5)
        #expect(columns.values[3] == 2.5)
    }

    @Test func resultBeforeResultTypeIsReadToo() throws {
        let text =
            #"{"status":"success","data":{"result":[{"metric":{"instance":"a"},"value":[1,"3"]}],"#
            + #""resultType":"vector"}}"#
        let columns = try Self.columns(text, ["instance"])
        #expect(columns.label(0, 0) == "a")
        #expect(columns.values == [3])
    }

    @Test func errorsAreTheFullDecodesErrors() {
        let bodies = [
            #"{"status":"error","errorType":"bad_data","error":"parse error"}"#,
            #"{"status":"success","data":{"resultType":"matrix","result":[]}}"#,
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"1"]}]}}"#,
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1,"x"]}]}}"#,
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"}}]}}"#,
            #"{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1"]}]}} trailing"#,
        ]
        for body in bodies {
            var full: ReaderError?
            var columns: ReaderError?
            do { _ = try PrometheusQueryResponse.decode(Array(body.utf8)) } catch { full = error }
            do { _ = try Self.columns(body, ["a"]) } catch { columns = error }
            #expect(full != nil, "\(body)")
            #expect(columns?.code == full?.code, "\(body)")
            #expect(columns?.detail == full?.detail, "\(body)")
        }
    }

    @Test func aKeptLabelWithInvalidUTF8IsRejectedAndASkippedOneIsNot() throws {
        func body(_ name: String) -> [UInt8] {
            Array(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{""#.utf8) + Array(name.utf8)
                + Array(#"":""#.utf8) + [0xC3, 0x28] + Array(#""},"value":[1,"1"]}]}}"#.utf8)
        }
        #expect(throws: ReaderError.self) { try PrometheusQueryResponse.decodeColumns(body("kept"), labels: ["kept"]) }
        let skipped = try PrometheusQueryResponse.decodeColumns(body("other"), labels: ["kept"])
        #expect(skipped.values == [1])
        #expect(skipped.label(0, 0) == nil)
    }

    /// An answer with one series per host, its `instance` escaped where `escaped` says.
    static func hostsAnswer(_ hosts: [String], escaped: Set<String> = []) -> String {
        let series = hosts.map { host in
            let value = escaped.contains(host) ? host.replacingOccurrences(of: "a", with: "\\u0061") : host
            return #"{"metric":{"instance":"\#(value):9100","job":"node"},"value":[5,"1"]}"#
        }
        return #"{"status":"success","data":{"resultType":"vector","result":["# + series.joined(separator: ",") + "]}}"
    }

    /// Whether two strings share their storage (one was handed on, not made again).
    static func sameStorage(_ first: String?, _ second: String?) -> Bool {
        guard let first, let second,
            let a = first.utf8.withContiguousStorageIfAvailable({ $0.baseAddress }),
            let b = second.utf8.withContiguousStorageIfAvailable({ $0.baseAddress })
        else { return false }
        return a == b
    }

    @Test func expectedValuesGiveTheSameColumnsAndAreHandedOn() throws {
        // Long names: a String of 16 bytes or more has storage of its own.
        let hosts = (0..<6).map { "workspace-\($0).example.net" }
        let previous = try Self.columns(Self.hostsAnswer(hosts), ["instance", "job"])
        for (name, now, escaped) in [
            ("the same hosts", hosts, Set<String>()),
            ("a host gone", Array(hosts.prefix(2) + hosts.dropFirst(3)), []),
            ("a new host", Array(hosts.prefix(2) + ["workspace-new.example.net"] + hosts.dropFirst(2)), []),
            ("another order", hosts.reversed(), []),
            ("an escaped value", hosts, [hosts[1]]),
        ] {
            let text = Self.hostsAnswer(now, escaped: escaped)
            let hinted = try PrometheusQueryResponse.decodeColumns(
                Array(text.utf8), labels: ["instance", "job"], expecting: previous)
            #expect(hinted == (try Self.columns(text, ["instance", "job"])), "\(name)")
            // Every host found in the previous answer in step is the previous answer's String.
            let handedOn = (0..<hinted.count).filter { row in
                (0..<previous.count).contains { Self.sameStorage(previous.label($0, 0), hinted.label(row, 0)) }
            }
            switch name {
            case "the same hosts": #expect(handedOn.count == hosts.count)
            case "a host gone": #expect(handedOn.count == hosts.count - 1)
            case "a new host": #expect(handedOn.count == hosts.count)
            case "an escaped value": #expect(handedOn == [0, 2, 3, 4, 5])
            default: #expect(handedOn.count < hosts.count)
            }
        }
    }

    @Test func expectedValuesOfOtherBytesOrNoneAreNotTaken() throws {
        let text = Self.hostsAnswer(["workspace-1.example.net", "workspace-2.example.net"])
        // Same length, other bytes; a missing value; more expected series than there are; another label kept.
        var previous = PrometheusVectorColumns(labelNames: ["instance", "job"])
        for (host, job) in [
            ("workspace-9.example.net:9100", "node"), ("workspace-2.example.net:9100", nil),
            ("workspace-2.example.net:9100", "node"), ("x", "node"),
        ] {
            previous.append([host, job], timestamp: 5, value: 1)
        }
        let hinted = try PrometheusQueryResponse.decodeColumns(
            Array(text.utf8), labels: ["instance", "job"], expecting: previous)
        #expect(hinted == (try Self.columns(text, ["instance", "job"])))
        #expect(!Self.sameStorage(hinted.label(0, 0), previous.label(0, 0)))
        #expect(Self.sameStorage(hinted.label(1, 0), previous.label(1, 0)))
        // Columns other than the host are looked for at the host's place.
        #expect(hinted.label(1, 1) == "node")
        let otherLabels = try PrometheusQueryResponse.decodeColumns(
            Array(text.utf8), labels: ["job", "instance"], expecting: previous)
        #expect(otherLabels == (try Self.columns(text, ["job", "instance"])))
        // Short values (kept in place, compared byte by byte): one byte off is not taken, the same bytes are.
        var short = PrometheusVectorColumns(labelNames: ["instance", "job"])
        short.append(["workspace-1.example.net:9100", "nodx"], timestamp: 5, value: 1)
        short.append(["workspace-2.example.net:9100", "node"], timestamp: 5, value: 1)
        let shortHinted = try PrometheusQueryResponse.decodeColumns(
            Array(text.utf8), labels: ["instance", "job"], expecting: short)
        #expect(shortHinted == (try Self.columns(text, ["instance", "job"])))
        #expect(shortHinted.label(0, 1) == "node")
        #expect(shortHinted.label(1, 1) == "node")
    }

    @Test func verbatimExpectedValuesAreComparedBeforeScanning() throws {
        let hosts = ["workspace-1.example.net", "wörkspace-2.example.net", "workspace-3.example.net"]
        let previous = try Self.columns(Self.hostsAnswer(hosts), ["instance", "job"])
        #expect(previous.labelsAreVerbatim)
        func hinted(
            _ text: String, expecting expected: PrometheusVectorColumns
        ) throws(ReaderError)
            -> PrometheusVectorColumns
        {
            try PrometheusQueryResponse.decodeColumns(
                Array(text.utf8), labels: ["instance", "job"], expecting: expected)
        }
        // The same bytes are the previous Strings, non-ASCII ones too.
        let again = try hinted(Self.hostsAnswer(hosts), expecting: previous)
        #expect(again == previous)
        #expect((0..<3).allSatisfy { Self.sameStorage(again.label($0, 0), previous.label($0, 0)) })
        // A value that only starts with the expected one (no quote after its bytes) is read in full; so is one
        // with an escape, even when it decodes to the expected value.
        for (name, text) in [
            ("a longer value", Self.hostsAnswer(hosts).replacingOccurrences(of: ":9100\"", with: ":91000\"")),
            ("an escape", Self.hostsAnswer(hosts, escaped: [hosts[0]])),
        ] {
            let decoded = try hinted(text, expecting: previous)
            #expect(decoded == (try Self.columns(text, ["instance", "job"])), "\(name)")
            #expect(decoded.labelsAreVerbatim == (name == "a longer value"), "\(name)")
        }
        // Cut off right after an expected value's bytes: as malformed as without the expectation.
        let whole = Self.hostsAnswer(hosts)
        let cut = String(whole[..<whole.range(of: "workspace-1.example.net:9100")!.upperBound])
        #expect(throws: ReaderError.self) { try hinted(cut, expecting: previous) }
        // An answer with an escaped value, or one not decoded, is not compared before scanning, and still gives
        // the same columns.
        let escaped = try Self.columns(Self.hostsAnswer(hosts, escaped: [hosts[2]]), ["instance", "job"])
        #expect(!escaped.labelsAreVerbatim)
        var built = PrometheusVectorColumns(labelNames: ["instance", "job"])
        for host in hosts { built.append([host + ":9100", "node"], timestamp: 5, value: 1) }
        #expect(!built.labelsAreVerbatim)
        for expected in [escaped, built] {
            let decoded = try hinted(Self.hostsAnswer(hosts), expecting: expected)
            #expect(decoded == previous)
            #expect(decoded.labelsAreVerbatim)
        }
    }

    @Test func rowsArePickedInTheirOrder() throws {
        let columns = try Self.columns(Self.hostsAnswer(["a", "b", "c"]), ["instance"])
        #expect(columns.rows([2, 0, 7]).labelValues == ["c:9100", "a:9100"])
        #expect(columns.rows([]).count == 0)
    }
}
