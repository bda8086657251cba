// libFuzzer target for the exposition text parser. Any input must either parse or throw ParseError, in both
// the text and OpenMetrics formats; a crash, a hang or a sanitizer report is a bug. Whatever parses must
// survive a round trip through the encoder in the same format; OpenMetrics errors must name their rule.
import FuzzDriver
import Glibc
import PromText

func fuzzOne(_ bytes: [UInt8]) {
    for format in [ExpositionFormat.text, .openMetrics] {
        let families: [MetricFamily]
        do {
            families = try TextParser.parse(bytes, format: format)
        } catch {
            if format == .openMetrics && error.rule == nil { fatalError("OpenMetrics error without a rule: \(error)") }
            continue
        }
        _ = try? TextParser.parse(
            bytes, families: ["node_cpu_seconds_total", "node_boot_time_seconds"], format: format)
        // A gauge histogram has no type of its own once parsed, so only the text format can take it back.
        let encodable =
            format == .text
            ? families
            : families.filter { family in family.type != .gauge || family.samples.allSatisfy { $0.name == family.name }
            }
        let encoded = TextEncoder(format: format).encode(encodable)
        guard let again = try? TextParser.parse(encoded, format: format) else {
            fatalError("encoder output of parsed input does not parse again")
        }
        if format == .openMetrics && again.count != encodable.count {
            fatalError("OpenMetrics round trip changed the families")
        }
    }
}

runFuzzer(fuzzOne)
