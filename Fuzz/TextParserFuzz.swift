// libFuzzer entry point for the exposition text parser, built by `make fuzz` with -sanitize=fuzzer,address
// together with the PromText sources. Any input must either parse or throw ParseError; a crash, a hang or
// a sanitizer report is a bug. Parsed output must also survive a round trip through the encoder.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTextParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for format in [ExpositionFormat.text, .openMetrics] {
        guard let families = try? TextParser.parse(bytes, format: format) else { continue }
        _ = try? TextParser.parse(bytes, families: ["node_cpu_seconds_total", "node_boot_time_seconds"], format: format)
        if format == .text {
            let encoded = TextEncoder().encode(families)
            guard (try? TextParser.parse(encoded)) != nil else {
                fatalError("encoder output of parsed input does not parse again")
            }
        }
    }
    return 0
}
