import PromText
import Testing

/// An OpenMetrics exposition: the lines given, then `# EOF`.
private func exposition(_ lines: String...) -> [UInt8] { Array((lines.joined(separator: "\n") + "\n# EOF\n").utf8) }

/// One input the specification allows, filed under the rule it exercises.
struct AllowedCase: Sendable, CustomTestStringConvertible {
    var rule: OpenMetricsRule
    var input: [UInt8]
    var testDescription: String { "\(rule.rawValue): \(String(decoding: input, as: UTF8.self).debugDescription)" }

    init(_ rule: OpenMetricsRule, _ input: [UInt8]) {
        self.rule = rule
        self.input = input
    }
}

/// One input that breaks `rule`, first on `line`.
struct BrokenCase: Sendable, CustomTestStringConvertible {
    var rule: OpenMetricsRule
    var line: Int
    var input: [UInt8]
    var testDescription: String { "\(rule.rawValue): \(String(decoding: input, as: UTF8.self).debugDescription)" }

    init(_ rule: OpenMetricsRule, line: Int, _ input: [UInt8]) {
        self.rule = rule
        self.line = line
        self.input = input
    }
}

/// Table tests written from the OpenMetrics 1.0 specification: for every rule the parser enforces, inputs
/// that keep it (they parse, and survive a round trip through the encoder) and inputs that break it (they
/// fail on the right line, naming the rule).
@Suite struct OpenMetricsRuleTests {
    static let allowed: [AllowedCase] = [
        AllowedCase(.utf8, exposition("# HELP a Grüße ✓", #"a{b="héllo ✓"} 1"#)),
        AllowedCase(.lineEnding, exposition("a 1", "b 2")),
        AllowedCase(.noBlankLines, exposition("a 1")),
        AllowedCase(.singleSpace, exposition(#"a{b="c d"} 1 2"#, "# HELP b  starts with a blank", "b 1")),
        AllowedCase(.commentLine, exposition("# TYPE a gauge", "# UNIT a ", "# HELP a x", "a 1")),
        AllowedCase(.eofLast, Array("a 1\n# EOF".utf8)),
        AllowedCase(.eofLast, Array("# EOF\n".utf8)),
        AllowedCase(.metricName, exposition("a:b_C9 1", "_x 1")),
        AllowedCase(.labelSyntax, exposition(#"a{} 1"#, #"b{c="1",d="2"} 1"#)),
        AllowedCase(.labelName, exposition(#"a{_b="1",B9="2"} 1"#)),
        AllowedCase(.escapedString, exposition(#"# HELP a tab\t, \"quoted\" and \\"#, #"a{b="c\td\"e\\f\ng"} 1"#)),
        AllowedCase(.number, exposition("a -Inf", "b +infinity", "c NaN", "d 1.5e3", "e .5", "f 1.", "g 007")),
        AllowedCase(.timestamp, exposition("a 1 1520879607.789", "b 1 12345678901234567890.1234567890", "c 1 -5")),
        AllowedCase(
            .metricType,
            exposition(
                "# TYPE a counter", "a_total 1", "# TYPE b gauge", "b 1", "# TYPE c unknown", "c 1",
                "# TYPE d info", "d_info 1", "# TYPE e stateset", #"e{e="x"} 1"#, "# TYPE f histogram",
                #"f_bucket{le="+Inf"} 1"#, "# TYPE g gaugehistogram", #"g_bucket{le="+Inf"} 1"#, "# TYPE h summary",
                "h_count 1", "h_sum 1")),
        AllowedCase(.metadataOnce, exposition("# TYPE a_s gauge", "# UNIT a_s s", "# HELP a_s x", "a_s 1")),
        AllowedCase(.metadataBeforeSamples, exposition("# HELP a x", "# TYPE a gauge", "a 1", "a 2")),
        AllowedCase(.familiesContiguous, exposition("a 1", "a 2", "# TYPE b gauge", "b 1", "c 1")),
        AllowedCase(.nameClash, exposition("# TYPE a gauge", "a 1", "# TYPE a_total gauge", "a_total 1")),
        AllowedCase(
            .sampleName,
            exposition("# TYPE a counter", "a_total 1", "a_created 1.5e9", "# TYPE i info", #"i_info{v="1"} 1"#)),
        AllowedCase(.unit, exposition("# TYPE a_seconds counter", "# UNIT a_seconds seconds", "a_seconds_total 1")),
        AllowedCase(
            .counterValue,
            exposition(
                "# TYPE a counter", "a_total 0", "# TYPE g gaugehistogram", #"g_bucket{le="-1"} 1"#,
                #"g_bucket{le="+Inf"} 2"#, "g_gcount 2", "g_gsum -3")),
        AllowedCase(.infoValue, exposition("# TYPE a info", #"a_info{version="1.0"} 1"#)),
        AllowedCase(.stateset, exposition("# TYPE s stateset", #"s{s="a"} 1"#, #"s{s="b"} 0"#)),
        AllowedCase(
            .bucketLabel, exposition("# TYPE h histogram", #"h_bucket{le="-1.5"} 0"#, #"h_bucket{le="+Inf"} 1"#)),
        AllowedCase(
            .buckets,
            exposition(
                "# TYPE h histogram", #"h_bucket{le="0.5"} 1"#, #"h_bucket{le="1"} 1"#, #"h_bucket{le="+Inf"} 3"#)),
        AllowedCase(
            .histogramCount,
            exposition(
                "# TYPE h histogram", #"h_bucket{le="1"} 1"#, #"h_bucket{le="+Inf"} 2"#, "h_count 2", "h_sum 3.5",
                "h_created 1.5e9")),
        AllowedCase(
            .quantile,
            exposition("# TYPE s summary", #"s{quantile="0"} 1"#, #"s{quantile="1"} 2"#, "s_sum 3", "s_count 2")),
        AllowedCase(.summaryCount, exposition("# TYPE s summary", "s_count 2", "s_sum 3")),
        AllowedCase(.metricGrouping, exposition(#"a{x="1",y="2"} 1 1"#, #"a{y="2",x="1"} 2 2"#, #"a{x="2"} 1"#)),
        AllowedCase(.timestampOrder, exposition("a 1 1", "a 2 1", "a 3 2", #"b{x="1"} 1"#, #"b{x="2"} 1 5"#)),
        AllowedCase(
            .exemplarSyntax,
            exposition("# TYPE a counter", #"a_total 1 # {a="b"} 0.5 1.5"#, "# TYPE b counter", "b_total 1 2 # {} 1")),
        AllowedCase(
            .exemplarPlacement,
            exposition(
                "# TYPE h histogram", #"h_bucket{le="+Inf"} 1 # {id="x"} 0.5"#, "# TYPE g gaugehistogram",
                #"g_bucket{le="+Inf"} 1 # {id="y"} 2"#)),
        AllowedCase(
            .exemplarLength,
            exposition("# TYPE a counter", "a_total 1 # {a=\"" + String(repeating: "é", count: 127) + "\"} 1")),
    ]

    static let broken: [BrokenCase] = [
        BrokenCase(.utf8, line: 2, Array("a 1\nb{c=\"".utf8) + [0xC3, 0x28] + Array("\"} 1\n# EOF\n".utf8)),
        BrokenCase(.utf8, line: 1, Array("# HELP a ".utf8) + [0xED, 0xA0, 0x80] + Array("\n# EOF\n".utf8)),
        BrokenCase(.lineEnding, line: 1, Array("a 1\r\n# EOF\n".utf8)),
        BrokenCase(.noBlankLines, line: 2, exposition("a 1", "", "b 1")),
        BrokenCase(.noBlankLines, line: 2, exposition("a 1", "")),
        BrokenCase(.singleSpace, line: 1, exposition("a  1")),
        BrokenCase(.singleSpace, line: 1, exposition("a 1 ")),
        BrokenCase(.singleSpace, line: 2, exposition("a 1", " b 1")),
        BrokenCase(.singleSpace, line: 1, exposition("# TYPE a  gauge")),
        BrokenCase(.singleSpace, line: 1, exposition("a\t1")),
        BrokenCase(.commentLine, line: 2, exposition("a 1", "# just a comment")),
        BrokenCase(.commentLine, line: 1, exposition("#TYPE a gauge")),
        BrokenCase(.eofLast, line: 2, Array("a 1\n".utf8)),
        BrokenCase(.eofLast, line: 2, Array("# EOF\na 1\n".utf8)),
        BrokenCase(.eofLast, line: 3, Array("a 1\n# EOF\n\n".utf8)),
        BrokenCase(.metricName, line: 1, exposition("1a 1")),
        BrokenCase(.metricName, line: 1, exposition("# TYPE a-b gauge")),
        BrokenCase(.labelSyntax, line: 1, exposition(#"a{b="1",} 1"#)),
        BrokenCase(.labelSyntax, line: 1, exposition(#"a{b = "1"} 1"#)),
        BrokenCase(.labelSyntax, line: 1, exposition(#"a{b="1" ,c="2"} 1"#)),
        BrokenCase(.labelName, line: 1, exposition(#"a{1b="1"} 1"#)),
        BrokenCase(.labelName, line: 1, exposition(#"a{b="1",b="2"} 1"#)),
        BrokenCase(.escapedString, line: 1, exposition(#"# HELP a say "hi""#)),
        BrokenCase(.escapedString, line: 1, exposition(#"# HELP a ends with \"#)),
        BrokenCase(.escapedString, line: 1, exposition("a{b=\"x\\\n\"} 1")),
        BrokenCase(.number, line: 1, exposition("a 1_0")),
        BrokenCase(.number, line: 1, exposition("a 0x10")),
        BrokenCase(.number, line: 1, exposition("a +NaN")),
        BrokenCase(.timestamp, line: 1, exposition("a 1 NaN")),
        BrokenCase(.timestamp, line: 1, exposition("a 1 +Inf")),
        BrokenCase(.timestamp, line: 2, exposition("# TYPE a counter", #"a_total 1 # {a="b"} 1 x"#)),
        BrokenCase(.metricType, line: 1, exposition("# TYPE a untyped")),
        BrokenCase(.metricType, line: 1, exposition("# TYPE a counters")),
        BrokenCase(.metadataOnce, line: 2, exposition("# TYPE a gauge", "# TYPE a gauge")),
        BrokenCase(.metadataOnce, line: 2, exposition("# HELP a x", "# HELP a y")),
        BrokenCase(.metadataOnce, line: 2, exposition("# UNIT a_s s", "# UNIT a_s s")),
        BrokenCase(.metadataBeforeSamples, line: 3, exposition("# TYPE a gauge", "a 1", "# HELP a x")),
        BrokenCase(.metadataBeforeSamples, line: 2, exposition("a 1", "# TYPE a gauge")),
        BrokenCase(.familiesContiguous, line: 3, exposition("a 1", "b 1", "a 2")),
        BrokenCase(.familiesContiguous, line: 4, exposition("# TYPE a counter", "a_total 1", "b 1", "a_created 2")),
        BrokenCase(.familiesContiguous, line: 3, exposition("# HELP a x", "b 1", "# TYPE a gauge")),
        BrokenCase(.nameClash, line: 3, exposition("# TYPE a counter", "a_total 1", "# TYPE a_total gauge")),
        BrokenCase(.nameClash, line: 3, exposition("# TYPE a_total gauge", "a_total 1", "# TYPE a counter")),
        BrokenCase(.sampleName, line: 2, exposition("# TYPE a counter", "a 1")),
        BrokenCase(.sampleName, line: 2, exposition("# TYPE a info", "a 1")),
        BrokenCase(.sampleName, line: 2, exposition("# TYPE h histogram", "h 1")),
        BrokenCase(.sampleName, line: 2, exposition("# TYPE g gaugehistogram", "g 1")),
        BrokenCase(.unit, line: 2, exposition("# TYPE a_bytes gauge", "# UNIT a_bytes seconds")),
        BrokenCase(.unit, line: 2, exposition("# TYPE a_s info", "# UNIT a_s s")),
        BrokenCase(.unit, line: 2, exposition("# UNIT a_s s", "# TYPE a_s stateset")),
        BrokenCase(.counterValue, line: 2, exposition("# TYPE a counter", "a_total NaN")),
        BrokenCase(.counterValue, line: 2, exposition("# TYPE a counter", "a_total -1")),
        BrokenCase(.counterValue, line: 2, exposition("# TYPE h histogram", #"h_bucket{le="+Inf"} -1"#)),
        BrokenCase(.counterValue, line: 2, exposition("# TYPE s summary", "s_count NaN")),
        BrokenCase(
            .counterValue, line: 4,
            exposition("# TYPE g gaugehistogram", #"g_bucket{le="+Inf"} 1"#, "g_gcount 1", "g_gsum NaN")),
        BrokenCase(.infoValue, line: 2, exposition("# TYPE a info", #"a_info{v="1"} 2"#)),
        BrokenCase(.stateset, line: 2, exposition("# TYPE s stateset", #"s{s="a"} 2"#)),
        BrokenCase(.stateset, line: 2, exposition("# TYPE s stateset", #"s{x="a"} 1"#)),
        BrokenCase(.bucketLabel, line: 2, exposition("# TYPE h histogram", "h_bucket 1")),
        BrokenCase(.bucketLabel, line: 2, exposition("# TYPE h histogram", #"h_bucket{le="x"} 1"#)),
        BrokenCase(.bucketLabel, line: 2, exposition("# TYPE h histogram", #"h_bucket{le="NaN"} 1"#)),
        BrokenCase(.bucketLabel, line: 2, exposition("# TYPE h histogram", #"h_bucket{le="+inf"} 1"#)),
        BrokenCase(
            .buckets, line: 3,
            exposition("# TYPE h histogram", #"h_bucket{le="2"} 1"#, #"h_bucket{le="1"} 1"#, #"h_bucket{le="+Inf"} 1"#)),
        BrokenCase(
            .buckets, line: 3, exposition("# TYPE h histogram", #"h_bucket{le="1"} 2"#, #"h_bucket{le="+Inf"} 1"#)),
        BrokenCase(.buckets, line: 2, exposition("# TYPE h histogram", #"h_bucket{le="1"} 1"#)),
        BrokenCase(.buckets, line: 2, exposition("# TYPE h histogram", "h_sum 1")),
        BrokenCase(
            .histogramCount, line: 4,
            exposition("# TYPE h histogram", #"h_bucket{le="+Inf"} 2"#, "h_count 3", "h_sum 1")),
        BrokenCase(.histogramCount, line: 3, exposition("# TYPE h histogram", #"h_bucket{le="+Inf"} 2"#, "h_sum 1")),
        BrokenCase(.histogramCount, line: 3, exposition("# TYPE h histogram", #"h_bucket{le="+Inf"} 2"#, "h_count 2")),
        BrokenCase(
            .histogramCount, line: 5,
            exposition(
                "# TYPE h histogram", #"h_bucket{le="-1"} 0"#, #"h_bucket{le="+Inf"} 1"#, "h_count 1", "h_sum 1")),
        BrokenCase(
            .histogramCount, line: 3, exposition("# TYPE g gaugehistogram", #"g_bucket{le="+Inf"} 2"#, "g_gsum 1")),
        BrokenCase(
            .histogramCount, line: 4,
            exposition("# TYPE g gaugehistogram", #"g_bucket{le="+Inf"} 2"#, "g_gcount 2", "g_gsum -1")),
        BrokenCase(.quantile, line: 2, exposition("# TYPE s summary", #"s{quantile="2"} 1"#)),
        BrokenCase(.quantile, line: 2, exposition("# TYPE s summary", "s 1")),
        BrokenCase(.quantile, line: 2, exposition("# TYPE s summary", #"s{quantile="0.5"} -1"#)),
        BrokenCase(.summaryCount, line: 2, exposition("# TYPE s summary", "s_sum 1")),
        BrokenCase(.summaryCount, line: 3, exposition("# TYPE s summary", #"s{quantile="0.5"} 1"#, "s_count 1")),
        BrokenCase(.metricGrouping, line: 3, exposition(#"a{x="1"} 1"#, #"a{x="2"} 1"#, #"a{x="1"} 2"#)),
        BrokenCase(
            .metricGrouping, line: 4,
            exposition(
                "# TYPE h histogram", #"h_bucket{a="1",le="+Inf"} 1"#, #"h_bucket{a="2",le="+Inf"} 1"#,
                #"h_count{a="1"} 1"#)),
        BrokenCase(.timestampOrder, line: 2, exposition("a 1 2", "a 1 1")),
        BrokenCase(.timestampOrder, line: 2, exposition("a 1 1", "a 2")),
        BrokenCase(.exemplarSyntax, line: 2, exposition("# TYPE a counter", "a_total 1 #")),
        BrokenCase(.exemplarSyntax, line: 2, exposition("# TYPE a counter", #"a_total 1 # {a="b"}"#)),
        BrokenCase(.exemplarSyntax, line: 2, exposition("# TYPE a counter", #"a_total 1 # {a="b"} x"#)),
        BrokenCase(.exemplarSyntax, line: 2, exposition("# TYPE a counter", #"a_total 1 2 x"#)),
        BrokenCase(.exemplarPlacement, line: 1, exposition(#"a 1 # {a="b"} 1"#)),
        BrokenCase(.exemplarPlacement, line: 2, exposition("# TYPE g gauge", #"g 1 # {a="b"} 1"#)),
        BrokenCase(.exemplarPlacement, line: 3, exposition("# TYPE s summary", "s_sum 1", #"s_count 1 # {a="b"} 1"#)),
        BrokenCase(
            .exemplarLength, line: 2,
            exposition("# TYPE a counter", "a_total 1 # {a=\"" + String(repeating: "é", count: 128) + "\"} 1")),
    ]

    @Test(arguments: allowed)
    func allowedInputParsesAndRoundTrips(_ testCase: AllowedCase) throws {
        let families = try TextParser.parse(testCase.input, format: .openMetrics)
        #expect(!families.isEmpty || testCase.input == Array("# EOF\n".utf8))
        // Gauge histograms have no type of their own here; every other family encodes back to what it was.
        let encodable = families.filter { family in
            family.type != .gauge || family.samples.allSatisfy { $0.name == family.name }
        }
        let encoded = TextEncoder(format: .openMetrics).encode(encodable)
        let again = try TextParser.parse(encoded, format: .openMetrics)
        #expect(Self.normalized(again) == Self.normalized(encodable))
    }

    @Test(arguments: broken)
    func brokenInputNamesTheRuleAndLine(_ testCase: BrokenCase) throws {
        let thrown = #expect(throws: ParseError.self) { try TextParser.parse(testCase.input, format: .openMetrics) }
        let error = try #require(thrown)
        #expect(error.rule == testCase.rule, "\(error)")
        #expect(error.line == testCase.line, "\(error)")
        #expect(error.message.hasSuffix("(rule \(testCase.rule.rawValue))"))
        // Asking for no family at all checks the whole input just the same.
        #expect(throws: error) { try TextParser.parse(testCase.input, families: ["other"], format: .openMetrics) }
    }

    @Test func everyRuleHasAllowedAndBrokenCases() {
        for rule in OpenMetricsRule.allCases {
            #expect(Self.allowed.contains { $0.rule == rule }, "\(rule.rawValue) has no allowed case")
            #expect(Self.broken.contains { $0.rule == rule }, "\(rule.rawValue) has no broken case")
        }
    }

    /// Families by name with samples in one fixed order, since the encoder sorts both.
    static func normalized(_ families: [MetricFamily]) -> [MetricFamily] {
        families.sorted { $0.name < $1.name }.map { family in
            var family = family
            family.samples.sort { "\($0.name)\($0.labels)\($0.value)" < "\($1.name)\($1.labels)\($1.value)" }
            return family
        }
    }

    @Test func escapesOtherThanTheThreeArePassedThrough() throws {
        let input = exposition(#"# HELP a tab\t, \"quoted\" and \\"#, #"a{b="c\td\"e\\f\ng"} 1"#)
        let family = try #require(try TextParser.parse(input, format: .openMetrics).first)
        #expect(family.help == #"tab\t, "quoted" and \"#)
        #expect(family.samples.first?.labels["b"] == "c\\td\"e\\f\ng")
    }

    @Test func longTimestampsAreKept() throws {
        let input = exposition("a 1 12345678901234567890.1234567890", "b 1 1520879607.789", "c 1 -1e30")
        let samples = try TextParser.parse(input, format: .openMetrics).flatMap(\.samples)
        #expect(samples.map(\.timestampMilliseconds) == [.max, 1_520_879_607_789, .min])
    }

    @Test func theTextFormatStaysTolerant() throws {
        let input = "# a comment\n\na  1\n b{c=\"1\",} 2\n# TYPE h histogram\nh_sum 1\na 3\n"
        let families = try TextParser.parse(input)
        #expect(families.map(\.name) == ["a", "b", "h"])
        #expect(families.first?.samples.map(\.value) == [1, 3])
        #expect(throws: ParseError.self) { try TextParser.parse(input + "# EOF\n", format: .openMetrics) }
    }
}
