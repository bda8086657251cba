/// Fitted profiles as a `power:` configuration fragment, ready to paste (the `calibrate` command's output).
///
/// Accepted fits become the default profile's coefficients (`power.default`) or a `power.profiles` entry
/// each, with their relative RMS residual, hosts and intervals in a comment; a profile's `match:` is not
/// known here, so entries say to keep the one configured. Rejected fits are listed as comments with their
/// reason. Coefficients are rounded to milliwatts.
public enum CalibrationYAML {
    public static func render(_ fits: [ProfileFit], defaultProfile: String = "default") -> String {
        let accepted = fits.filter(\.isAccepted).sorted { $0.profile < $1.profile }
        let rejected = fits.filter { !$0.isAccepted }.sorted { $0.profile < $1.profile }
        var lines = ["# Power profiles fitted by least squares on whole-node measurements."]
        if !accepted.isEmpty {
            lines.append("power:")
            if let fit = accepted.first(where: { $0.profile == defaultProfile }) {
                lines.append("  default:  # \(summary(fit))")
                lines += coefficients(fit, indent: "    ")
            }
            let others = accepted.filter { $0.profile != defaultProfile }
            if !others.isEmpty {
                lines.append("  profiles:  # keep each profile's match: as configured")
                for fit in others {
                    lines.append("    - name: \(quoted(fit.profile))  # \(summary(fit))")
                    lines += coefficients(fit, indent: "      ")
                }
            }
        }
        for fit in rejected {
            let reason = fit.rejection?.rawValue ?? ""
            let detail = fit.detail.isEmpty ? "" : ": \(fit.detail)"
            lines.append("# not fitted: \(quoted(fit.profile)) (\(reason)\(detail))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func summary(_ fit: ProfileFit) -> String {
        let residual = fit.errorRatio.map { "relative RMS residual \(number($0, places: 4))" } ?? "no residual"
        let idle = fit.idleFitted ? "" : ", idle floor as configured (one core count)"
        return "\(residual), \(fit.hosts) hosts, \(fit.intervals) intervals\(idle)"
    }

    static func coefficients(_ fit: ProfileFit, indent: String) -> [String] {
        [
            "\(indent)cpu_idle_watts_per_core: \(number(fit.cpuIdleWattsPerCore, places: 3))",
            "\(indent)cpu_watts_per_core: \(number(fit.cpuWattsPerCore, places: 3))",
            "\(indent)other_watts: \(number(fit.otherWatts, places: 3))",
        ]
    }

    /// The value rounded to `places` decimals, without trailing zeros.
    static func number(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return ".nan" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded() { return String(Int64(rounded)) }
        var text = String(rounded)
        // Shortest round-trip text may still carry float noise past the rounding; cut it.
        if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > places + 1 {
            text = String(text[..<text.index(dot, offsetBy: places + 1)])
        }
        return text
    }

    /// A YAML plain scalar where safe, else double-quoted.
    static func quoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        if plain { return text }
        let escaped = text.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
        return "\"\(escaped)\""
    }
}

extension String {
    /// Every occurrence of `target` replaced (Model has no Foundation).
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}
