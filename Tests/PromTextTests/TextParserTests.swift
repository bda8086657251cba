import Foundation
import PromText
import Testing

// MARK: Helpers

func family(_ name: String, _ type: MetricType, help: String = "", _ samples: [Sample]) -> MetricFamily {
    MetricFamily(name: name, help: help, type: type, samples: samples)
}

func sample(_ name: String, _ labels: LabelSet, _ value: Double, at timestamp: Int64? = nil) -> Sample {
    Sample(name: name, labels: labels, value: value, timestampMilliseconds: timestamp)
}

func sample(_ name: String, _ value: Double, at timestamp: Int64? = nil) -> Sample {
    Sample(name: name, value: value, timestampMilliseconds: timestamp)
}

/// Deterministic generator for the mutation and number tests, so a failure can be replayed.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

private enum Fixtures {
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let nodeExporter = testsFolder.deletingLastPathComponent()
        .appendingPathComponent("Fixtures/node_exporter/node_exporter-1.5.0.prom")
    static let nodeExporter64CPU = testsFolder.appendingPathComponent("Fixtures/node_exporter-64cpu.prom")

    static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }
}

// MARK: Grammar

struct GrammarCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: String
    var expected: [MetricFamily]
    var testDescription: String { name }
}

struct ErrorCase: Sendable, CustomTestStringConvertible {
    var input: [UInt8]
    var line: Int
    var message: String
    var testDescription: String { String(decoding: input, as: UTF8.self).debugDescription }

    init(_ input: String, line: Int, _ message: String) {
        self.input = Array(input.utf8)
        self.line = line
        self.message = message
    }

    init(bytes: [UInt8], line: Int, _ message: String) {
        self.input = bytes
        self.line = line
        self.message = message
    }
}

@Suite struct TextParserGrammarTests {
    static let cases: [GrammarCase] = [
        GrammarCase(name: "empty input", input: "", expected: []),
        GrammarCase(
            name: "blank lines and comments",
            input: "\n\n# just a comment\n#\n   \n\t\n# HELPER is not a keyword\nx 1\n",
            expected: [family("x", .untyped, [sample("x", 1)])]
        ),
        GrammarCase(
            name: "labels keep their order",
            input: #"x{b="1",a="2"} 3"# + "\n",
            expected: [family("x", .untyped, [sample("x", ["b": "1", "a": "2"], 3)])]
        ),
        GrammarCase(
            name: "trailing comma and empty braces",
            input: #"x{a="1",} 1"# + "\n" + "x{} 2\n",
            expected: [family("x", .untyped, [sample("x", ["a": "1"], 1), sample("x", 2)])]
        ),
        GrammarCase(
            name: "blanks and tabs between tokens",
            input: " \t x \t { a = \"1\" , b=\"2\" , } \t 3 \t 1000 \t\n",
            expected: [family("x", .untyped, [sample("x", ["a": "1", "b": "2"], 3, at: 1000)])]
        ),
        GrammarCase(
            name: "value right after the closing brace",
            input: #"x{a="b"}5"# + "\n",
            expected: [family("x", .untyped, [sample("x", ["a": "b"], 5)])]
        ),
        GrammarCase(
            name: "timestamps, also negative",
            input: "x 1 1395066363000\n" + #"x{a="b"} +Inf -3982045"# + "\nx 2 +7\n",
            expected: [
                family(
                    "x", .untyped,
                    [
                        sample("x", 1, at: 1_395_066_363_000), sample("x", ["a": "b"], .infinity, at: -3_982_045),
                        sample("x", 2, at: 7),
                    ])
            ]
        ),
        GrammarCase(
            name: "timestamp limits",
            input: "x 1 9223372036854775807\nx 2 -9223372036854775808\n",
            expected: [family("x", .untyped, [sample("x", 1, at: .max), sample("x", 2, at: .min)])]
        ),
        GrammarCase(
            name: "HELP without TYPE is untyped",
            input: "# HELP x Some help.\nx 1\n",
            expected: [family("x", .untyped, help: "Some help.", [sample("x", 1)])]
        ),
        GrammarCase(
            name: "TYPE before HELP and HELP before TYPE",
            input: "# TYPE a counter\n# HELP a A.\na 1\n# HELP b B.\n# TYPE b gauge\nb 2\n# TYPE c untyped\nc 3\n",
            expected: [
                family("a", .counter, help: "A.", [sample("a", 1)]),
                family("b", .gauge, help: "B.", [sample("b", 2)]),
                family("c", .untyped, [sample("c", 3)]),
            ]
        ),
        GrammarCase(
            name: "keywords without a blank after the hash",
            input: "#HELP x X.\n#\tTYPE x gauge\nx 1\n",
            expected: [family("x", .gauge, help: "X.", [sample("x", 1)])]
        ),
        GrammarCase(
            name: "HELP with an empty docstring",
            input: "# HELP x\n# HELP y \t\n# TYPE x gauge\nx 1\ny 2\n",
            expected: [family("x", .gauge, [sample("x", 1)]), family("y", .untyped, [sample("y", 2)])]
        ),
        GrammarCase(
            name: "HELP keeps inner and trailing blanks",
            input: "# HELP x \t two  words \n# TYPE x gauge\nx 1\n",
            expected: [family("x", .gauge, help: "two  words ", [sample("x", 1)])]
        ),
        GrammarCase(
            name: "histogram collects bucket, sum, count and created",
            input: """
                # HELP h A histogram.
                # TYPE h histogram
                h_bucket{le="1"} 1
                h_bucket{le="+Inf"} 2
                h_sum 3.5
                h_count 2
                h_created 1.7e+09

                """,
            expected: [
                family(
                    "h", .histogram, help: "A histogram.",
                    [
                        sample("h_bucket", ["le": "1"], 1), sample("h_bucket", ["le": "+Inf"], 2), sample("h_sum", 3.5),
                        sample("h_count", 2), sample("h_created", 1.7e9),
                    ])
            ]
        ),
        GrammarCase(
            name: "summary collects quantiles, sum and count",
            input: "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 2\ns_count 3\n",
            expected: [
                family("s", .summary, [sample("s", ["quantile": "0.5"], 1), sample("s_sum", 2), sample("s_count", 3)])
            ]
        ),
        GrammarCase(
            name: "suffixes belong to the base family only for histograms and summaries",
            input: "# TYPE g gauge\ng 1\ng_sum 2\n# TYPE s summary\ns_bucket 3\n",
            expected: [
                family("g", .gauge, [sample("g", 1)]), family("g_sum", .untyped, [sample("g_sum", 2)]),
                family("s_bucket", .untyped, [sample("s_bucket", 3)]),
            ]
        ),
        GrammarCase(
            name: "a family named like a suffixed sample keeps its samples",
            input: "# TYPE s summary\n# TYPE s_count gauge\ns_count 4\ns_sum 1\n",
            expected: [family("s", .summary, [sample("s_sum", 1)]), family("s_count", .gauge, [sample("s_count", 4)])]
        ),
        GrammarCase(
            name: "a family named like a suffixed sample, declared later",
            input: "# TYPE s summary\ns_count 1\n# TYPE s_count gauge\ns_count 2\ns_count 3\ns_sum 4\n",
            expected: [
                family("s", .summary, [sample("s_count", 1), sample("s_sum", 4)]),
                family("s_count", .gauge, [sample("s_count", 2), sample("s_count", 3)]),
            ]
        ),
        GrammarCase(
            name: "families in order of first appearance, interleaved samples collected",
            input: "b 1\na 2\nb 3\n",
            expected: [
                family("b", .untyped, [sample("b", 1), sample("b", 3)]), family("a", .untyped, [sample("a", 2)]),
            ]
        ),
        GrammarCase(
            name: "families without samples are left out",
            input: "# HELP a A.\n# TYPE b gauge\nc 1\n",
            expected: [family("c", .untyped, [sample("c", 1)])]
        ),
        GrammarCase(
            name: "missing final newline",
            input: "# TYPE x gauge\nx{a=\"b\"} 1 5",
            expected: [family("x", .gauge, [sample("x", ["a": "b"], 1, at: 5)])]
        ),
        GrammarCase(
            name: "CRLF line endings",
            input: "# HELP x A.\r\n# TYPE x gauge\r\n\r\n x{a=\"b\"} 1 5 \r\nx 2\r\n",
            expected: [family("x", .gauge, help: "A.", [sample("x", ["a": "b"], 1, at: 5), sample("x", 2)])]
        ),
        GrammarCase(
            name: "colons in metric names, underscores in label names",
            input: "job:rate5m{_a=\"1\",b_2=\"\"} 1\n",
            expected: [family("job:rate5m", .untyped, [sample("job:rate5m", ["_a": "1", "b_2": ""], 1)])]
        ),
        GrammarCase(
            name: "UTF-8 in label values and HELP",
            input: "# HELP x Grüße ✓\nx{a=\"héllo ✓\"} 1\n",
            expected: [family("x", .untyped, help: "Grüße ✓", [sample("x", ["a": "héllo ✓"], 1)])]
        ),
        GrammarCase(
            name: "same label name and value strings in neighbouring series",
            input:
                "x{a=\"1\",b=\"2\"} 1\nx{a=\"1\",b=\"3\"} 2\nx{b=\"1\",a=\"3\"} 3\nx{a=\"11\"} 4\nx{a=\"1\",b=\"2\",c=\"3\"} 5\n",
            expected: [
                family(
                    "x", .untyped,
                    [
                        sample("x", ["a": "1", "b": "2"], 1), sample("x", ["a": "1", "b": "3"], 2),
                        sample("x", ["b": "1", "a": "3"], 3),
                        sample("x", ["a": "11"], 4), sample("x", ["a": "1", "b": "2", "c": "3"], 5),
                    ])
            ]
        ),
    ]

    @Test(arguments: cases)
    func parses(_ testCase: GrammarCase) throws {
        #expect(try TextParser.parse(testCase.input) == testCase.expected)
        // The same bytes through the other entry points.
        #expect(try TextParser.parse(Array(testCase.input.utf8)) == testCase.expected)
    }

    @Test func manyLabelsInOneSample() throws {
        let labels = LabelSet((0..<40).map { Label("l\($0)", "v\($0)") })
        let line = "x{" + labels.labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",") + "} 1\n"
        let parsed = try TextParser.parse(line + line.replacingOccurrences(of: "v39", with: "w"))
        #expect(
            parsed.first?.samples.map(\.labels) == [labels, LabelSet(labels.labels.dropLast() + [Label("l39", "w")])])
    }

    @Test func errorDescriptionReadsLikeExpfmt() {
        let error = ParseError(line: 12, message: #"expected float as value, got "abc""#)
        #expect(error.description == #"text format parsing error in line 12: expected float as value, got "abc""#)
    }
}

// MARK: Errors

@Suite struct TextParserErrorTests {
    static let cases: [ErrorCase] = [
        ErrorCase("x 1\n1x 2\n", line: 2, #"invalid metric name "1x""#),
        ErrorCase(#"x{1a="b"} 1"#, line: 1, #"invalid label name "1a" for metric "x""#),
        ErrorCase(#"x{,} 1"#, line: 1, #"invalid label name "," for metric "x""#),
        ErrorCase(#"x{a"b"} 1"#, line: 1, #"expected '=' after label name "a", got "\"""#),
        ErrorCase(#"x{a=b} 1"#, line: 1, #"expected '"' at start of value of label "a", got "b""#),
        ErrorCase(#"x{a="\t"} 1"#, line: 1, #"invalid escape sequence "\\t" in value of label "a""#),
        ErrorCase("x 1\nx{a=\"b\nc\"} 1\n", line: 2, #"unterminated value of label "a""#),
        ErrorCase(#"x{a="b"#, line: 1, #"unterminated value of label "a""#),
        ErrorCase(#"x{a="b\"#, line: 1, #"unterminated value of label "a""#),
        ErrorCase(#"x{a="b" c="d"} 1"#, line: 1, #"expected ',' or '}' after value of label "a", got "c""#),
        ErrorCase(#"x{a="b""#, line: 1, #"expected ',' or '}' after value of label "a", got end of line"#),
        ErrorCase(#"x{a="1",a="2"} 1"#, line: 1, #"duplicate label name "a" for metric "x""#),
        ErrorCase(#"x{a="1",b="2",a="3"} 1"#, line: 1, #"duplicate label name "a" for metric "x""#),
        ErrorCase("x abc", line: 1, #"expected float as value, got "abc""#),
        ErrorCase("x\n", line: 1, #"expected float as value, got """#),
        ErrorCase(#"x{a="b"}"#, line: 1, #"expected float as value, got """#),
        ErrorCase("x 0x1p-2", line: 1, #"expected float as value, got "0x1p-2""#),
        ErrorCase("x 1_000", line: 1, #"expected float as value, got "1_000""#),
        ErrorCase("x +NaN", line: 1, #"expected float as value, got "+NaN""#),
        ErrorCase("x 1e400", line: 1, #"expected float as value, got "1e400""#),
        ErrorCase("x 1 1.5", line: 1, #"expected integer as timestamp, got "1.5""#),
        ErrorCase("x 1 9223372036854775808", line: 1, #"expected integer as timestamp, got "9223372036854775808""#),
        ErrorCase(#"x 1 # {a="b"} 1"#, line: 1, ##"expected integer as timestamp, got "#""##),
        ErrorCase("x 1 2 3", line: 1, #"spurious string after timestamp: "3""#),
        ErrorCase("x 1\rx 2", line: 1, #"expected float as value, got "1\rx""#),
        ErrorCase("x 1\n\rx 2", line: 2, #"invalid metric name "\rx""#),
        ErrorCase("# HELP x A.\n# HELP x B.\n", line: 2, #"second HELP line for metric name "x""#),
        ErrorCase(
            "# TYPE x gauge\n# TYPE x counter\n", line: 2,
            #"second TYPE line for metric name "x", or TYPE reported after samples"#),
        ErrorCase(
            "x 1\n# TYPE x gauge\n", line: 2, #"second TYPE line for metric name "x", or TYPE reported after samples"#),
        ErrorCase(
            "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\n# TYPE h histogram\n", line: 3,
            #"second TYPE line for metric name "h", or TYPE reported after samples"#
        ),
        ErrorCase("# TYPE x gauges\n", line: 1, #"unknown metric type "gauges""#),
        ErrorCase("# TYPE x unknown\n", line: 1, #"unknown metric type "unknown""#),
        ErrorCase("# TYPE x\n", line: 1, #"expected metric type after "x""#),
        ErrorCase("# TYPE x gauge extra\n", line: 1, #"unexpected text after metric type: "extra""#),
        ErrorCase(#"# HELP x a\tb"#, line: 1, #"invalid escape sequence "\\t" in HELP"#),
        ErrorCase("# HELP x trailing\\\n", line: 1, #"invalid escape sequence "\\" in HELP"#),
        ErrorCase("# HELP 1x A.\n", line: 1, #"invalid metric name "1x""#),
        ErrorCase("# TYPE x-y gauge\n", line: 1, #"invalid metric name "x-y""#),
        ErrorCase("# HELP\n", line: 1, "expected metric name after HELP"),
        ErrorCase("# TYPE  \n", line: 1, "expected metric name after TYPE"),
        ErrorCase(
            bytes: Array(#"x{a=""#.utf8) + [0xFF] + Array(#""} 1"#.utf8), line: 1,
            #"invalid UTF-8 in value of label "a""#),
        ErrorCase("a 1\r\nb 2\r\n\r\nc x\r\n", line: 4, #"expected float as value, got "x""#),
        ErrorCase("# HELP a A.\n\n# comment\na 1\nbad{ 1\n", line: 5, #"invalid label name "1" for metric "bad""#),
    ]

    @Test(arguments: cases)
    func reportsLineAndMessage(_ testCase: ErrorCase) {
        #expect(throws: ParseError(line: testCase.line, message: testCase.message)) {
            try TextParser.parse(testCase.input)
        }
    }
}

// MARK: Values

@Suite struct TextParserValueTests {
    @Test(arguments: [
        ("NaN", Double.nan), ("nan", .nan), ("NAN", .nan), ("+Inf", .infinity), ("-Inf", -.infinity),
        ("Inf", .infinity),
        ("inf", .infinity), ("+inf", .infinity), ("-INF", -.infinity), ("Infinity", .infinity),
        ("+infinity", .infinity),
        ("-Infinity", -.infinity), ("iNfInItY", .infinity),
    ])
    func specialValues(text: String, expected: Double) throws {
        let value = try #require(try TextParser.parse("x \(text)\n").first?.samples.first?.value)
        #expect(value.bitPattern == expected.bitPattern || (value.isNaN && expected.isNaN))
    }

    @Test(arguments: [
        ("1", 1.0), ("-1", -1), ("+1", 1), ("1.", 1), (".5", 0.5), ("-.5", -0.5), ("1e3", 1000), ("1E3", 1000),
        ("1e+06", 1e6), ("1.5e-3", 0.0015), ("0001", 1), ("1e-400", 0), ("4.9e-324", .leastNonzeroMagnitude),
        ("1.7976931348623157e308", 1.7976931348623157e308), ("0.30000000000000004", 0.30000000000000004),
        ("9007199254740993", 9_007_199_254_740_992), ("1458255915e0", 1.458255915e9), ("1.458255915e9", 1.458255915e9),
        ("123456789012345678901234567890", 1.2345678901234568e29),
        ("2.2250738585072011e-308", Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)),
    ])
    func decimalValues(text: String, expected: Double) throws {
        #expect(try TextParser.parse("x \(text)\n").first?.samples.first?.value == expected)
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let value = try #require(try TextParser.parse("x -0\n").first?.samples.first?.value)
        #expect(value == 0 && value.sign == .minus)
    }

    @Test(arguments: [
        "+NaN", "-nan", "Infinit", "infinityy", "In", "nanx", "0x10", "0x1p-2", "1_0", "1e", "e5", ".", "+", "-",
        "1..2",
        "--1", "1e+", ".e1", "1,5", "١", "1e5.0", "1.5f", "0b1",
    ])
    func rejectedValues(text: String) {
        #expect(throws: ParseError(line: 1, message: "expected float as value, got \(text.debugDescription)")) {
            try TextParser.parse("x \(text)\n")
        }
    }

    /// The fast path (mantissa below 2^53, power of ten within 10^±22) and the fallback must both give the
    /// correctly rounded double that the standard library gives.
    @Test func decimalsMatchTheStandardLibrary() throws {
        var random = SplitMix64(state: 0x5EED)
        var lines: [String] = []
        var expected: [Double] = []
        while lines.count < 5000 {
            var text = Bool.random(using: &random) ? "" : (Bool.random(using: &random) ? "-" : "+")
            let digits = Int.random(in: 1...24, using: &random)
            let point = Int.random(in: 0...digits, using: &random)
            for index in 0..<digits {
                if index == point && Bool.random(using: &random) { text += "." }
                text += String(Int.random(in: 0...9, using: &random))
            }
            if Bool.random(using: &random) {
                text += Bool.random(using: &random) ? "e" : "E"
                let exponent =
                    Bool.random(using: &random)
                    ? Int.random(in: -30...30, using: &random) : Int.random(in: -340...320, using: &random)
                text += exponent >= 0 && Bool.random(using: &random) ? "+\(exponent)" : "\(exponent)"
            }
            guard let value = Double(text), value.isFinite else { continue }
            lines.append("x \(text)\n")
            expected.append(value)
        }
        let samples = try #require(try TextParser.parse(lines.joined()).first?.samples)
        #expect(samples.count == expected.count)
        for (index, sample) in samples.enumerated() where sample.value.bitPattern != expected[index].bitPattern {
            Issue.record("\(lines[index].dropLast()) parsed as \(sample.value), expected \(expected[index])")
        }
    }
}

// MARK: Escapes, line endings, round trips

@Suite struct TextParserEscapeTests {
    @Test func labelValueEscapes() throws {
        let input = #"x{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\"",empty=""} 1"# + "\n"
        let labels = try #require(try TextParser.parse(input).first?.samples.first?.labels)
        #expect(labels == ["path": #"C:\DIR\FILE.TXT"#, "error": "Cannot find file:\n\"FILE.TXT\"", "empty": ""])
    }

    @Test func helpEscapes() throws {
        let input = #"# HELP x Back\\slash,\nnewline and \"quotes\" and "plain" ones."# + "\nx 1\n"
        #expect(try TextParser.parse(input).first?.help == "Back\\slash,\nnewline and \"quotes\" and \"plain\" ones.")
    }

    @Test func crlfReadsLikeLF() throws {
        let text = """
            # HELP a First\\nfamily.
            # TYPE a histogram
            a_bucket{le="0.5",path="C:\\\\x"} 1 1000
            a_bucket{le="+Inf",path="C:\\\\x"} 2 1000
            a_sum 1.5
            a_count 2

            b 1
            """
        let lf = try TextParser.parse(text + "\n")
        #expect(lf.count == 2)
        #expect(try TextParser.parse(text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n") == lf)
        #expect(try TextParser.parse(text.replacingOccurrences(of: "\n", with: "\r\n")) == lf)
    }
}

@Suite struct TextParserRoundTripTests {
    /// Families in the encoder's order (by name, samples by metric, name and bound), so encoding then parsing gives
    /// them back unchanged.
    static let families: [MetricFamily] = [
        family(
            "a_seconds", .histogram, help: "Latency with \\ backslash and\nnewline.",
            [
                sample("a_seconds_bucket", ["le": "0.25"], 1), sample("a_seconds_bucket", ["le": "1"], 2),
                sample("a_seconds_bucket", ["le": "+Inf"], 3), sample("a_seconds_count", 3),
                sample("a_seconds_sum", 1.75),
            ]),
        family(
            "b_total", .counter, help: "Say \"hi\".",
            [
                sample("b_total", ["host": "a\"b\\c\nd", "user": ""], 1e-05, at: 1_500),
                sample("b_total", ["host": "zz", "user": "Grüße ✓"], 1.458255915e9, at: -1),
            ]),
        family(
            "c", .gauge,
            [
                sample("c", ["k": "1"], .nan), sample("c", ["k": "2"], .infinity), sample("c", ["k": "3"], -.infinity),
                sample("c", ["k": "4"], 0.1 + 0.2), sample("c", ["k": "5"], -123_456), sample("c", ["k": "6"], 2.5e20),
                sample("c", ["k": "7"], .leastNonzeroMagnitude), sample("c", ["k": "8"], .greatestFiniteMagnitude),
            ]),
        family(
            "d", .summary, help: "A summary.",
            [
                sample("d", ["quantile": "0.5"], 0.25), sample("d", ["quantile": "0.99"], 1), sample("d_count", 7),
                sample("d_sum", 3),
            ]),
        family("e", .untyped, [sample("e", 6000, at: 1_700_000_000_123)]),
    ]

    @Test func textRoundTrip() throws {
        let encoded = TextEncoder().encode(Self.families)
        #expect(try TextParser.parse(encoded) == Self.families)
    }

    @Test func openMetricsRoundTrip() throws {
        let encoded = TextEncoder(format: .openMetrics).encode(Self.families)
        #expect(try TextParser.parse(encoded, format: .openMetrics) == Self.families)
    }

    @Test func fixtureRoundTrip() throws {
        let parsed = try TextParser.parse(try Fixtures.bytes(Fixtures.nodeExporter))
        let encoded = TextEncoder().encode(parsed)
        #expect(TextEncoder().encode(try TextParser.parse(encoded)) == encoded)
    }
}

// MARK: Fixtures and filtering

@Suite struct TextParserFixtureTests {
    /// Independent count: every line that is neither blank nor a comment is one sample.
    static func sampleLines(_ bytes: [UInt8]) -> Int {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n")
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }.count
    }

    static func typeLines(_ bytes: [UInt8]) -> [Substring] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
    }

    @Test(arguments: [Fixtures.nodeExporter, Fixtures.nodeExporter64CPU])
    func parsesEverySample(url: URL) throws {
        let bytes = try Fixtures.bytes(url)
        let families = try TextParser.parse(bytes)
        #expect(families.reduce(0) { $0 + $1.samples.count } == Self.sampleLines(bytes))
        // node_exporter declares every family it writes, and writes a sample for every family it declares.
        let declared = Self.typeLines(bytes).map { $0.split(separator: " ") }
        #expect(families.map(\.name) == declared.map { String($0[2]) })
        #expect(families.map(\.type.rawValue) == declared.map { String($0[3]) })
        #expect(families.allSatisfy { !$0.help.isEmpty })
    }

    @Test func knownFamilies() throws {
        let families = try TextParser.parse(try Fixtures.bytes(Fixtures.nodeExporter64CPU))
        let cpu = try #require(families.first { $0.name == "node_cpu_seconds_total" })
        #expect(cpu.type == .counter)
        #expect(cpu.help == "Seconds the CPUs spent in each mode.")
        #expect(cpu.samples.count == 64 * 8)
        #expect(cpu.samples.first == sample("node_cpu_seconds_total", ["cpu": "0", "mode": "idle"], 1.46243047e6))
        let gc = try #require(families.first { $0.name == "go_gc_duration_seconds" })
        #expect(gc.type == .summary)
        #expect(
            gc.samples.map(\.name) == Array(repeating: "go_gc_duration_seconds", count: 5)
                + ["go_gc_duration_seconds_sum", "go_gc_duration_seconds_count"])
    }

    static let wanted: Set<String> = [
        "node_cpu_seconds_total", "node_memory_Active_bytes", "node_memory_MemTotal_bytes", "node_boot_time_seconds",
    ]

    @Test(arguments: [Fixtures.nodeExporter, Fixtures.nodeExporter64CPU])
    func wantedFamiliesOnly(url: URL) throws {
        let bytes = try Fixtures.bytes(url)
        let all = try TextParser.parse(bytes)
        let filtered = try TextParser.parse(bytes, families: Self.wanted)
        #expect(Set(filtered.map(\.name)) == Self.wanted)
        #expect(filtered == all.filter { Self.wanted.contains($0.name) })
    }

    @Test func wantedNamesAreFamilyNames() throws {
        let input = """
            # TYPE h histogram
            h_bucket{le="+Inf"} 1
            h_sum 2
            h_count 1
            # TYPE g gauge
            g 3
            g_sum 4
            junk that would not parse 5 6 7
            # TYPE other gauge
            other{broken 1

            """
        #expect(
            try TextParser.parse(input, families: ["h"]) == [
                family(
                    "h", .histogram, [sample("h_bucket", ["le": "+Inf"], 1), sample("h_sum", 2), sample("h_count", 1)])
            ])
        #expect(try TextParser.parse(input, families: ["g_sum"]) == [family("g_sum", .untyped, [sample("g_sum", 4)])])
        #expect(try TextParser.parse(input, families: ["h_sum", "missing"]) == [])
        #expect(try TextParser.parse(input, families: []) == [])
        // Declarations are still checked in skipped families.
        #expect(
            throws: ParseError(
                line: 2, message: #"second TYPE line for metric name "g", or TYPE reported after samples"#)
        ) {
            try TextParser.parse("g 1\n# TYPE g gauge\n", families: ["x"])
        }
    }
}

// MARK: Robustness

@Suite struct TextParserRobustnessTests {
    static let document = Array(
        """
        # HELP a_seconds Latency with \\\\ and \\n.
        # TYPE a_seconds histogram
        a_seconds_bucket{le="0.25",path="C:\\\\x \\"q\\"\\n"} 1 1000
        a_seconds_bucket{le="+Inf",path="y"} 3
        a_seconds_sum 1.75e-3
        a_seconds_count 3
        # TYPE b_total counter
        b_total{host="Grüße ✓",} NaN -5
        \tc{a = "1" , } +Inf
        d_created 1.7e9\r
        # EOF

        """.utf8)

    /// Every prefix either parses or fails with a line inside the prefix. In the text format every prefix that
    /// ends on a line boundary is a valid exposition holding the samples of its lines, and asking for some
    /// families gives exactly those families of the full result; OpenMetrics needs the `# EOF` line.
    @Test func everyPrefixParsesOrThrows() {
        let wanted: Set<String> = ["a_seconds", "c"]
        for length in 0...Self.document.count {
            let prefix = Array(Self.document[..<length])
            let lines = prefix.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let atLineBoundary = length == 0 || prefix.last == 0x0A
            for format in [ExpositionFormat.text, .openMetrics] {
                let parsed = Result { () throws(ParseError) in try TextParser.parse(prefix, format: format) }
                switch parsed {
                case .success(let families):
                    if format == .openMetrics {
                        let text = String(decoding: prefix, as: UTF8.self)
                        #expect(text.hasSuffix("# EOF") || text.hasSuffix("# EOF\n"), "\(length)")
                    } else if atLineBoundary {
                        let count = families.reduce(0) { $0 + $1.samples.count }
                        #expect(count == TextParserFixtureTests.sampleLines(prefix), "\(length)")
                    }
                    let filtered = try? TextParser.parse(prefix, families: wanted, format: format)
                    #expect(filtered == families.filter { wanted.contains($0.name) }, "\(length)")
                case .failure(let error):
                    #expect(error.line >= 1 && error.line <= lines, "\(length): \(error)")
                    #expect(format == .openMetrics || !atLineBoundary, "\(length): \(error)")
                }
            }
        }
    }

    @Test func randomMutationsParseOrThrow() {
        var random = SplitMix64(state: 20_260_823)
        let alphabet = Array(##"{}=",\"# _:.+-eE0123456789aInNf"##.utf8) + [0x0A, 0x0D, 0x09, 0x00, 0xFF, 0xC3]
        var parsed = 0
        for _ in 0..<3000 {
            var bytes = Self.document
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                let byte =
                    Bool.random(using: &random)
                    ? alphabet.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = byte
                case 1: bytes.insert(byte, at: index)
                default: bytes.remove(at: index)
                }
            }
            for format in [ExpositionFormat.text, .openMetrics] {
                if let families = try? TextParser.parse(bytes, format: format) {
                    parsed += 1
                    // Whatever parses must encode to something that parses again.
                    if format == .text { #expect((try? TextParser.parse(TextEncoder().encode(families))) != nil) }
                }
                _ = try? TextParser.parse(bytes, families: ["a_seconds", "b_total"], format: format)
            }
        }
        #expect(parsed > 0)
    }
}
