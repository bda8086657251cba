import FuzzDriver
import Glibc
import Model

@testable import Config

// libFuzzer target for the YAML configuration loader, the web configuration loader and the file_sd reader: the
// input is a whole file. Either
// it loads, and the effective configuration printed by check-config loads again to the same value with every
// setting in its documented range, or it is rejected with problems that each name the file and a line of it.

let configFile = "fuzz.yml"
let targetsFile = "targets.json"
let webFile = "web.yml"

func fuzzOne(_ bytes: [UInt8]) {
    let lineCount = yamlLines(String(decoding: bytes, as: UTF8.self))
    do {
        let configuration = try ConfigurationLoader.parse(contents: bytes, file: configFile)
        checkRanges(configuration)
        let effective = configuration.yamlDescription
        do {
            let again = try ConfigurationLoader.parse(yaml: effective, file: configFile)
            guard again == redacted(configuration) else {
                fatalError("the effective configuration loads to a different value:\n\(effective)")
            }
        } catch {
            fatalError("the effective configuration does not load: \(error)\n\(effective)")
        }
    } catch {
        checkProblems(error, file: configFile, lineCount: lineCount)
    }
    do {
        // The same bytes as a --web.config.file: accepted users always have bcrypt hashes.
        let web = try ConfigurationLoader.parseWeb(yaml: ConfigurationLoader.text(bytes, file: webFile), file: webFile)
        precondition(web.basicAuthUsers.values.allSatisfy(BcryptHashShape.isWellFormed), "a user without a bcrypt hash")
        precondition(web.rateLimit.map { $0.interval > 0 && $0.burst >= 1 } ?? true, "rate limit out of range")
    } catch {
        checkProblems(error, file: webFile, lineCount: lineCount)
    }
    do {
        let groups = try ConfigurationLoader.targetGroups(contents: bytes, file: targetsFile)
        for group in groups {
            precondition(group.targets.allSatisfy(ConfigurationLoader.isHostPort), "target that is not HOST:PORT")
            precondition(group.labels.keys.allSatisfy(ConfigurationLoader.isLabelName), "invalid label name")
        }
    } catch {
        checkProblems(error, file: targetsFile, lineCount: lineCount)
    }
}

/// One more than the line breaks, counted as YAML does: CRLF, CR, LF, NEL, LS and PS.
func yamlLines(_ text: String) -> Int {
    let breaks: Set<Unicode.Scalar> = ["\r", "\n", "\u{85}", "\u{2028}", "\u{2029}"]
    let scalars = Array(text.unicodeScalars)
    return 1
        + scalars.indices.count { index in
            breaks.contains(scalars[index]) && !(scalars[index] == "\n" && index > 0 && scalars[index - 1] == "\r")
        }
}

func checkProblems(_ error: ConfigurationError, file: String, lineCount: Int) {
    precondition(!error.problems.isEmpty, "a ConfigurationError without problems")
    for problem in error.problems {
        guard problem.file == file, (1...lineCount).contains(problem.line),
            problem.description.hasPrefix("\(file):\(problem.line): ")
        else { fatalError("problem without the file and a line of it: \(problem) (\(lineCount) lines)") }
    }
}

/// What check-config prints keeps passwords out, so a reloaded configuration has the placeholder instead.
func redacted(_ configuration: Configuration) -> Configuration {
    var copy = configuration
    if copy.source.prometheus.basicAuth?.password != nil { copy.source.prometheus.basicAuth?.password = "<secret>" }
    if copy.source.scrape.basicAuth?.password != nil { copy.source.scrape.basicAuth?.password = "<secret>" }
    return copy
}

func checkRanges(_ configuration: Configuration) {
    let carbon = configuration.carbonIntensity
    let scrape = configuration.source.scrape
    let durations = [
        configuration.collectInterval, configuration.source.prometheus.timeout, scrape.timeout, carbon.refresh,
        carbon.maxAge, carbon.timeout,
    ]
    precondition(durations.allSatisfy { $0.isFinite && $0 > 0 }, "a duration that is not positive and finite")
    precondition(configuration.hostGracePeriod.isFinite && configuration.hostGracePeriod >= 0, "bad grace period")
    precondition(CarbonIntensity.plausibleRange.contains(carbon.staticGramsPerKilowattHour), "static intensity")
    precondition(CarbonIntensity.plausibleRange.contains(carbon.fallbackGramsPerKilowattHour), "fallback intensity")
    precondition((1...17).contains(carbon.uk.regionID ?? 1), "region id")
    precondition((1...1024).contains(scrape.maxConcurrency), "max_concurrency")
    precondition((1024...(1 << 30)).contains(scrape.bodySizeLimit), "body_size_limit")
    let power = configuration.power
    for profile in [power.defaultProfile] + power.profiles.map(\.profile) {
        let watts = [profile.cpuWattsPerCore, profile.cpuIdleWattsPerCore, profile.ramWatts, profile.otherWatts]
        precondition(watts.allSatisfy { $0.isFinite && $0 >= 0 } && profile.cpuWattsPerCore > 0, "watts")
        precondition(profile.cpuIdleWattsPerCore <= profile.cpuWattsPerCore, "idle above busy")
        precondition((1...10).contains(profile.pue), "pue")
    }
    precondition(power.profiles.allSatisfy { !$0.match.isEmpty }, "profile that matches every host")
    for labels in [configuration.source.prometheus.attributionLabels, scrape.attributionLabels] {
        precondition(labels.allSatisfy { ConfigurationLoader.isLabelName($0) }, "attribution label name")
        precondition(Set(labels).count == labels.count, "attribution label twice")
        precondition(labels.allSatisfy { !ConfigurationLoader.reservedLabelNames.contains($0) }, "reserved label")
    }
    precondition(configuration.equivalencies.allSatisfy { $0.perUnit.isFinite && $0.perUnit > 0 }, "equivalency")
}

runFuzzer(fuzzOne)
