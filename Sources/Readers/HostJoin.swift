import Model

/// How a measured series is joined to the host whose CPU readings it belongs with.
///
/// By default the join key is the host part of `instance`, everything before its last `:` (the port), since
/// node_exporter, dcgm-exporter and ipmi_exporter run on the same machine under their own ports. Sites with other
/// conventions (ipmi_exporter in remote mode names the BMC; dcgm-exporter on Kubernetes has a `Hostname` label)
/// name another label and, if needed, a regular expression that must match the whole value and a replacement
/// with `$1`/`${1}` references, as Prometheus relabelling writes them.
public struct HostJoin: Sendable, Equatable {
    public let label: String
    /// The regular expression, anchored at both ends; nil for the host part before the last `:`.
    public let pattern: String?
    public let replacement: String
    private let regex: CompiledPattern?

    /// - Throws: `ReaderError.malformed` when `pattern` is not a valid regular expression.
    public init(label: String = "instance", pattern: String? = nil, replacement: String = "$1") throws(ReaderError) {
        self.label = label
        self.pattern = pattern
        self.replacement = replacement
        if let pattern {
            do {
                regex = CompiledPattern(try Regex("^(?:" + pattern + ")$"))
            } catch {
                throw .malformed("join regex \(pattern): \(error)")
            }
        } else {
            regex = nil
        }
    }

    /// The default join: the host part of `instance`.
    public static let instanceHost = HostJoin(uncheckedLabel: "instance")

    private init(uncheckedLabel label: String) {
        self.label = label
        pattern = nil
        replacement = "$1"
        regex = nil
    }

    public static func == (lhs: HostJoin, rhs: HostJoin) -> Bool {
        lhs.label == rhs.label && lhs.pattern == rhs.pattern && lhs.replacement == rhs.replacement
    }

    /// The join key of a measured series; nil when it lacks the label or the pattern does not match.
    public func key(_ labels: [String: String]) -> String? {
        labels[label].flatMap(key(value:))
    }

    /// The join key of a series whose join label has `value`; nil when it is empty or the pattern does not match.
    public func key(value: String) -> String? {
        guard !value.isEmpty else { return nil }
        guard let regex else { return Self.hostPart(value) }
        guard let match = value.wholeMatch(of: regex.regex) else { return nil }
        let key = Self.expand(replacement, groups: match.output.map { $0.substring.map(String.init) })
        return key.isEmpty ? nil : key
    }

    /// The join key of a node reading: the host part of its `instance` target label where it has one, else of its
    /// `host`. Measured series are joined to this key whatever the join of the measured side.
    public static func nodeKey(of reading: HostReading) -> String {
        hostPart(reading.labels["instance"] ?? reading.host)
    }

    /// The join key of a node reading's host (its `host` value, usually `instance`): the part before the last `:`.
    public static func hostPart(_ value: String) -> String {
        // Byte scan: this runs for every measured series of a collection.
        var text = value
        let end = text.withUTF8 { bytes -> Int? in
            guard let colon = bytes.lastIndex(of: UInt8(ascii: ":")) else { return nil }
            let head = bytes[..<colon]
            if bytes.first == UInt8(ascii: "[") {
                // "[v6]:port" keeps the brackets; a bracketed address without a port has nothing to cut.
                return head.last == UInt8(ascii: "]") ? colon : nil
            }
            // A bare IPv6 address has colons but no port.
            return head.contains(UInt8(ascii: ":")) ? nil : colon
        }
        guard let end else { return value }
        // Made from its bytes, the new String knows it is ASCII (when it is): comparing and hashing it then take
        // the fast path, not the Unicode-normalising one a String made from a slice of another takes.
        return text.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[..<end]), as: UTF8.self) }
    }

    /// `replacement` with `$N` and `${N}` replaced by capture group N (empty when absent or unmatched).
    static func expand(_ replacement: String, groups: [String?]) -> String {
        var result = ""
        var characters = Substring(replacement)
        while let first = characters.first {
            characters = characters.dropFirst()
            guard first == "$" else {
                result.append(first)
                continue
            }
            var digits = ""
            if characters.first == "{", let close = characters.firstIndex(of: "}") {
                digits = String(characters[characters.index(after: characters.startIndex)..<close])
                if Int(digits) != nil {
                    characters = characters[characters.index(after: close)...]
                } else {
                    digits = ""
                }
            } else {
                digits = String(characters.prefix { $0.isASCII && $0.isNumber })
                characters = characters.dropFirst(digits.count)
            }
            guard let index = Int(digits) else {
                result.append("$")
                continue
            }
            if index < groups.count, let group = groups[index] { result += group }
        }
        return result
    }
}

/// A compiled regular expression; `Regex` is not declared `Sendable`, but a compiled one is never mutated.
private struct CompiledPattern: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
    init(_ regex: Regex<AnyRegexOutput>) { self.regex = regex }
}
