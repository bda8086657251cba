import Model
import TestSupport
import Testing

@testable import Config

/// Replays the kept fuzzing inputs of the configuration loader (Fuzz/corpus/config, Fuzz/regressions/config) as
/// whole files, both as a configuration and as a file_sd file, with the fuzz target's invariants.
@Suite struct ConfigurationFuzzCorpusTests {
    static let file = "fuzz.yml"

    @Test func keptInputsLoadOrNameALineOfTheFile() throws {
        let inputs = try FuzzInputs.all("config")
        #expect(inputs.count >= 20)
        var loaded = 0
        for input in inputs {
            let lines = Self.yamlLines(String(decoding: input.bytes, as: UTF8.self))
            do {
                let configuration = try ConfigurationLoader.parse(contents: input.bytes, file: Self.file)
                loaded += 1
                Self.expectDocumentedRanges(configuration, input.name)
                // check-config prints this: it must load again, to the same value but for redacted passwords.
                let again = try ConfigurationLoader.parse(yaml: configuration.yamlDescription, file: Self.file)
                #expect(again == Self.redacted(configuration), "\(input.name)")
            } catch {
                Self.expectProblemsOnLines(error, file: Self.file, lines: lines, input.name)
            }
            do {
                let web = try ConfigurationLoader.parseWeb(
                    yaml: ConfigurationLoader.text(input.bytes, file: "web.yml"), file: "web.yml")
                #expect(web.basicAuthUsers.values.allSatisfy(BcryptHashShape.isWellFormed), "\(input.name)")
            } catch {
                Self.expectProblemsOnLines(error, file: "web.yml", lines: lines, input.name)
            }
            do {
                let groups = try ConfigurationLoader.targetGroups(contents: input.bytes, file: "targets.json")
                #expect(
                    groups.allSatisfy { $0.targets.allSatisfy { ConfigurationLoader.isHostPort($0) } }, "\(input.name)")
            } catch {
                Self.expectProblemsOnLines(error, file: "targets.json", lines: lines, input.name)
            }
        }
        // The corpus must keep inputs that get all the way through, not only rejections.
        #expect(loaded >= 5)
    }

    /// Crashers, with what each one now gives.
    @Test func regressionsStayFixed() throws {
        let expected: [String: String] = [
            // An error at the end of a last line without a newline was reported on the line after it.
            "crash-fb53f359bf42a4b6062187d59c5cdf883c8aa71f":
                "fuzz.yml:1: invalid YAML: did not find expected ',' or ']'",
            // 125 bare CRs: YAML counts each as a line end, so the problem on line 129 is inside the file.
            "crash-4634900a7be6154f84df92df8caadacebd78bc8c":
                "fuzz.yml:3: source.prometheus must be a mapping of keys to values\nfuzz.yml:129: unknown key \"ource\"",
            // Loaded, then crashed check-config when printed: durations now stop at Prometheus' limit.
            "duration-beyond-int.yml": "fuzz.yml:1: collect_interval must be a positive duration",
            // Escaped line breaks and control characters in strings: check-config printed them raw, so the
            // effective configuration read back folded (newline, NEL) or did not load (control characters).
            "quoted-newline-in-label.yml": "",
            "quoted-newline-in-selector.yml": "",
            "control-character-in-host.yml": "",
            "next-line-character-in-host.yml": "",
            "non-printables-in-profile.yml": "",
            // `---` alone: an empty document, all defaults; as a file_sd file its root sits past the last line.
            "crash-58b63e273b964039d6ef432a415df3f177c818e5": "",
        ]
        var checked = 0
        for input in try FuzzInputs.regressions("config") {
            let name = String(input.name.split(separator: "/").last ?? "")
            guard let prefix = expected[name] else { continue }
            checked += 1
            let outcome: String
            do {
                let configuration = try ConfigurationLoader.parse(contents: input.bytes, file: Self.file)
                let again = try ConfigurationLoader.parse(yaml: configuration.yamlDescription, file: Self.file)
                outcome = again == configuration ? "" : "reads back differently:\n\(configuration.yamlDescription)"
            } catch {
                outcome = error.description
            }
            #expect(prefix.isEmpty ? outcome.isEmpty : outcome.hasPrefix(prefix), "\(name): \(outcome)")
        }
        #expect(checked == expected.count)
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.targetGroups(contents: Array("---".utf8), file: "t.yml")
        }
        do {
            _ = try ConfigurationLoader.targetGroups(contents: Array("---".utf8), file: "t.yml")
        } catch {
            #expect(error.description == "t.yml:1: the file must be a list")
        }
    }

    @Test func invalidUTF8IsReportedOnItsLine() {
        #expect(
            throws: ConfigurationError(problems: [.init(file: "a.yml", line: 3, message: "not valid UTF-8 at byte 22")])
        ) {
            try ConfigurationLoader.parse(contents: Array("collect_interval: 5s\n\n".utf8) + [0xFF], file: "a.yml")
        }
        #expect(ConfigurationLoader.lineCount("a\r\nb\rc\nd\u{2028}e".unicodeScalars) == 5)
    }

    static func expectProblemsOnLines(_ error: ConfigurationError, file: String, lines: Int, _ name: String) {
        #expect(!error.problems.isEmpty, "\(name)")
        for problem in error.problems {
            #expect(problem.file == file && (1...lines).contains(problem.line), "\(name): \(problem)")
            #expect(problem.description.hasPrefix("\(file):\(problem.line): "), "\(name): \(problem)")
        }
    }

    /// One more than the line breaks, counted as YAML does (CRLF, CR, LF, NEL, LS, PS); written apart from the
    /// loader's own count so the two check each other.
    static func yamlLines(_ text: String) -> Int {
        let breaks: Set<Unicode.Scalar> = ["\r", "\n", "\u{85}", "\u{2028}", "\u{2029}"]
        let scalars = Array(text.unicodeScalars)
        return 1
            + scalars.indices.count { index in
                breaks.contains(scalars[index]) && !(scalars[index] == "\n" && index > 0 && scalars[index - 1] == "\r")
            }
    }

    static func redacted(_ configuration: Configuration) -> Configuration {
        var copy = configuration
        if copy.source.prometheus.basicAuth?.password != nil { copy.source.prometheus.basicAuth?.password = "<secret>" }
        if copy.source.scrape.basicAuth?.password != nil { copy.source.scrape.basicAuth?.password = "<secret>" }
        // Passwords inside URLs are masked too.
        copy.source.prometheus.url = URLRedaction.redactingPassword(copy.source.prometheus.url)
        copy.carbonIntensity.uk.url = URLRedaction.redactingPassword(copy.carbonIntensity.uk.url)
        copy.carbonIntensity.electricityMaps.url = URLRedaction.redactingPassword(
            copy.carbonIntensity.electricityMaps.url)
        copy.carbonIntensity.wattTime.url = URLRedaction.redactingPassword(copy.carbonIntensity.wattTime.url)
        for index in copy.carbonIntensity.regions.indices {
            copy.carbonIntensity.regions[index].uk.url = URLRedaction.redactingPassword(
                copy.carbonIntensity.regions[index].uk.url)
            copy.carbonIntensity.regions[index].electricityMaps.url = URLRedaction.redactingPassword(
                copy.carbonIntensity.regions[index].electricityMaps.url)
            copy.carbonIntensity.regions[index].wattTime.url = URLRedaction.redactingPassword(
                copy.carbonIntensity.regions[index].wattTime.url)
        }
        if let url = copy.auditor?.url { copy.auditor?.url = URLRedaction.redactingPassword(url) }
        return copy
    }

    static func expectDocumentedRanges(_ configuration: Configuration, _ name: String) {
        let carbon = configuration.carbonIntensity
        let scrape = configuration.source.scrape
        let durations = [
            configuration.collectInterval, configuration.source.prometheus.timeout, scrape.timeout, carbon.refresh,
            carbon.maxAge, carbon.timeout,
        ]
        #expect(durations.allSatisfy { $0.isFinite && $0 > 0 && $0 <= PrometheusDuration.maximum }, "\(name)")
        #expect(
            configuration.hostGracePeriod >= 0 && configuration.hostGracePeriod <= PrometheusDuration.maximum, "\(name)"
        )
        #expect(CarbonIntensity.plausibleRange.contains(carbon.staticGramsPerKilowattHour), "\(name)")
        #expect(CarbonIntensity.plausibleRange.contains(carbon.fallbackGramsPerKilowattHour), "\(name)")
        #expect((1...17).contains(carbon.uk.regionID ?? 1), "\(name)")
        #expect((1...1024).contains(scrape.maxConcurrency), "\(name)")
        #expect((1024...(1 << 30)).contains(scrape.bodySizeLimit), "\(name)")
        let power = configuration.power
        for profile in [power.defaultProfile] + power.profiles.map(\.profile) {
            let watts = [profile.cpuWattsPerCore, profile.cpuIdleWattsPerCore, profile.ramWatts, profile.otherWatts]
            #expect(watts.allSatisfy { $0.isFinite && $0 >= 0 } && profile.cpuWattsPerCore > 0, "\(name)")
            #expect(profile.cpuIdleWattsPerCore <= profile.cpuWattsPerCore, "\(name)")
            #expect((1...10).contains(profile.pue), "\(name)")
        }
        #expect(power.profiles.allSatisfy { !$0.match.isEmpty }, "\(name)")
        for labels in [configuration.source.prometheus.attributionLabels, scrape.attributionLabels] {
            #expect(labels.allSatisfy { ConfigurationLoader.isLabelName($0) }, "\(name)")
            #expect(Set(labels).count == labels.count, "\(name)")
            #expect(labels.allSatisfy { !ConfigurationLoader.reservedLabelNames.contains($0) }, "\(name)")
        }
        #expect(configuration.equivalencies.allSatisfy { $0.perUnit.isFinite && $0.perUnit > 0 }, "\(name)")
    }
}
