import Counters
import Foundation
import Pages
import Testing

@Suite struct AnalysisPagesTests {
    static let hostile = "<script>alert('x')</script>\"&"

    private func site() -> PageData.Site {
        var site = PageData.Site(name: "clf")
        site.collectedAt = 1_764_590_400
        site.figures.energyKWh = 12.5
        site.figures.emissionsKg = 2.25
        site.figures.idleEnergyKWh = 7.125
        site.figures.idlePowerWatts = 410.5
        site.figures.powerWatts = 900
        site.figures.hosts = 3
        site.periods = [
            PageData.Period(
                key: "today", title: "Today",
                amounts: UsageAmounts(
                    cpuBusySeconds: 1, cpuIdleSeconds: 2, busyJoules: 3_600_000, idleJoules: 7_200_000, busyGrams: 100,
                    idleGrams: 200), hoursWithData: 5, hours: 10),
            PageData.Period(key: "30d", title: "Last 30 days", amounts: nil, hoursWithData: 0, hours: 720),
        ]
        site.users = [
            PageData.Ranked(name: Self.hostile, energyKWh: 1, emissionsKg: 0.2, idleEnergyKWh: 0.5, link: "/x/")
        ]
        site.idleWorkspaces = [
            PageData.Workspace(
                host: "h<1>", owner: Self.hostile, project: "clf", machine: "Muon", powerWatts: 100, idleRatio: 0.9,
                energyKWh: 3, idleEnergyKWh: 2, savesKgPerDay: 0.43)
        ]
        site.utilisation = PageData.Utilisation(
            coresKnown: 16,
            hours: [
                PageData.UtilisationHour(start: 0, busyCores: 2, idleCores: 6),
                PageData.UtilisationHour(start: 3_600, busyCores: nil, idleCores: nil),
            ])
        return site
    }

    private func values(_ html: String) -> [String: String] {
        var values: [String: String] = [:]
        let pattern = try? NSRegularExpression(pattern: #"data-metric="([^"]+)"[^>]*?data-value="([^"]+)""#)
        for match in pattern?.matches(in: html, range: NSRange(html.startIndex..., in: html)) ?? [] {
            guard let name = Range(match.range(at: 1), in: html), let value = Range(match.range(at: 2), in: html) else {
                continue
            }
            values[String(html[name]), default: String(html[value])] = values[String(html[name])] ?? String(html[value])
        }
        return values
    }

    @Test func everyHeadlineFigureCarriesItsNameAndRawValue() {
        let html = AnalysisPages.site(site(), generatedAt: 1_764_590_460)
        let found = values(html)
        #expect(found["energy_kwh"] == "12.5")
        #expect(found["emissions_kg"] == "2.25")
        #expect(found["idle_energy_kwh"] == "7.125")
        #expect(found["idle_power_watts"] == "410.5")
        #expect(found["power_watts"] == "900")
        #expect(found["hosts"] == "3")
        #expect(found["today_energy_kwh"] == "3")
        for name in ["energy_kwh", "emissions_kg", "idle_energy_kwh", "idle_power_watts", "power_watts", "hosts"] {
            #expect(html.components(separatedBy: "data-metric=\"\(name)\"").count == 2, "\(name) appears once")
        }
        // The ticker's element knows its rate and where to resynchronise from.
        #expect(html.contains("data-rate-watts=\"410.5\" data-live=\"/analysis/clf/live.json\">7.125000</span>"))
        // A period without data says so rather than showing zeros.
        #expect(html.contains("no data"))
    }

    @Test func hostileLabelsAreEscapedEverywhere() {
        let html = AnalysisPages.site(site(), generatedAt: 0)
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("h<1>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;"))
        // A hostile user name stays inside its path segment.
        #expect(html.contains("/analysis/clf/user/%3Cscript%3Ealert%28%27x%27%29%3C%2Fscript%3E%22%26/"))
        let missing = AnalysisPages.notFound("No site is named \"\(Self.hostile)\".", generatedAt: 0)
        #expect(!missing.contains("<script>alert"))
    }

    @Test func pagesNeedNothingFromAnotherOriginAndNoInlineScript() {
        let pages = [
            AnalysisPages.site(site(), generatedAt: 0),
            AnalysisPages.index([PageData.SiteEntry(name: "clf", figures: PageData.Figures())], generatedAt: 0),
            AnalysisPages.user(PageData.User(site: "clf", user: "ann"), generatedAt: 0),
        ]
        for html in pages {
            // The only absolute URL is SVG's namespace, which is a name, not a request.
            let urls = html.components(separatedBy: "http").count - 1
            let namespaces = html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1
            #expect(urls == namespaces)
            #expect(!html.contains("<script>") && !html.contains("style=\""))
            #expect(html.range(of: #"\son[a-z]+="#, options: .regularExpression) == nil, "no inline handler")
            #expect(html.contains("<html lang=\"en\">") && html.contains("<h1>") && html.contains("name=\"viewport\""))
        }
        #expect(PageAssets.contentSecurityPolicy.contains("default-src 'none'"))
        #expect(!PageAssets.script.contains("eval") && !PageAssets.script.contains("innerHTML"))
    }

    @Test func theUtilisationStackDrawsHoursWithDataOnly() {
        let svg = UtilisationChart.svg(site().utilisation, titleID: "chart")
        #expect(svg.hasPrefix("<svg") && svg.contains("role=\"img\""))
        #expect(svg.components(separatedBy: "<rect class=\"busy\"").count == 2)
        #expect(svg.components(separatedBy: "<rect class=\"idle\"").count == 2)
        #expect(svg.contains("class=\"known\""))
        #expect(
            svg.contains(
                "16.0 cores known; on average 8.00 cores of hosts up, 2.00 of them busy, over 1 hours with data."))
    }

    @Test func numbersReadWellAndRawValuesReadBack() {
        #expect(HTML.readable(0.000145) == "0.000145")
        #expect(HTML.readable(12.34) == "12.3")
        #expect(HTML.readable(123_456) == "123456")
        #expect(HTML.readable(0) == "0")
        #expect(Double(HTML.raw(1.8190183730562137e-05)) == 1.8190183730562137e-05)
        #expect(HTML.raw(3) == "3")
    }
}
