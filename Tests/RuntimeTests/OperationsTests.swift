import Foundation
import HTTPClient
import TestSupport
import Testing

/// The binary as an operator runs it: the state store's lock and damage handling, `--storage.path` forms, the
/// exit statuses, the top-level help and the exporter's own `process_*` metrics.
@Suite(.serialized) struct OperationsTests {
    static let config = """
        collect_interval: 1h
        source: {kind: local, local: {host: ws, labels: {cloud_project_name: dev, user: alice}}}
        carbon_intensity: {provider: static, static_grams_per_kwh: 100}
        """

    /// Runs the binary to its end; the status and what it printed.
    func run(_ arguments: [String], workingDirectory: String? = nil) throws -> (status: Int32?, output: String) {
        let process = try ExternalProcess(TestStack.exporterBinary, arguments, workingDirectory: workingDirectory)
        let status = process.waitForExit(timeout: 20)
        process.stop()
        return (status, process.output)
    }

    func writeConfig(_ directory: String) throws -> String {
        let path = "\(directory)/footprint.yml"
        try Self.config.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func secondExporterOnTheSameStoreRefusesToStart() throws {
        let directory = try TestStack.temporaryDirectory()
        let first = try TestStack.exporter(port: FreePort.next(), config: Self.config, directory: directory)
        defer { first.stop() }
        let second = try run([
            "--config.file=\(directory)/footprint.yml", "--web.listen-address=127.0.0.1:\(FreePort.next())",
            "--storage.path=\(directory)/state.sqlite",
        ])
        #expect(second.status == 1, "\(second.output)")
        #expect(second.output.contains("\(directory)/state.sqlite is in use by another exporter"), "\(second.output)")
        #expect(second.output.contains("--storage.path"))
        #expect(first.isRunning)
    }

    @Test func damagedStoreIsRefusedUnlessTheRecoverFlagIsGiven() throws {
        let directory = try TestStack.temporaryDirectory()
        let config = try writeConfig(directory)
        let store = "\(directory)/state.sqlite"
        try Data(repeating: 0x41, count: 8_192).write(to: URL(fileURLWithPath: store))
        let refused = try run([
            "--config.file=\(config)", "--web.listen-address=127.0.0.1:\(FreePort.next())", "--storage.path=\(store)",
        ])
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains(store))
        #expect(refused.output.contains("--storage.recover-damaged"))
        // Nothing was changed: the operator decides.
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == Data(repeating: 0x41, count: 8_192))

        let port = FreePort.next()
        let recovered = try TestStack.exporter(
            port: port, config: Self.config, directory: directory, extraArguments: ["--storage.recover-damaged"])
        defer { recovered.stop() }
        let moved = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
            $0.hasPrefix("state.sqlite.damaged-")
        }
        #expect(moved.count == 1)
        #expect(recovered.output.contains("level=error"), "\(recovered.output)")
        #expect(recovered.output.contains("moved_to=\(directory)/state.sqlite.damaged-"), "\(recovered.output)")
    }

    @Test func storagePathTakesADirectory() throws {
        let directory = try TestStack.temporaryDirectory()
        let config = try writeConfig(directory)
        let state = "\(directory)/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let port = FreePort.next()
        let exporter = try ExternalProcess(
            TestStack.exporterBinary,
            ["--config.file=\(config)", "--web.listen-address=127.0.0.1:\(port)", "--storage.path=\(state)"])
        defer { exporter.stop() }
        try exporter.waitUntilReady("http://127.0.0.1:\(port)/-/ready")
        #expect(FileManager.default.fileExists(atPath: "\(state)/footprint_exporter.sqlite"))
    }

    @Test func aStoragePathThatCannotBeCreatedNamesTheFlag() throws {
        let directory = try TestStack.temporaryDirectory()
        let config = try writeConfig(directory)
        // procfs refuses new directories even to root, like a read-only / under a service manager.
        let result = try run(
            ["--config.file=\(config)", "--web.listen-address=127.0.0.1:\(FreePort.next())"] + [
                "--storage.path=/proc/footprint-test/footprint_exporter.sqlite"
            ], workingDirectory: "/")
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("--storage.path /proc/footprint-test/footprint_exporter.sqlite"))
        #expect(!result.output.contains("Foundation"), "\(result.output)")
    }

    @Test func exitStatusesFollowNodeExporter() throws {
        let directory = try TestStack.temporaryDirectory()
        let bad = "\(directory)/bad.yml"
        try "collect_interval: 1ms\n".write(toFile: bad, atomically: true, encoding: .utf8)
        // Usage errors: 1, not ArgumentParser's 64.
        let unknownFlag = try run(["--web.no-such-flag"])
        #expect(unknownFlag.status == 1, "\(unknownFlag.output)")
        #expect(unknownFlag.output.contains("--web.no-such-flag"))
        #expect(try run(["--web.request-header-timeout=500ms"]).status == 1)
        #expect(try run(["check-config"]).status == 1)
        // A bad configuration: 2 when serving (as Prometheus), 1 for check-config (as promtool check config).
        let serving = try run(["--config.file=\(bad)", "--storage.path", "", "--web.listen-address=127.0.0.1:0"])
        #expect(serving.status == 2, "\(serving.output)")
        let checked = try run(["check-config", bad])
        #expect(checked.status == 1, "\(checked.output)")
        #expect(checked.output.contains("\(bad):1: collect_interval must be at least 1s"))
        // A broken sites section is a configuration error like any other.
        let badSites = "\(directory)/bad-sites.yml"
        try "sites:\n  - {name: clf, match: {machine_name: big}}\n  - {name: clf, match: {user: x}}\n".write(
            toFile: badSites, atomically: true, encoding: .utf8)
        let sitesServing = try run([
            "--config.file=\(badSites)", "--storage.path", "", "--web.listen-address=127.0.0.1:0",
        ])
        #expect(sitesServing.status == 2, "\(sitesServing.output)")
        let sitesChecked = try run(["check-config", badSites])
        #expect(sitesChecked.status == 1)
        #expect(sitesChecked.output.contains("\(badSites):2: sites: site \"clf\" matches on \"machine_name\""))
        #expect(sitesChecked.output.contains("\(badSites):3: sites[1].name: \"clf\" is used by another site"))
        #expect(try run(["--version"]).status == 0)
    }

    @Test func anImpossibleShardIsABadConfigurationOrAUsageError() throws {
        let directory = try TestStack.temporaryDirectory()
        let bad = "\(directory)/shard.yml"
        try (Self.config + "\nshard: {count: 3, index: 3}\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let serving = try run(["--config.file=\(bad)", "--storage.path", "", "--web.listen-address=127.0.0.1:0"])
        #expect(serving.status == 2, "\(serving.output)")
        #expect(serving.output.contains("shard index must be between 0 and count - 1 (2); got 3"), "\(serving.output)")
        let checked = try run(["check-config", bad])
        #expect(checked.status == 1, "\(checked.output)")
        #expect(checked.output.contains("\(bad):4: shard index must be between 0 and count - 1 (2); got 3"))
        let flags = try run(["--shard.count=0", "--shard.index=0", "--storage.path", ""])
        #expect(flags.status == 1, "\(flags.output)")
        #expect(flags.output.contains("shard count must be at least 1; got 0"), "\(flags.output)")
    }

    @Test func topLevelHelpShowsTheServingFlags() throws {
        for arguments in [["--help"], ["-h"], ["help"]] {
            let help = try run(arguments)
            #expect(help.status == 0)
            #expect(help.output.contains("--web.listen-address"), "\(help.output)")
            #expect(help.output.contains("--storage.path"))
            #expect(help.output.contains("check-config"))
        }
        // A subcommand's own help stays its own.
        let checkHelp = try run(["check-config", "--help"])
        #expect(checkHelp.status == 0)
        #expect(!checkHelp.output.contains("--web.listen-address"))
    }

    @Test func processMetricsAreServedAndCanBeLeftOut() throws {
        let directory = try TestStack.temporaryDirectory()
        let port = FreePort.next()
        let exporter = try TestStack.exporter(port: port, config: Self.config, directory: directory)
        let body = try TestStack.get("http://127.0.0.1:\(port)/metrics").body
        exporter.stop()
        let samples = TestStack.samples(String(decoding: body, as: UTF8.self))
        #expect((samples["process_resident_memory_bytes"] ?? 0) > 1_000_000)
        #expect((samples["process_virtual_memory_bytes"] ?? 0) > 1_000_000)
        #expect((samples["process_open_fds"] ?? 0) >= 3)
        #expect((samples["process_max_fds"] ?? 0) >= 1_024)
        #expect(samples["process_cpu_seconds_total"] != nil)
        let start = samples["process_start_time_seconds"] ?? 0
        #expect(abs(start - Date().timeIntervalSince1970) < 600)
        let lintPath = "\(directory)/metrics.prom"
        try Data(body).write(to: URL(fileURLWithPath: lintPath))
        let lint = try Promtool.checkMetrics(lintPath)
        #expect(lint.status == 0, "\(lint.output)")

        let other = try TestStack.temporaryDirectory()
        let quietPort = FreePort.next()
        let quiet = try TestStack.exporter(
            port: quietPort, config: Self.config, directory: other, extraArguments: ["--web.disable-exporter-metrics"])
        defer { quiet.stop() }
        let text = String(decoding: try TestStack.get("http://127.0.0.1:\(quietPort)/metrics").body, as: UTF8.self)
        #expect(!text.contains("process_"))
        #expect(text.contains("footprint_hosts"))
    }

    @Test func brokenCertificateRotationIsLoggedAtWarning() throws {
        let directory = try TestCertificates.make()
        let config = try writeConfig(directory)
        try "tls_server_config: {cert_file: server.crt, key_file: server.key}\n".write(
            toFile: "\(directory)/web.yml", atomically: true, encoding: .utf8)
        let exporter = try ExternalProcess(
            TestStack.exporterBinary,
            [
                "--config.file=\(config)", "--web.listen-address=127.0.0.1:\(FreePort.next())", "--storage.path", "",
                "--web.config.file=\(directory)/web.yml",
            ])
        defer { exporter.stop() }
        #expect(TestStack.eventually(timeout: 10) { exporter.output.contains("footprint_exporter started") })
        // A half-written certificate: the server keeps the old pair, and the log says so.
        try "-----BEGIN CERTIFICATE-----\nnot base64\n".write(
            toFile: "\(directory)/server.crt", atomically: true, encoding: .utf8)
        #expect(
            TestStack.eventually(timeout: 15) {
                exporter.output.contains("level=warn") && exporter.output.contains("do not load")
            }, "\(exporter.output)")
        #expect(exporter.isRunning)
        // A good new pair is taken up, at info.
        let fresh = try TestCertificates.make()
        try FileManager.default.removeItem(atPath: "\(directory)/server.key")
        try FileManager.default.copyItem(atPath: "\(fresh)/server.key", toPath: "\(directory)/server.key")
        try FileManager.default.removeItem(atPath: "\(directory)/server.crt")
        try FileManager.default.copyItem(atPath: "\(fresh)/server.crt", toPath: "\(directory)/server.crt")
        #expect(
            TestStack.eventually(timeout: 15) { exporter.output.contains("server certificate reloaded") },
            "\(exporter.output)")
    }
}
