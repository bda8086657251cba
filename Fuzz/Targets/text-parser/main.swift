// libFuzzer target for the exposition text parser. Any input must either parse or throw ParseError, in both
// the text and OpenMetrics formats; a crash, a hang or a sanitizer report is a bug. Parsed text must also
// survive a round trip through the encoder.
import FuzzDriver
import Glibc
import PromText

func fuzzOne(_ bytes: [UInt8]) {
    for format in [ExpositionFormat.text, .openMetrics] {
        guard let families = try? TextParser.parse(bytes, format: format) else { continue }
        _ = try? TextParser.parse(
            bytes, families: ["node_cpu_seconds_total", "node_boot_time_seconds"], format: format)
        if format == .text {
            let encoded = TextEncoder().encode(families)
            guard (try? TextParser.parse(encoded)) != nil else {
                fatalError("encoder output of parsed input does not parse again")
            }
        }
    }
}

runFuzzer(fuzzOne)
