import Foundation
import HTTPClient
import Logging
import MetricsServer
import TestSupport
import Testing

@testable import Config
@testable import Runtime

/// Configuration reload through POST /-/reload on a running application, and SIGHUP on the binary.
@Suite(.serialized) struct ReloadTests {
    /// A procfs copy whose counters the test advances: `step` adds 60 s, a quarter of it busy, on 2 CPUs.
    func writeProc(_ directory: String, step: Int) throws {
        let idle = 1_000_000 + step * 9_000
        let user = 100_000 + step * 3_000
        try
            "cpu  \(user) 0 0 \(idle) 0 0 0 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\ncpu1 1 0 0 1 0 0 0 0 0 0\nbtime 1795340000\n"
            .write(toFile: "\(directory)/stat", atomically: true, encoding: .utf8)
        try "MemTotal: 1000 kB\nActive: 250 kB\n".write(
            toFile: "\(directory)/meminfo", atomically: true, encoding: .utf8)
        try "\(1_000 + step * 60).00 0.00\n".write(toFile: "\(directory)/uptime", atomically: true, encoding: .utf8)
    }

    func config(proc: String, grams: Int, labels: String = "{cloud_project_name: dev, user: alice}") -> String {
        """
        collect_interval: 1h
        source: {kind: local, local: {host: ws, proc_path: "\(proc)", labels: \(labels)}}
        carbon_intensity: {provider: static, static_grams_per_kwh: \(grams)}
        """
    }

    @Test func reloadKeepsCountersAndRejectsBadConfigurations() throws {
        let directory = try TestStack.temporaryDirectory()
        let proc = "\(directory)/proc"
        try FileManager.default.createDirectory(atPath: proc, withIntermediateDirectories: true)
        try writeProc(proc, step: 0)
        let file = "\(directory)/footprint.yml"
        try config(proc: proc, grams: 100).write(toFile: file, atomically: true, encoding: .utf8)
        let application = try Application(
            configuration: try Configuration.load(file: file), configurationFile: file,
            listenAddress: .loopback(port: 0),
            logger: Logger(label: "test"), clock: ManualClock(), fetcher: TestStack.fetcher, enableLifecycle: true
        )
        defer { application.stop() }
        let base = "http://127.0.0.1:\(application.port)"
        func metrics() throws -> [String: Double] {
            TestStack.samples(String(decoding: try TestStack.get("\(base)/metrics").body, as: UTF8.self))
        }
        func post() throws -> HTTPResponse {
            try TestStack.fetcher.fetch(HTTPRequest(url: "\(base)/-/reload", method: .post, timeoutSeconds: 10))
        }
        let energy =
            #"footprint_host_energy_joules_total{host="ws",cloud_project_name="dev",user="alice",grid_region="default",state="busy"}"#
        let intensity =
            #"footprint_grid_carbon_intensity_grams_per_kilowatt_hour{provider="static",grid_region="default"}"#

        application.collectNow()
        try writeProc(proc, step: 1)
        application.collectNow()
        let before = try metrics()
        #expect((before[energy] ?? 0) > 0)
        #expect(before["footprint_config_last_reload_successful"] == 1)
        #expect(before[intensity] == 100)

        try config(proc: proc, grams: 300).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try post().status == 200)
        #expect(try TestStack.eventually { try metrics()[intensity] == 300 })
        let reloaded = try metrics()
        #expect(reloaded[energy] == before[energy]) // counters handed over, not reset
        try writeProc(proc, step: 2)
        application.collectNow()
        // While the new snapshot is rendered, a scrape may get the previous answer: wait for the new one.
        #expect(try TestStack.eventually { (try metrics()[energy] ?? 0) > (before[energy] ?? 0) * 1.9 })

        // A broken file is rejected; the running configuration stays. The answer names neither the file nor the
        // problem (which can quote a value such as a URL with a password): those go to the log.
        try "collect_interval: never\nsource: {kind: prometheus, prometheus: {url: 'http://u:hunter2@h:9'}}\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let rejected = try post()
        #expect(rejected.status == 500)
        let answer = String(decoding: rejected.body, as: UTF8.self)
        #expect(answer.contains("Configuration rejected"))
        #expect(!answer.contains("collect_interval"))
        #expect(!answer.contains(directory))
        #expect(!answer.contains("hunter2"))
        var now = try metrics()
        #expect(now["footprint_config_last_reload_successful"] == 0)
        #expect(now[intensity] == 300)

        // New attribution label names would orphan every series: refused.
        try config(proc: proc, grams: 300, labels: "{cloud_project_name: dev, user: alice, team: x}").write(
            toFile: file, atomically: true, encoding: .utf8)
        #expect(try post().status == 500)

        try config(proc: proc, grams: 300).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try post().status == 200)
        now = try metrics()
        #expect(now["footprint_config_last_reload_successful"] == 1)
        #expect(try TestStack.get("\(base)/-/reload").status == 405)
    }

    /// As Prometheus: without --web.enable-lifecycle, POST and PUT /-/reload get 403 and reload nothing; GET 405.
    @Test func reloadEndpointNeedsTheLifecycleFlag() throws {
        let directory = try TestStack.temporaryDirectory()
        let file = "\(directory)/footprint.yml"
        try config(proc: "/proc", grams: 100).write(toFile: file, atomically: true, encoding: .utf8)
        let application = try Application(
            configuration: try Configuration.load(file: file), configurationFile: file,
            listenAddress: .loopback(port: 0), logger: Logger(label: "test"), clock: ManualClock(),
            fetcher: TestStack.fetcher)
        defer { application.stop() }
        let url = "http://127.0.0.1:\(application.port)/-/reload"
        try config(proc: "/proc", grams: 300).write(toFile: file, atomically: true, encoding: .utf8)
        for method in [HTTPMethod.post, .put] {
            let answer = try TestStack.fetcher.fetch(HTTPRequest(url: url, method: method, timeoutSeconds: 10))
            #expect(answer.status == 403)
            #expect(String(decoding: answer.body, as: UTF8.self).contains("Lifecycle API is not enabled"))
        }
        #expect(try TestStack.get(url).status == 405)
        #expect(application.configuration.carbonIntensity.staticGramsPerKilowattHour == 100)
        // SIGHUP's path still reloads.
        #expect(application.reload() == .reloaded)
        #expect(application.configuration.carbonIntensity.staticGramsPerKilowattHour == 300)
    }

    @Test func sighupReloadsTheBinary() throws {
        let directory = try TestStack.temporaryDirectory()
        let port = FreePort.next()
        let exporter = try TestStack.exporter(
            port: port, config: config(proc: "/proc", grams: 111), directory: directory)
        defer { exporter.stop() }
        let intensity =
            #"footprint_grid_carbon_intensity_grams_per_kilowatt_hour{provider="static",grid_region="default"}"#
        func value() throws -> Double? {
            TestStack.samples(
                String(decoding: try TestStack.get("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self))[intensity]
        }
        #expect(try value() == 111)
        try config(proc: "/proc", grams: 222).write(
            toFile: "\(directory)/footprint.yml", atomically: true, encoding: .utf8)
        exporter.signal(SIGHUP)
        #expect(try TestStack.eventually(timeout: 5) { try value() == 222 })
        #expect(exporter.isRunning)
    }
}
