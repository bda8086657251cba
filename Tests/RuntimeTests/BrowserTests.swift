import Counters
import Foundation
import Model
import StateStore
import TestSupport
import Testing

/// The analysis pages in Debian's headless Chromium, driven over WebDriver: no console error, no request to
/// another origin, a ticker that grows on an open page, figures that agree with `/metrics`, and every figure
/// present without JavaScript. `UPDATE_SCREENSHOTS=1` also redraws the screenshots in docs/.
@Suite(.serialized) struct BrowserTests {
    static var updateScreenshots: Bool { ProcessInfo.processInfo.environment["UPDATE_SCREENSHOTS"] == "1" }
    static let headline = ["energy_kwh", "emissions_kg", "idle_energy_kwh", "idle_power_watts", "power_watts", "hosts"]

    @Test func pagesLoadCleanlyAndTheTickerGrows() throws {
        let fleet = try AnalysisFleet()
        defer { fleet.stop() }
        try fleet.waitForEnergy()
        // A few collections into the history, so the utilisation stack and the periods have data.
        Thread.sleep(forTimeInterval: 4)
        let browser = try WebDriver()
        defer { browser.quit() }

        for path in ["/analysis/", "/analysis/clf/", "/analysis/clf/user/ann/", "/analysis/isis/"] {
            try browser.open(fleet.base + path)
            let severe = try browser.consoleEntries().filter { $0.level == "SEVERE" }
            #expect(severe.isEmpty, "\(path): \(severe)")
            let resources =
                try browser.execute(
                    "return performance.getEntriesByType('resource').map(function (e) { return e.name; });")
                as? [String]
            let foreign = (resources ?? []).filter { !$0.hasPrefix(fleet.base + "/") }
            #expect(foreign.isEmpty, "\(path) asked another origin: \(foreign)")
            #expect(try browser.execute("return document.querySelector('h1') !== null;") as? Bool == true)
        }

        // Figures in the page agree with the counters read just before and after it.
        let clf = fleet.clfHosts
        let before = try fleet.counters(include: clf.contains)
        try browser.open(fleet.base + "/analysis/clf/")
        let energy = try #require(try browser.figure("energy_kwh"))
        let emissions = try #require(try browser.figure("emissions_kg"))
        let after = try fleet.counters(include: clf.contains)
        #expect(energy >= before.joules / 3_600_000 * (1 - 1e-9) && energy <= after.joules / 3_600_000 * (1 + 1e-9))
        #expect(emissions >= before.grams / 1_000 * (1 - 1e-9) && emissions <= after.grams / 1_000 * (1 + 1e-9))
        #expect(try browser.figure("hosts") == 3)

        // The ticker: text and data-value grow on the open page, without a reload.
        let startValue = try #require(try browser.figure("idle_energy_kwh"))
        let startText = try browser.figureText("idle_energy_kwh")
        try browser.execute("window.footprintMarker = 1;")
        let grew = try TestStack.eventually(timeout: 12) {
            let value = try browser.figure("idle_energy_kwh") ?? 0
            let text = try browser.figureText("idle_energy_kwh")
            return value > startValue && text != startText
        }
        #expect(grew, "the idle energy did not grow within 12 s")
        #expect(try browser.execute("return window.footprintMarker;") as? Int == 1, "the page was reloaded")
        let shown = try #require(try browser.figureText("idle_energy_kwh").flatMap(Double.init))
        let value = try #require(try browser.figure("idle_energy_kwh"))
        #expect(abs(shown - value) < 1e-5)
        #expect(try browser.consoleEntries().filter { $0.level == "SEVERE" }.isEmpty)

    }

    /// The screenshots in docs/, of a fleet whose store holds a day and a half of history (busy by day, idle by
    /// night), so the periods and the utilisation stack have something to show.
    @Test(.enabled(if: updateScreenshots)) func screenshots() throws {
        let fleet = try AnalysisFleet(seed: Self.seedHistory)
        defer { fleet.stop() }
        try fleet.waitForEnergy()
        Thread.sleep(forTimeInterval: 3)
        let browser = try WebDriver()
        defer { browser.quit() }
        let docs = Fixture.sharedDirectory + "/../../docs"
        for (path, name, width) in [
            ("/analysis/", "analysis-sites", 1100), ("/analysis/clf/", "analysis-site", 1100),
            ("/analysis/clf/user/ann/", "analysis-user", 1100), ("/analysis/clf/", "analysis-site-phone", 390),
        ] {
            try browser.open(fleet.base + path)
            try browser.resize(width: width)
            try browser.screenshot().write(to: URL(fileURLWithPath: "\(docs)/\(name).png"))
        }
    }

    /// 36 hours of the fleet's hosts, hour by hour, saved as the exporter saves; without baselines, so the
    /// exporter's first reading of each host starts a new interval.
    static func seedHistory(_ path: String, _ nodes: [FakeNodeExporter]) throws {
        let store = try StateStore(path: path)
        let labels = ["cloud_project_name", "user", "machine_name"]
        var ledger = HostLedger(attributionLabels: labels, graceSeconds: 900)
        let now = Date().timeIntervalSince1970
        let start = (now / 3_600).rounded(.down) * 3_600 - 36 * 3_600
        var idle = Array(repeating: 0.0, count: nodes.count)
        var total = Array(repeating: 0.0, count: nodes.count)
        for step in 0...(36 * 6) {
            // The last save is just before the exporter starts: its hosts are still within the grace period.
            let time = step == 36 * 6 ? now - 5 : start + Double(step) * 600
            let hourOfDay = Double(Int(time / 3_600) % 24)
            for (index, node) in nodes.enumerated() {
                let daytime = hourOfDay >= 8 && hourOfDay < 19
                let busy = min(max((daytime ? 0.55 : 0.08) + Double(index) * 0.07, 0), 1)
                total[index] += 600 * Double(node.cores)
                idle[index] += 600 * Double(node.cores) * (1 - busy)
                ledger.record(
                    HostReading(
                        host: node.target, labels: AnalysisFleet.attributions[index], timestamp: time,
                        cpuIdleSeconds: idle[index], cpuTotalSeconds: total[index], cores: Double(node.cores),
                        memoryActiveRatio: 0.25, bootTime: start - 3_600),
                    profile: PowerProfile(), intensity: GramsPerKilowattHour(daytime ? 210 : 140), region: "default",
                    at: time)
            }
            ledger.finishCollection(hostsSeen: nodes.count, at: time)
            if step == 36 * 6 { _ = ledger.dropBaselines(olderThan: -Double.infinity, now: 0) }
            try store.save(ledger, at: time)
        }
    }

    @Test func withoutJavaScriptEveryFigureIsThere() throws {
        let fleet = try AnalysisFleet()
        defer { fleet.stop() }
        try fleet.waitForEnergy()
        let browser = try WebDriver(javascript: false)
        defer { browser.quit() }
        try browser.open(fleet.base + "/analysis/clf/")
        // WebDriver's own scripts run even when the page's may not: they read the DOM as rendered.
        let served = PageFigures.values(try fleet.text("/analysis/clf/"))
        for metric in Self.headline {
            let value = try browser.figure(metric)
            #expect(value != nil, "\(metric) missing")
            let text = try browser.figureText(metric) ?? ""
            #expect(!text.isEmpty && Double(text) != nil, "\(metric) has no readable figure: \(text)")
            #expect(served[metric] != nil)
        }
        for metric in [
            "today_energy_kwh", "cores_known", "project_energy_kwh", "user_energy_kwh", "machine_energy_kwh",
        ] {
            #expect(try browser.figure(metric) != nil, "\(metric) missing")
        }
        // Nothing moves without the script.
        let first = try browser.figure("idle_energy_kwh")
        Thread.sleep(forTimeInterval: 2.5)
        #expect(try browser.figure("idle_energy_kwh") == first)
    }
}
