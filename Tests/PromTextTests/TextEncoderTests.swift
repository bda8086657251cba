import PromText
import Testing

@Suite struct TextEncoderTests {
    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (1.0, "1"), (-1.0, "-1"), (123456.0, "123456"), (1e15, "1000000000000000"),
        (1e16, "1e+16"),
        (0.5, "0.5"), (1e-05, "1e-05"), (6000.0, "6000"), (1795343106.0, "1795343106"),
        (Double.nan, "NaN"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (0.1 + 0.2, "0.30000000000000004"),
        (2.5e20, "2.5e+20"),
    ])
    func valueText(value: Double, expected: String) {
        #expect(SampleValueText.string(value) == expected)
    }

    @Test func escapesLabelValuesAndHelp() {
        let family = MetricFamily(
            name: "msdos_file_access_time_seconds",
            help: "Help with \\ backslash,\nnewline and \"quotes\".",
            type: .gauge,
            samples: [
                Sample(
                    name: "msdos_file_access_time_seconds",
                    labels: ["path": #"C:\DIR\FILE.TXT"#, "error": "Cannot find file:\n\"FILE.TXT\""],
                    value: 1.458255915e9
                )
            ]
        )
        let text = TextEncoder().encodeString([family])
        #expect(
            text == #"""
                # HELP msdos_file_access_time_seconds Help with \\ backslash,\nnewline and "quotes".
                # TYPE msdos_file_access_time_seconds gauge
                msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1458255915

                """#
        )
    }

    @Test func sortsFamiliesAndSeries() {
        let families = [
            MetricFamily(
                name: "b_total", help: "B.", type: .counter,
                samples: [
                    Sample(name: "b_total", labels: ["host": "z"], value: 2),
                    Sample(name: "b_total", labels: ["host": "a"], value: 1),
                ]),
            MetricFamily(
                name: "a", help: "", type: .untyped,
                samples: [Sample(name: "a", value: 3, timestampMilliseconds: 1_500)]),
        ]
        let text = TextEncoder().encodeString(families)
        #expect(
            text == """
                # TYPE a untyped
                a 3 1500
                # HELP b_total B.
                # TYPE b_total counter
                b_total{host="a"} 1
                b_total{host="z"} 2

                """
        )
    }

    @Test func openMetricsNamesCountersWithoutTotalAndEndsWithEOF() {
        let families = [
            MetricFamily(
                name: "energy_joules_total", help: "Say \"hi\".", type: .counter,
                samples: [
                    Sample(
                        name: "energy_joules_total", labels: ["host": "a"], value: 6000, timestampMilliseconds: 1_500)
                ]),
            MetricFamily(name: "thing", help: "", type: .untyped, samples: [Sample(name: "thing", value: 0.25)]),
        ]
        let text = TextEncoder(format: .openMetrics).encodeString(families)
        #expect(
            text == """
                # TYPE energy_joules counter
                # HELP energy_joules Say \\"hi\\".
                energy_joules_total{host="a"} 6000 1.5
                # TYPE thing unknown
                thing 0.25
                # EOF

                """
        )
    }

    @Test func escapedLabelsMatchTheGenericPath() {
        let labels: LabelSet = ["host": "a\"b\\c\nd", "user": ""]
        var direct = ExpositionWriter()
        direct.writeSample(name: "x", labels: labels + ["state": "busy"], value: 1)
        var prefixed = ExpositionWriter()
        prefixed.writeSample(
            name: "x", escapedLabels: EscapedLabels(labels), extraLabel: Label("state", "busy"), value: 1)
        #expect(direct.finish() == prefixed.finish())
    }

    @Test func contentTypes() {
        #expect(ExpositionFormat.text.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(
            ExpositionFormat.openMetrics.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
    }
}

extension LabelSet {
    static func + (lhs: LabelSet, rhs: LabelSet) -> LabelSet { LabelSet(lhs.labels + rhs.labels) }
}
