import Foundation
import PromText
import Testing

/// Replays the kept fuzzing corpus and every crasher the fuzzer ever found: each must parse or throw.
@Suite struct FuzzCorpusTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func files(_ folder: String) -> [URL] {
        let directory = fuzzFolder.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test func corpusAndRegressionsNeverCrash() throws {
        let inputs = Self.files("corpus/text-parser") + Self.files("regressions/text-parser")
        #expect(inputs.count >= 4)
        for url in inputs {
            let bytes = [UInt8](try Data(contentsOf: url))
            for format in [ExpositionFormat.text, .openMetrics] {
                if let families = try? TextParser.parse(bytes, format: format), format == .text {
                    #expect((try? TextParser.parse(TextEncoder().encode(families))) != nil, "\(url.lastPathComponent)")
                }
            }
        }
    }
}
