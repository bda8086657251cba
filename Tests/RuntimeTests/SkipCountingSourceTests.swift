import Foundation
import Logging
import Readers
import Synchronization
import Testing

@testable import Runtime

/// Hosts a source leaves out: counted by reason across reloads, and warned about once per change, at most once
/// a minute per host.
@Suite struct SkipCountingSourceTests {
    /// A source whose next read leaves out the hosts it is given.
    final class ScriptedSource: NodeSource {
        let next = Mutex<[(host: String, reason: String)]>([])
        var name: String { "prometheus" }
        func read(now: Double, logger: Logger) throws(ReaderError) -> SourceRead {
            SourceRead(skipped: next.withLock { $0 })
        }
    }

    /// Keeps every message at warning and above.
    final class Recorder: Sendable {
        let lines = Mutex<[String]>([])
        var logger: Logger {
            Logger(label: "test") { _ in RecordingHandler(recorder: self) }
        }
        func take() -> [String] {
            lines.withLock { lines in
                defer { lines = [] }
                return lines
            }
        }
    }

    struct RecordingHandler: LogHandler {
        let recorder: Recorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let host = event.metadata?["host"].map { " host=\($0)" } ?? ""
            recorder.lines.withLock { $0.append("\(event.level) \(event.message)\(host)") }
        }
    }

    @Test func countsAndRateLimitedWarnings() throws {
        let scripted = ScriptedSource()
        let tally = SkippedHostTally()
        let source = SkipCountingSource(wrapping: scripted, tally: tally)
        let recorder = Recorder()
        let nan = (host: "a", reason: "non-finite or impossible values")

        scripted.next.withLock { $0 = [nan, (host: "b", reason: "no node_cpu_seconds_total")] }
        _ = try source.read(now: 0, logger: recorder.logger)
        #expect(
            recorder.take() == [
                "warning host left out of the collection host=a", "warning host left out of the collection host=b",
            ])
        // Still left out: counted again, not logged again.
        scripted.next.withLock { $0 = [nan] }
        _ = try source.read(now: 10, logger: recorder.logger)
        #expect(recorder.take() == ["info host no longer left out host=b"])
        // b flaps back within the minute: counted, not logged.
        scripted.next.withLock { $0 = [nan, (host: "b", reason: "no node_cpu_seconds_total")] }
        _ = try source.read(now: 20, logger: recorder.logger)
        #expect(recorder.take().isEmpty)
        let counts = Dictionary(uniqueKeysWithValues: source.skippedHosts.map { ($0.reason, $0.count) })
        #expect(counts == ["invalid_values": 3, "no_cpu_counters": 2])

        // A reload's new source keeps counting from the same totals.
        let afterReload = SkipCountingSource(wrapping: scripted, tally: tally)
        scripted.next.withLock { $0 = [nan] }
        _ = try afterReload.read(now: 100, logger: recorder.logger)
        #expect(afterReload.skippedHosts.first { $0.reason == "invalid_values" }?.count == 4)
    }

    @Test func aFloodIsSummedUpInOneLine() throws {
        let scripted = ScriptedSource()
        let source = SkipCountingSource(wrapping: scripted)
        let recorder = Recorder()
        scripted.next.withLock { next in
            next = (0..<500).map { (host: "h\($0)", reason: "non-finite or impossible values") }
        }
        _ = try source.read(now: 0, logger: recorder.logger)
        let lines = recorder.take()
        #expect(lines.count == SkipCountingSource.warningsPerRead + 1)
        #expect(lines.last?.contains("more hosts left out") == true)
    }

    @Test func targetFailuresAreCountedButLeftToTheCollectorToLog() throws {
        let scripted = ScriptedSource()
        let source = SkipCountingSource(wrapping: scripted)
        let recorder = Recorder()
        scripted.next.withLock { $0 = [(host: "10.0.0.1:9100", reason: "HTTP status 500")] }
        _ = try source.read(now: 0, logger: recorder.logger)
        #expect(recorder.take().isEmpty)
        #expect(source.skippedHosts.map(\.reason) == ["target_failed"])
    }

    @Test(arguments: [
        ("non-finite or impossible values", HostSkipReason.invalidValues),
        ("no node_cpu_seconds_total", .noCPUCounters),
        ("no CPU sample time", .noSampleTime),
        ("target without the instance label", .missingHostLabel),
        ("listed more than once; first target's labels used", .duplicateHost),
        ("connection refused", .targetFailed),
    ])
    func reasonsAreClassified(reason: String, expected: HostSkipReason) {
        #expect(HostSkipReason(reason: reason) == expected)
    }
}
