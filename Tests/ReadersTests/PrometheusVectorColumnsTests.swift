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
          {"metric":{"instance":"d:9100","instance":"e:9100"},"value":[1795346045.750,"2.5"]}
        ]}}
        """#

    @Test func keepsTheNamedLabelsInTheirOrderAndMatchesTheFullDecode() throws {
        let columns = try Self.columns(Self.answer, ["zone", "instance"])
        let full = try PrometheusQueryResponse.decode(Array(Self.answer.utf8))
        #expect(columns.labelNames == ["zone", "instance"])
        #expect(columns.warnings == ["slow"])
        // The histogram-only series is left out, as in the full decode.
        #expect(columns.count == full.samples.count)
        #expect(columns.count == 4)
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
    }

    @Test func noLabelsAtAllStillGivesEveryValue() throws {
        let columns = try Self.columns(Self.answer, [])
        #expect(columns.labelValues.isEmpty)
        #expect(columns.values.count == 4)
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
}
