import Foundation
import Model
import Yams

/// Reads a YAML configuration file into a validated `Configuration`, collecting every problem with its line.
///
/// The YAML is walked as a node tree rather than decoded, so unknown keys are reported and each message can
/// name the line it comes from.
public struct ConfigurationLoader {
    public let file: String
    var problems: [ConfigurationError.Problem] = []
    /// The file's last line: libyaml places some marks (an empty document, an error at the end of input) on
    /// the line after a last line without a newline, and a problem should still name a line of the file.
    public var lastLine = 1
    /// The line of each site read, for problems found once the whole file is known.
    var siteLines: [Int] = []

    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        try parse(contents: read(path), file: path)
    }

    /// The largest configuration, web configuration or file_sd file read: far above any real one, and small
    /// enough that a runaway file (millions of keys) is refused before it costs minutes and gigabytes.
    public static let maximumFileBytes = 1 << 20

    /// The bytes of a file, or a problem at line 0 (the file as a whole) when it cannot be read or is larger than
    /// `maximumFileBytes` (read no further than that, so a device or a growing file is refused too).
    public static func read(_ path: String) throws(ConfigurationError) -> [UInt8] {
        let bytes: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            bytes = try handle.read(upToCount: maximumFileBytes + 1) ?? Data()
        } catch {
            throw ConfigurationError(problems: [
                .init(file: path, line: 0, message: "cannot read file: \(error.localizedDescription)")
            ])
        }
        guard bytes.count <= maximumFileBytes else {
            throw ConfigurationError(problems: [
                .init(file: path, line: 0, message: "file is larger than 1 MiB; refusing to read it")
            ])
        }
        return [UInt8](bytes)
    }

    /// Parses a configuration file's bytes, which must be UTF-8.
    public static func parse(contents: [UInt8], file: String) throws(ConfigurationError) -> Configuration {
        try parse(yaml: text(contents, file: file), file: file)
    }

    public static func parse(yaml: String, file: String) throws(ConfigurationError) -> Configuration {
        var loader = ConfigurationLoader(file: file)
        let configuration = loader.configuration(from: yaml)
        if !loader.problems.isEmpty { throw ConfigurationError(problems: loader.problems) }
        return configuration
    }

    /// The bytes as text; invalid UTF-8 is reported at the line it is on rather than as an unreadable file.
    public static func text(_ contents: [UInt8], file: String) throws(ConfigurationError) -> String {
        if let text = String(validating: contents, as: UTF8.self) { return text }
        var iterator = contents.makeIterator()
        var decoder = UTF8()
        var valid: [Unicode.Scalar] = []
        while case .scalarValue(let scalar) = decoder.decode(&iterator) { valid.append(scalar) }
        let offset = valid.reduce(0) { $0 + UTF8.width($1) }
        throw ConfigurationError(problems: [
            .init(file: file, line: lineCount(valid), message: "not valid UTF-8 at byte \(offset)")
        ])
    }

    /// Lines as YAML counts them: CR, LF and CRLF each end one, and so do NEL, LS and PS (YAML 1.1, which
    /// libyaml reads).
    public static func lineCount(_ scalars: some Sequence<Unicode.Scalar>) -> Int {
        var lines = 1
        var afterCR = false
        for scalar in scalars {
            switch scalar {
            case "\n": if !afterCR { lines += 1 }
            case "\r", "\u{85}", "\u{2028}", "\u{2029}": lines += 1
            default: break
            }
            afterCR = scalar == "\r"
        }
        return lines
    }

    /// Reads a Prometheus file_sd file (JSON or YAML): a list of `{targets: [...], labels: {...}}`.
    public static func targetGroups(
        contents: [UInt8], file: String
    ) throws(ConfigurationError) -> [Configuration.TargetGroup] {
        try targetGroups(text: text(contents, file: file), file: file)
    }

    public static func targetGroups(
        text: String, file: String
    ) throws(ConfigurationError) -> [Configuration.TargetGroup] {
        var loader = ConfigurationLoader(file: file)
        loader.lastLine = lineCount(text.unicodeScalars)
        var groups: [Configuration.TargetGroup] = []
        do {
            if let root = try Yams.compose(yaml: text), let items = loader.sequence(root, "the file") {
                for (index, item) in items.enumerated() {
                    if let group = loader.targetGroup(item, "[\(index)]") { groups.append(group) }
                }
            }
        } catch let error as YamlError {
            loader.problem(line: line(of: error), "invalid YAML or JSON: \(describe(error))")
        } catch {
            loader.problem(line: 1, "invalid YAML or JSON: \(error)")
        }
        if !loader.problems.isEmpty { throw ConfigurationError(problems: loader.problems) }
        return groups
    }

    // MARK: - Document

    mutating func configuration(from yaml: String) -> Configuration {
        var configuration = Configuration()
        lastLine = Self.lineCount(yaml.unicodeScalars)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            problem(line: Self.line(of: error), "invalid YAML: \(Self.describe(error))")
            return configuration
        } catch {
            problem(line: 1, "invalid YAML: \(error)")
            return configuration
        }
        guard let root else { return configuration } // an empty file means all defaults
        guard let top = mapping(root, "the configuration") else { return configuration }
        for (key, value, line) in top {
            switch key {
            case "collect_interval": interval(value, key) { configuration.collectInterval = $0 }
            case "host_grace_period": duration(value, key, allowZero: true) { configuration.hostGracePeriod = $0 }
            case "source": configuration.source = source(value)
            case "carbon_intensity": configuration.carbonIntensity = carbonIntensity(value)
            case "power": configuration.power = power(value)
            case "equivalencies": configuration.equivalencies = equivalencies(value)
            case "workspaces": configuration.workspaces = workspaces(value)
            case "auditor": configuration.auditor = auditor(value)
            case "sites": configuration.sites = sites(value)
            case "usage_history": configuration.usageHistory = usageHistory(value)
            case "shard": configuration.shard = shard(value)
            case "history": configuration.history = history(value)
            default: unknown(key, line, in: "the configuration")
            }
        }
        checkSiteLabels(configuration)
        return configuration
    }
}

extension Configuration {
    /// Reads and validates a YAML configuration file.
    public static func load(file: String) throws(ConfigurationError) -> Configuration {
        try ConfigurationLoader.load(path: file)
    }
}
