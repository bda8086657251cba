import PromText
import Testing

// MARK: OpenMetrics

@Suite struct TextParserOpenMetricsTests {
    @Test func readsTheOpenMetricsVariant() throws {
        let input = """
            # TYPE foo counter
            # HELP foo A \\"counter\\".
            foo_total{a="b"} 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67
            foo_created{a="b"} 1520430000.123 1520879607.789
            # TYPE foo_seconds gauge
            # UNIT foo_seconds seconds
            foo_seconds 17.0 1520879607
            # TYPE h histogram
            h_bucket{le="1.0"} 1 # {id="x"} 0.5 1520879607.1
            h_bucket{le="+Inf"} 2
            h_sum 1.5
            h_count 2
            h_created 1520430000
            # TYPE gh gaugehistogram
            gh_bucket{le="+Inf"} 3
            gh_gcount 3
            gh_gsum 4
            # TYPE build info
            build_info{version="1.0"} 1
            # TYPE state stateset
            state{state="a"} 1
            state{state="b"} 0
            # TYPE u unknown
            u 1
            # EOF
            """
        let expected = [
            family(
                "foo_total", .counter, help: "A \"counter\".",
                [
                    sample("foo_total", ["a": "b"], 17, at: 1_520_879_607_789),
                    sample("foo_created", ["a": "b"], 1_520_430_000.123, at: 1_520_879_607_789),
                ]),
            family("foo_seconds", .gauge, [sample("foo_seconds", 17, at: 1_520_879_607_000)]),
            family(
                "h", .histogram,
                [
                    sample("h_bucket", ["le": "1.0"], 1), sample("h_bucket", ["le": "+Inf"], 2), sample("h_sum", 1.5),
                    sample("h_count", 2), sample("h_created", 1_520_430_000),
                ]),
            family(
                "gh", .gauge, [sample("gh_bucket", ["le": "+Inf"], 3), sample("gh_gcount", 3), sample("gh_gsum", 4)]),
            family("build_info", .gauge, [sample("build_info", ["version": "1.0"], 1)]),
            family("state", .gauge, [sample("state", ["state": "a"], 1), sample("state", ["state": "b"], 0)]),
            family("u", .untyped, [sample("u", 1)]),
        ]
        #expect(try TextParser.parse(input, format: .openMetrics) == expected)
        #expect(try TextParser.parse(input + "\n", format: .openMetrics) == expected)
        #expect(
            try TextParser.parse(input + "\n", families: ["foo_total", "build_info"], format: .openMetrics)
                == [expected[0], expected[4]])
    }

    @Test(arguments: [
        ErrorCase("a_total 1\n", line: 2, ##"expected "# EOF" at end of input (rule eof-last)"##),
        ErrorCase("a_total 1", line: 1, ##"expected "# EOF" at end of input (rule eof-last)"##),
        ErrorCase("", line: 1, ##"expected "# EOF" at end of input (rule eof-last)"##),
        ErrorCase("a 1\n# EOF\n\n", line: 3, ##"unexpected data after "# EOF" (rule eof-last)"##),
        ErrorCase("# EOF\na 1\n", line: 2, ##"unexpected data after "# EOF" (rule eof-last)"##),
        ErrorCase("# EOF x\n", line: 1, ##"unexpected text after "# EOF": " x" (rule eof-last)"##),
        ErrorCase("# TYPE a untyped\n# EOF\n", line: 1, #"unknown metric type "untyped" (rule metric-type)"#),
        ErrorCase(
            "# TYPE a_bytes gauge\n# UNIT a_bytes seconds\n# EOF\n", line: 2,
            #"unit "seconds" is not a suffix of metric name "a_bytes" (rule unit)"#),
        ErrorCase(
            "# UNIT a_s s\n# UNIT a_s s\n# EOF\n", line: 2,
            #"second UNIT line for metric name "a_s" (rule metadata-once)"#),
        ErrorCase(
            "a 1 1e400\n# EOF\n", line: 1, #"expected float seconds as timestamp, got "1e400" (rule timestamp)"#),
        ErrorCase("a 1 NaN\n# EOF\n", line: 1, #"expected float seconds as timestamp, got "NaN" (rule timestamp)"#),
    ])
    func errors(_ testCase: ErrorCase) throws {
        let error = try #require(
            #expect(throws: ParseError.self) { try TextParser.parse(testCase.input, format: .openMetrics) })
        #expect(error.line == testCase.line)
        #expect(error.message == testCase.message)
        #expect(error.rule != nil)
    }

    @Test func eofIsAnOrdinaryCommentInTheTextFormat() throws {
        #expect(
            try TextParser.parse("a 1\n# EOF\nb 2\n") == [
                family("a", .untyped, [sample("a", 1)]), family("b", .untyped, [sample("b", 2)]),
            ])
    }
}
