import Foundation
import TestSupport
import Testing

@testable import Readers

/// The hand-written reader of Prometheus API JSON: syntax, envelope rules, floats, and hostile input.
@Suite struct PrometheusJSONTests {
    static func decode(_ text: String) throws(ReaderError) -> PrometheusQueryResponse {
        try PrometheusQueryResponse.decode(Array(text.utf8))
    }

    /// A one-series vector response with the given pieces spliced in verbatim.
    static func vector(metric: String = #"{"a":"b"}"#, time: String = "1", value: String = #""1""#) -> String {
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":\#(metric),"value":[\#(time),\#(value)]}]}}"#
    }

    static func malformed(_ text: String) -> ReaderError? {
        malformed(Array(text.utf8))
    }

    static func malformed(_ bytes: [UInt8]) -> ReaderError? {
        do {
            _ = try PrometheusQueryResponse.decode(bytes)
            return nil
        } catch {
            return error.isMalformed ? error : nil
        }
    }

    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index in
            var rest = items
            let first = rest.remove(at: index)
            return permutations(rest).map { [first] + $0 }
        }
    }

    // MARK: Keys and structure

    static let topLevelOrders = permutations([
        #""status":"success""#,
        #""data":DATA"#,
        #""warnings":["slow query"]"#,
        #""infos":["x"]"#,
    ])

    @Test(arguments: topLevelOrders)
    func keysMayComeInAnyOrder(topLevel: [String]) throws {
        let seriesOrders = [
            #"{"metric":{"instance":"h1","mode":"idle"},"value":[1795346045.750,"1.5"]}"#,
            #"{"value":[1795346045.750,"1.5"],"metric":{"mode":"idle","instance":"h1"}}"#,
        ]
        for series in seriesOrders {
            let dataMembers = [#""resultType":"vector""#, #""result":[\#(series)]"#, #""stats":{"timings":[1,2]}"#]
            for data in Self.permutations(dataMembers) {
                let text =
                    "{"
                    + topLevel.joined(separator: ",").replacingOccurrences(
                        of: "DATA", with: "{" + data.joined(separator: ",") + "}") + "}"
                let response = try Self.decode(text)
                #expect(
                    response.samples == [
                        .init(labels: ["instance": "h1", "mode": "idle"], timestamp: 1_795_346_045.75, value: 1.5)
                    ], "\(text)")
                #expect(response.warnings == ["slow query"])
            }
        }
    }

    @Test(arguments: [
        #"{}"#, #"[]"#, #"{"a":[1,{"b":null}],"c":{}}"#, #"[[[[[[[[[[]]]]]]]]]]"#, #""s\"\\\/\u00e9""#, "-0.5e-7", "0",
        "true",
        "false", "null", #"{"histogram":[1,{"buckets":[[0,"1","2","3"]]}]}"#,
        String(repeating: "[", count: 63) + String(repeating: "]", count: 63),
    ])
    func unknownKeysAreSkippedWhateverTheirValue(unknown: String) throws {
        let text =
            #"{"x":\#(unknown),"status":"success","data":{"y":\#(unknown),"resultType":"vector","result":[{"z":\#(unknown),"metric":{"a":"b"},"value":[1,"2"]}]},"w":\#(unknown)}"#
        let response = try Self.decode(text)
        #expect(response.samples == [.init(labels: ["a": "b"], timestamp: 1, value: 2)])
    }

    @Test(arguments: [65, 1_000, 200_000])
    func deepNestingIsRefusedNotRecursed(depth: Int) throws {
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let error = try #require(Self.malformed(#"{"status":"success","junk":\#(deep)}"#))
        #expect(error.detail.contains("nesting"))
        #expect(Self.malformed(#"{"junk":"# + String(repeating: #"{"a":"#, count: depth)) != nil)
    }

    @Test func whitespaceAnywhere() throws {
        let text =
            " \n{ \"status\" :\t\"success\" ,\r\n \"data\" : { \"resultType\" : \"vector\" , \"result\" : [ { \"metric\" : { \"a\" : \"b\" , \"c\" : \"d\" } , \"value\" : [ 1.5 , \"2\" ] } , { \"metric\" : { } , \"value\" : [ 3 , \"4\" ] } ] } , \"warnings\" : [ \"w\" ] } \n\t"
        let response = try Self.decode(text)
        #expect(
            response.samples == [
                .init(labels: ["a": "b", "c": "d"], timestamp: 1.5, value: 2),
                .init(labels: [:], timestamp: 3, value: 4),
            ])
        #expect(response.warnings == ["w"])
    }

    @Test func resultBeforeResultTypeIsReadAfterwards() throws {
        let text =
            #"{"data":{"result":[{"metric":{"a":"b"},"value":[1,"2"]}],"resultType":"vector"},"status":"success"}"#
        #expect(try Self.decode(text).samples == [.init(labels: ["a": "b"], timestamp: 1, value: 2)])
        let matrix = #"{"data":{"result":[{"metric":{},"values":[[1,"2"]]}],"resultType":"matrix"},"status":"success"}"#
        #expect(Self.malformed(matrix)?.detail == "expected a vector result, got matrix")
    }

    @Test func nativeHistogramSeriesAreLeftOut() throws {
        let text =
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[1,"1"]},{"metric":{"a":"2"},"histogram":[1,{"count":"2","sum":"3","buckets":[[0,"0.5","1","2"]]}]},{"metric":{"a":"3"},"value":[1,"3"]}]}}"#
        #expect(try Self.decode(text).samples.map(\.value) == [1, 3])
    }

    @Test func warningsAreRead() throws {
        let base = #"{"status":"success","data":{"resultType":"vector","result":[]}"#
        #expect(try Self.decode(base + #","warnings":["a","b \u00e9"],"infos":["i"]}"#).warnings == ["a", "b é"])
        #expect(try Self.decode(base + #","warnings":null}"#).warnings == [])
        #expect(try Self.decode(base + #","warnings":[]}"#).warnings == [])
        #expect(try Self.decode(base + "}").warnings == [])
        #expect(Self.malformed(base + #","warnings":[1]}"#) != nil)
        #expect(Self.malformed(base + #","warnings":"a"}"#) != nil)
    }

    // MARK: Envelope rules

    @Test(arguments: [
        (#"{"status":"error","errorType":"bad_data","error":"parse error"}"#, "bad_data: parse error"),
        (#"{"error":"x","data":{"resultType":"vector","result":[]},"status":"error"}"#, "unknown: x"),
        (#"{"status":"fail","errorType":"timeout","error":null}"#, "timeout: no error message"),
    ])
    func upstreamErrorsKeepTheirText(body: String, detail: String) throws {
        let error = try #require(throws: ReaderError.self) { try Self.decode(body) }
        #expect(error == .upstreamError(detail))
    }

    @Test func recordedErrorFixture() throws {
        let body = try Fixture.data("prometheus-api/error_bad_query.json")
        let error = try #require(throws: ReaderError.self) { try PrometheusQueryResponse.decode(body) }
        #expect(
            error
                == .upstreamError(
                    #"bad_data: invalid parameter "query": 1:18: parse error: unexpected "(" in grouping opts, expected "," or ")""#
                ))
    }

    @Test(arguments: [
        ("", "end of input"),
        ("[]", "expected a JSON object at byte 0"),
        (#"{"data":{"resultType":"vector","result":[]}}"#, "missing key status"),
        (#"{"status":null}"#, "status is not a string"),
        (#"{"status":1}"#, "status is not a string"),
        (#"{"status":"success"}"#, "success without data"),
        (#"{"status":"success","data":null}"#, "success without data"),
        (#"{"status":"success","data":[]}"#, "data is not an object"),
        (#"{"status":"success","data":{"result":[]}}"#, "missing key resultType"),
        (#"{"status":"success","data":{"resultType":"vector"}}"#, "missing key result"),
        (#"{"status":"success","data":{"resultType":"vector","result":null}}"#, "result is not an array"),
        (
            #"{"status":"success","data":{"resultType":"scalar","result":[1,"1"]}}"#,
            "expected a vector result, got scalar"
        ),
        (#"{"status":"success","data":{"resultType":"vector","result":[1]}}"#, "series is not an object"),
        (#"{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1"]}]}}"#, "missing key metric"),
        (#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}}"#, "missing key value"),
        (
            #"{"status":"success","data":{"resultType":"vector","result":[]}} x"#,
            "unexpected data after the response at byte 64"
        ),
        (#"{"status":"success","data":{"resultType":"vector","result":[]},}"#, "expected a key"),
        (#"{"status":"success","data":{"resultType":"vector","result":[]}"#, "end of input at byte 62"),
    ])
    func envelopeProblemsAreMalformed(body: String, detail: String) throws {
        let error = try #require(Self.malformed(body), "\(body)")
        #expect(error.detail.contains(detail), "\(error.detail)")
    }

    @Test(arguments: [
        "null", "[]", #"{"a":1}"#, #"{"a":null}"#, #"{"a":["b"]}"#, #"{"a":"b",}"#, #"{"a"}"#, #"{"a":"b" "c":"d"}"#,
    ])
    func metricMustBeAnObjectOfStrings(metric: String) {
        #expect(Self.malformed(Self.vector(metric: metric)) != nil, "\(metric)")
    }

    @Test(arguments: [
        "[1]", #"[1,"1",2]"#, #"["1","1"]"#, "[1,1]", "[]", "{}", "null", #"[1,"1""#, #"[1 "1"]"#, #"[null,"1"]"#,
    ])
    func valueMustBeATimeAndAString(point: String) {
        let text = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":\#(point)}]}}"#
        #expect(Self.malformed(text) != nil, "\(point)")
    }

    @Test func errorsSayWhere() throws {
        let body = Self.vector(value: #""abc""#)
        let error = try #require(Self.malformed(body))
        let offset = body.utf8.count - 10
        #expect(error.detail == "sample value \"abc\" is not a number at byte \(offset)")
        #expect(
            Self.malformed(
                #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]]]}}"#)?
                .detail == "expected ',' or '}' at byte 88")
    }

    @Test func byteOrderMarkIsAccepted() throws {
        #expect(try PrometheusQueryResponse.decode([0xEF, 0xBB, 0xBF] + Array(Self.vector().utf8)).samples.count == 1)
    }

    // MARK: Strings

    @Test(arguments: [
        (#"\""#, "\""), (#"\\"#, "\\"), (#"\/"#, "/"), (#"\b\f\n\r\t"#, "\u{8}\u{C}\n\r\t"),
        (#"\u0041\u00e9\u20AC"#, "Aé€"),
        (#"\ud83d\ude00"#, "😀"), (#"\uD834\uDD1E!"#, "𝄞!"), (#"\u0000"#, "\u{0}"), ("ü日本 😀", "ü日本 😀"),
        (#"a\"b\\c"#, "a\"b\\c"), ("plain", "plain"), ("", ""),
    ])
    func escapesAreDecodedInNamesAndValues(json: String, text: String) throws {
        let metric = #"{"\#(json)":"\#(json)","n":"\#(json)x"}"#
        let response = try Self.decode(Self.vector(metric: metric))
        #expect(response.samples.first?.labels == [text: text, "n": text + "x"])
    }

    @Test(arguments: 0..<24)
    func escapesAndSpecialBytesAreFoundAtEveryAlignment(offset: Int) throws {
        // Strings are scanned several bytes at a time: each special byte must be seen wherever it falls.
        let pad = String(repeating: "x", count: offset)
        for (json, text) in [(#"\""#, "\""), (#"\\"#, "\\"), (#"\u00e9"#, "é"), ("é", "é"), ("😀", "😀")] {
            let metric = #"{"\#(pad)\#(json)yyyyyyyyyy":"\#(pad)\#(json)zzzzzzzzzzzz"}"#
            let labels = try Self.decode(Self.vector(metric: metric)).samples.first?.labels
            #expect(labels == [pad + text + "yyyyyyyyyy": pad + text + "zzzzzzzzzzzz"], "\(offset) \(json)")
        }
        #expect(Self.malformed(Self.vector(metric: #"{"a":"\#(pad)\u{1}zzzzzzzzzzzz"}"#)) != nil)
        let parts = Self.vector(metric: #"{"a":"\#(pad)XXzzzzzzzzzzzz"}"#).components(separatedBy: "XX")
        #expect(Self.malformed(Array(parts[0].utf8) + [0xFF] + Array(parts[1].utf8)) != nil)
    }

    @Test func escapedKeysAreStillKeys() throws {
        let text =
            #"{"st\u0061tus":"success","d\u0061ta":{"resultType":"v\u0065ctor","result":[{"metric":{},"v\u0061lue":[1,"\u0032"]}]}}"#
        #expect(try Self.decode(text).samples.map(\.value) == [2])
    }

    @Test(arguments: [
        #"\x"#, #"\u12"#, #"\u12G4"#, #"\ud83d"#, #"\ude00"#, #"\ud83d\u0041"#, #"\ud83dx"#, #"\U0041"#, #"\'"#,
        "\\\u{1}", "a\u{1F}b",
        "tab\there", "new\nline",
    ])
    func invalidStringsAreMalformed(json: String) {
        #expect(Self.malformed(Self.vector(metric: #"{"a":"\#(json)"}"#)) != nil, "\(json)")
        // In skipped values too.
        #expect(Self.malformed(#"{"skip":"\#(json)","# + Self.vector().dropFirst()) != nil, "\(json)")
    }

    @Test(
        arguments: [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80]] as [[UInt8]])
    func invalidUTF8InLabelsIsMalformed(bytes: [UInt8]) {
        let parts = Self.vector(metric: #"{"a":"XX"}"#).components(separatedBy: "XX")
        #expect(Self.malformed(Array(parts[0].utf8) + bytes + Array(parts[1].utf8)) != nil)
        #expect(Self.malformed(Array(parts[0].utf8) + [UInt8(ascii: "x")] + bytes + Array(parts[1].utf8)) != nil)
    }

    @Test func manyDistinctLabelNamesAndRepeatedValues() throws {
        // More names than the interning cache holds, and values equal or not to the previous series'.
        let names = (0..<100).map { "label_\($0)" }
        var series: [String] = []
        var expected: [[String: String]] = []
        for index in 0..<6 {
            var labels: [String: String] = [:]
            for (position, name) in names.enumerated() {
                labels[name] = position % 3 == 0 ? "same" : "v\((index / 2) * 7 + position % 2)"
            }
            labels["instance"] = index < 3 ? "host-a.example.net:9100" : "host-b.example.net:9100"
            expected.append(labels)
            let metric = labels.sorted { $0.key < $1.key }.map { #""\#($0.key)":"\#($0.value)""# }.joined(
                separator: ",")
            series.append(#"{"metric":{\#(metric)},"value":[1,"\#(index)"]}"#)
        }
        let text = #"{"status":"success","data":{"resultType":"vector","result":[\#(series.joined(separator: ","))]}}"#
        #expect(try Self.decode(text).samples.map(\.labels) == expected)
    }

    // MARK: Numbers

    @Test(arguments: [
        ("NaN", Double.nan), ("nan", .nan), ("NAN", .nan), ("nAn", .nan), ("+Inf", .infinity), ("-Inf", -.infinity),
        ("Inf", .infinity), ("inf", .infinity), ("INF", .infinity), ("+inf", .infinity), ("-inf", -.infinity),
        ("Infinity", .infinity), ("infinity", .infinity), ("+Infinity", .infinity), ("-INFINITY", -.infinity),
        ("iNfInItY", .infinity),
    ])
    func specialFloatSpellings(text: String, expected: Double) throws {
        let value = try #require(try Self.decode(Self.vector(value: #""\#(text)""#)).samples.first?.value)
        #expect(value == expected || (value.isNaN && expected.isNaN))
        #expect(value.sign == expected.sign || expected.isNaN)
    }

    @Test(arguments: [
        "0", "-0", "+0", "1", "-1", "+1", "1.", ".5", "-.5", "+.5", "007", "1e3", "1E+3", "1e-3", "0.1",
        "0.30000000000000004",
        "7084.280000000001", "0.00787713676044689", "1795347120.5", "1e+22", "1e22", "1e23", "0.0000001",
        "9007199254740993",
        "123456789012345678901234567890", "1.7976931348623157e308", "2.2250738585072014e-308", "5e-324", "4.9e-324",
        "1e-400",
        "1e400", "-1e400", "0e99999999999999999999", "1." + String(repeating: "0", count: 400) + "1",
        "0." + String(repeating: "0", count: 330) + "1e330", "18446744073709551615", "18446744073709551616.5",
    ])
    func decimalSampleValuesMatchTheStandardConversion(text: String) throws {
        let value = try #require(try Self.decode(Self.vector(value: #""\#(text)""#)).samples.first?.value)
        let expected = try #require(Double(text))
        #expect(value.bitPattern == expected.bitPattern, "\(text): \(value) != \(expected)")
    }

    @Test(arguments: [
        "", " 1", "1 ", "abc", "0x1p-2", "0x10", "0X1P2", "1p2", "1_000", "1__0", "0b101", "0o17", "+nan", "-NaN",
        "infin", "in",
        "infinityy", "nanx", "1e", "1e+", "1e-", "e5", ".", "+", "-", "--1", "+-1", "1.2.3", "1e2.5", "1,5", "١",
        "1\\u0000",
        "snan", "nan(1)", "0x", "１",
    ])
    func goRejectedSampleValuesAreMalformed(text: String) throws {
        let error = try #require(Self.malformed(Self.vector(value: #""\#(text)""#)), "\(text)")
        #expect(error.detail.contains("is not a number"))
    }

    @Test func escapedSampleValueIsUnescapedFirst() throws {
        #expect(try Self.decode(Self.vector(value: #""\u0031.5""#)).samples.first?.value == 1.5)
    }

    @Test func decimalFastPathAgreesWithTheStandardConversion() throws {
        var random = SeededRandom(seed: 0x5EED)
        var mismatches: [String] = []
        for _ in 0..<3_000 {
            var digits = String(
                (0..<Int.random(in: 1...21, using: &random)).map { _ in
                    Character(String(Int.random(in: 0...9, using: &random)))
                })
            if Bool.random(using: &random) {
                digits.insert(
                    ".", at: digits.index(digits.startIndex, offsetBy: Int.random(in: 0...digits.count, using: &random))
                )
            }
            if digits == "." { digits = "0" }
            if Bool.random(using: &random) { digits += "e\(Int.random(in: -40...40, using: &random))" }
            if Bool.random(using: &random) { digits = "-" + digits }
            let value = try Self.decode(Self.vector(value: #""\#(digits)""#)).samples[0].value
            if value.bitPattern != Double(digits)?.bitPattern { mismatches.append(digits) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test(arguments: [
        ("1795346045.750", 1_795_346_045.75), ("1795346045", 1_795_346_045), ("1e9", 1e9), ("1E+9", 1e9),
        ("-1.5", -1.5),
        ("0", 0), ("-0", -0.0), ("0.5e-3", 0.0005), ("1795347125.123", 1_795_347_125.123),
    ])
    func timestampsAreJSONNumbers(text: String, expected: Double) throws {
        #expect(try Self.decode(Self.vector(time: text)).samples.first?.timestamp.bitPattern == expected.bitPattern)
    }

    @Test(arguments: [
        "01", "+1", ".5", "1.", "1.e3", "1e", "-", "--1", #""1""#, "NaN", "Infinity", "0x10", "1_0", "true", "null",
        "1.5.5",
    ])
    func timestampsMustBeValidJSONNumbers(text: String) {
        #expect(Self.malformed(Self.vector(time: text)) != nil, "\(text)")
    }

    @Test func repeatedTimestampsAreNotConfused() throws {
        // Same text reused, then a different time of the same length.
        let series = ["1795346045.750", "1795346045.750", "1795346045.751", "1795346045.750"].map {
            #"{"metric":{},"value":[\#($0),"1"]}"#
        }
        let text = #"{"status":"success","data":{"resultType":"vector","result":[\#(series.joined(separator: ","))]}}"#
        #expect(
            try Self.decode(text).samples.map(\.timestamp) == [
                1_795_346_045.75, 1_795_346_045.75, 1_795_346_045.751, 1_795_346_045.75,
            ])
    }

    // MARK: Hostile input

    static let richBody = Array(
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","instance":"h\u00e9:9100","job":"n\"o\\de"},"value":[1795346045.750,"1"]},{"metric":{"instance":"h2 😀","mode":"idle"},"value":[1795346045,"-Inf"]},{"metric":{},"histogram":[1,{"count":"1"}]},{"metric":{"a":"\ud83d\ude00"},"value":[1e9,"NaN"]}],"stats":{"x":[true,false,null,-1.5e-3,{}]}},"warnings":["w\n1"],"infos":[]}"#
            .utf8)

    @Test func richBodyDecodes() throws {
        let response = try PrometheusQueryResponse.decode(Self.richBody)
        #expect(response.samples.count == 3)
        #expect(response.samples[0].labels == ["__name__": "up", "instance": "hé:9100", "job": "n\"o\\de"])
        #expect(response.samples[1].labels == ["instance": "h2 😀", "mode": "idle"])
        #expect(response.samples[2].labels == ["a": "😀"])
        #expect(response.warnings == ["w\n1"])
    }

    @Test(arguments: [
        PrometheusJSONTests.richBody, Array(#"{"status":"error","errorType":"bad_data","error":"x \"y\""}"#.utf8),
    ])
    func everyTruncationThrowsMalformed(body: [UInt8]) {
        for length in 0..<body.count {
            #expect(Self.malformed(Array(body.prefix(length))) != nil, "prefix of \(length) bytes")
        }
    }

    @Test func randomMutationsNeverCrash() throws {
        let bases = try [
            Self.richBody, Fixture.data("prometheus-api/cpu_seconds_by_mode.json"),
            Fixture.data("prometheus-api/error_bad_query.json"),
        ]
        let interesting =
            Array(#"{}[]:,"\0123456789.eE+-tfnulrsaxu /"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF, 0x20, 0x0A]
        var random = SeededRandom(seed: 20_261_122)
        var decoded = 0
        var disagreements: [String] = []
        for _ in 0..<4_000 {
            var body = bases[Int.random(in: 0..<bases.count, using: &random)]
            var asciiOnly = true
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let byte =
                    Bool.random(using: &random)
                    ? interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
                let position = Int.random(in: 0..<body.count, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: body[position] = byte
                case 1: body.remove(at: position)
                case 2: body.insert(byte, at: position)
                case 3:
                    body.insert(
                        contentsOf: body[position..<min(body.count, position + Int.random(in: 1...40, using: &random))],
                        at: position)
                default:
                    body.removeSubrange(position..<min(body.count, position + Int.random(in: 1...8, using: &random)))
                }
                if byte >= 0x80 { asciiOnly = false }
                if body.isEmpty { body = [byte] }
            }
            do {
                _ = try PrometheusQueryResponse.decode(body)
                decoded += 1
                // Whatever is accepted must be JSON (skipped strings are not checked for UTF-8, hence ASCII only).
                if asciiOnly, (try? JSONSerialization.jsonObject(with: Data(body))) == nil {
                    disagreements.append(String(decoding: body, as: UTF8.self))
                }
            } catch {
                #expect(error.isMalformed || error.description.hasPrefix("upstream error"))
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(3))")
        #expect(decoded > 0)
    }

    // MARK: Recorded responses

    @Test(arguments: [
        "boot_time", "cores", "cpu_seconds_by_mode", "cpu_seconds_raw", "empty", "mem_active_ratio", "up",
    ])
    func recordedVectorsMatchAGeneralJSONReader(name: String) throws {
        let body = try Fixture.data("prometheus-api/\(name).json")
        let response = try PrometheusQueryResponse.decode(body)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let result = try #require((root["data"] as? [String: Any])?["result"] as? [[String: Any]])
        let expected = try result.map { series in
            let point = try #require(series["value"] as? [Any])
            return PrometheusQueryResponse.VectorSample(
                labels: try #require(series["metric"] as? [String: String]),
                timestamp: try #require(Self.number(point[0])),
                value: try #require((point[1] as? String).flatMap(Double.init))
            )
        }
        #expect(response.samples == expected)
        #expect(response.warnings == [])
    }

    static func number(_ value: Any) -> Double? {
        switch value {
        case let value as Double: value
        case let value as Int: Double(value)
        case let value as NSNumber: value.doubleValue
        default: nil
        }
    }

    @Test func recordedVectorValues() throws {
        let cpu = try PrometheusQueryResponse.decode(Fixture.data("prometheus-api/cpu_seconds_by_mode.json"))
        let idle = try #require(cpu.samples.first { $0.labels["mode"] == "idle" })
        #expect(idle.labels == ["instance": "127.0.0.1:19101", "mode": "idle"])
        #expect(idle.timestamp == 1_795_347_125.128)
        #expect(idle.value == 7084.280000000001)
        let up = try PrometheusQueryResponse.decode(Fixture.data("prometheus-api/up.json"))
        #expect(up.samples.first?.labels["machine_name"] == "Artemis (Matlab)")
    }

    @Test(arguments: [("scalar", "scalar"), ("range_cpu_seconds_by_mode", "matrix")])
    func recordedNonVectorsAreRefused(name: String, type: String) throws {
        let error = try #require(Self.malformed(try Fixture.data("prometheus-api/\(name).json")))
        #expect(error.detail == "expected a vector result, got \(type)")
    }
}
