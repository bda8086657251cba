/// The analysis pages as HTML: pure functions of `PageData`, readable without JavaScript.
///
/// Every figure is an element with `data-metric` (its name, ending with its unit) and `data-value` (the raw
/// number in that unit), so programs and tests read the same numbers people do.
public enum AnalysisPages {
    /// `/analysis/`: the sites, each linking to its page.
    public static func index(_ sites: [PageData.SiteEntry], generatedAt: Double) -> String {
        var body = "<h1>Footprint by site</h1>\n"
        if sites.isEmpty {
            body += "<p>No sites are configured. Add a <code>sites</code> section to the configuration.</p>\n"
        } else {
            body += "<div class=\"table-wrap\"><table>\n<caption>Totals since counting began</caption>\n"
            body += "<thead><tr><th scope=\"col\">Site</th><th scope=\"col\" class=\"number\">Hosts</th>"
            body += "<th scope=\"col\" class=\"number\">Energy (kWh)</th>"
            body += "<th scope=\"col\" class=\"number\">Emissions (kg CO2e)</th></tr></thead>\n<tbody>\n"
            for site in sites {
                let name = HTML.escape(site.name)
                body += "<tr><th scope=\"row\"><a href=\"/analysis/\(HTML.pathSegment(site.name))/\">\(name)</a></th>"
                body += cell("site_hosts", Double(site.figures.hosts), label: site.name, text: "\(site.figures.hosts)")
                body += cell("site_energy_kwh", site.figures.energyKWh, label: site.name)
                body += cell("site_emissions_kg", site.figures.emissionsKg, label: site.name)
                body += "</tr>\n"
            }
            body += "</tbody></table></div>\n"
        }
        return page(title: "Sites", breadcrumbs: [], body: body, generatedAt: generatedAt)
    }

    /// `/analysis/<site>/`.
    public static func site(_ site: PageData.Site, generatedAt: Double) -> String {
        let name = HTML.escape(site.name)
        let base = "/analysis/\(HTML.pathSegment(site.name))/"
        var body = "<h1>Site \(name)</h1>\n"
        body += collected(site.collectedAt)
        body += "<section aria-labelledby=\"totals\">\n<h2 id=\"totals\">Since counting began</h2>\n"
        body += cards(site.figures, live: base + "live.json", hostsTitle: "Hosts")
        body += split(site.figures)
        body += "</section>\n"
        body += periods(site.periods)
        body += "<section aria-labelledby=\"utilisation\">\n<h2 id=\"utilisation\">Utilisation, last 24 hours</h2>\n"
        body += "<p class=\"note\"><span class=\"swatch-known\">dashed line</span>: cores known; "
        body += "solid line: cores of hosts up; <span class=\"swatch-busy\">blue</span>: busy cores; "
        body += "<span class=\"swatch-idle\">orange</span>: idle cores. Blank hours have no data.</p>\n"
        body += UtilisationChart.svg(site.utilisation, titleID: "utilisation-chart")
        body += figureLine("cores_known", site.utilisation.coresKnown, "Cores known now", unit: "cores")
        body += "</section>\n"
        body += ranked("projects", "Top projects", site.projects, column: "Project")
        body += ranked("users", "Top users", site.users, column: "User")
        body += ranked("machines", "Top machine types", site.machines, column: "Machine type")
        body += idle(site.idleWorkspaces, siteBase: base)
        body += grid(site.grids)
        body += equivalents(site.equivalents, of: "the site's emissions since counting began")
        return page(
            title: "Site \(site.name)", breadcrumbs: [("Sites", "/analysis/")], body: body, generatedAt: generatedAt,
            script: true)
    }

    /// `/analysis/<site>/user/<user>/`.
    public static func user(_ user: PageData.User, generatedAt: Double) -> String {
        let siteBase = "/analysis/\(HTML.pathSegment(user.site))/"
        let base = siteBase + "user/\(HTML.pathSegment(user.user))/"
        var body = "<h1>Your footprint: \(HTML.escape(user.user))</h1>\n"
        body += "<p>Workspaces of \(HTML.escape(user.user)) at site \(HTML.escape(user.site)).</p>\n"
        body += collected(user.collectedAt)
        body += "<section aria-labelledby=\"totals\">\n<h2 id=\"totals\">Since counting began</h2>\n"
        body += cards(user.figures, live: base + "live.json", hostsTitle: "Workspaces (hosts)")
        body += split(user.figures)
        body += "</section>\n"
        body += periods(user.periods)
        body += "<section aria-labelledby=\"workspaces\">\n<h2 id=\"workspaces\">Your workspaces</h2>\n"
        body += workspaceTable(user.workspaces, caption: "Stopping a workspace saves its power for a day", owner: false)
        body += "</section>\n"
        body += equivalents(user.equivalents, of: "your emissions since counting began")
        return page(
            title: "Footprint of \(user.user)",
            breadcrumbs: [("Sites", "/analysis/"), ("Site \(user.site)", siteBase)], body: body,
            generatedAt: generatedAt, script: true)
    }

    /// The page for a site or user the exporter does not know (served with 404).
    public static func notFound(_ what: String, generatedAt: Double) -> String {
        page(
            title: "Not found", breadcrumbs: [("Sites", "/analysis/")],
            body: "<h1>Not found</h1>\n<p>\(HTML.escape(what))</p>\n<p><a href=\"/analysis/\">All sites</a></p>\n",
            generatedAt: generatedAt)
    }

    // MARK: - Parts

    private static func page(
        title: String, breadcrumbs: [(String, String)], body: String, generatedAt: Double, script: Bool = false
    ) -> String {
        var nav = "<nav aria-label=\"Breadcrumbs\"><a href=\"/\">footprint_exporter</a>"
        for (text, link) in breadcrumbs { nav += "<a href=\"\(link)\">\(HTML.escape(text))</a>" }
        nav += "</nav>"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · footprint</title>
            <link rel="stylesheet" href="\(PageAssets.stylesheetPath)">
            <link rel="icon" href="\(PageAssets.iconPath)" type="image/svg+xml">
            \(script ? "<script src=\"\(PageAssets.scriptPath)\" defer></script>\n" : "")</head>
            <body>
            <header>\(nav)</header>
            <main>
            \(body)</main>
            <footer>Rendered \(HTML.escape(HTML.time(generatedAt))) by footprint_exporter. Energy in kWh, emissions in \
            kg CO2e, power in W.</footer>
            </body>
            </html>

            """
    }

    private static func collected(_ time: Double?) -> String {
        guard let time else { return "<p class=\"note\">No collection has finished yet.</p>\n" }
        return "<p class=\"note\">Counters as of the collection at "
            + "<span data-metric=\"collected_at_seconds\" data-value=\"\(HTML.raw(time))\">"
            + "\(HTML.escape(HTML.time(time)))</span>.</p>\n"
    }

    /// The six headline figures; the idle energy one is live.
    private static func cards(_ figures: PageData.Figures, live: String, hostsTitle: String) -> String {
        var out = "<ul class=\"cards\">\n"
        out += card("energy_kwh", figures.energyKWh, "Energy", unit: "kWh")
        out += card("emissions_kg", figures.emissionsKg, "Emissions", unit: "kg CO2e")
        out += "<li class=\"card\"><span class=\"label\" id=\"label-idle-energy\">Idle energy</span>"
        out += "<span class=\"figure\"><span aria-labelledby=\"label-idle-energy\" data-metric=\"idle_energy_kwh\" "
        out +=
            "data-value=\"\(HTML.raw(figures.idleEnergyKWh))\" data-rate-watts=\"\(HTML.raw(figures.idlePowerWatts))\" "
        out += "data-live=\"\(HTML.escape(live))\">\(HTML.fixed(figures.idleEnergyKWh, 6))</span> "
        out += "<span class=\"unit\">kWh</span></span></li>\n"
        out += card(
            "idle_power_watts", figures.idlePowerWatts, "Idle power now", unit: "W",
            text: HTML.fixed(figures.idlePowerWatts, 1))
        out += card("power_watts", figures.powerWatts, "Power now", unit: "W", text: HTML.fixed(figures.powerWatts, 1))
        out += card("hosts", Double(figures.hosts), hostsTitle, unit: "", text: "\(figures.hosts)")
        return out + "</ul>\n"
    }

    private static func card(
        _ metric: String, _ value: Double, _ label: String, unit: String, text: String? = nil
    )
        -> String
    {
        let id = "label-\(metric)"
        return
            "<li class=\"card\"><span class=\"label\" id=\"\(id)\">\(HTML.escape(label))</span><span class=\"figure\">"
            + "<span aria-labelledby=\"\(id)\" data-metric=\"\(metric)\" data-value=\"\(HTML.raw(value))\">"
            + "\(text ?? HTML.readable(value))</span>" + (unit.isEmpty ? "" : " <span class=\"unit\">\(unit)</span>")
            + "</span></li>\n"
    }

    /// A figure in running text.
    private static func figureLine(_ metric: String, _ value: Double, _ label: String, unit: String) -> String {
        "<p>\(HTML.escape(label)): <span data-metric=\"\(metric)\" data-value=\"\(HTML.raw(value))\">"
            + "\(HTML.readable(value))</span> \(unit)</p>\n"
    }

    /// Busy against idle energy, as a bar and in words.
    private static func split(_ figures: PageData.Figures) -> String {
        let total = max(figures.energyKWh, 0)
        let busyShare = total > 0 ? figures.busyEnergyKWh / total : 0
        var out = "<h3>Busy and idle</h3>\n"
        out += "<svg class=\"split\" viewBox=\"0 0 100 6\" preserveAspectRatio=\"none\" role=\"img\" "
        out += "aria-label=\"\(HTML.fixed(busyShare * 100, 0)) percent busy\" xmlns=\"http://www.w3.org/2000/svg\">"
        out += "<rect class=\"busy\" x=\"0\" y=\"0\" height=\"6\" width=\"\(HTML.fixed(busyShare * 100, 2))\"/>"
        out += "<rect class=\"idle\" y=\"0\" height=\"6\" x=\"\(HTML.fixed(busyShare * 100, 2))\" "
        out += "width=\"\(HTML.fixed((1 - busyShare) * 100, 2))\"/></svg>\n"
        out += "<p><span class=\"swatch-busy\">Busy</span>: <span data-metric=\"busy_energy_kwh\" "
        out += "data-value=\"\(HTML.raw(figures.busyEnergyKWh))\">\(HTML.readable(figures.busyEnergyKWh))</span> kWh "
        out += "(<span data-metric=\"busy_share_ratio\" data-value=\"\(HTML.raw(busyShare))\">"
        out += "\(HTML.fixed(busyShare * 100, 1))</span> %); "
        out += "<span class=\"swatch-idle\">idle</span>: the rest, "
        out += "\(HTML.readable(figures.idleEnergyKWh)) kWh.</p>\n"
        return out
    }

    private static func periods(_ periods: [PageData.Period]) -> String {
        guard !periods.isEmpty else { return "" }
        var out = "<section aria-labelledby=\"periods\">\n<h2 id=\"periods\">Recent periods</h2>\n"
        out +=
            "<div class=\"table-wrap\"><table>\n<caption>From the usage history (UTC; today since midnight)</caption>\n"
        out += "<thead><tr><th scope=\"col\">Period</th><th scope=\"col\" class=\"number\">Energy (kWh)</th>"
        out += "<th scope=\"col\" class=\"number\">Idle energy (kWh)</th>"
        out += "<th scope=\"col\" class=\"number\">Emissions (kg CO2e)</th>"
        out += "<th scope=\"col\" class=\"number\">Hours with data</th></tr></thead>\n<tbody>\n"
        for period in periods {
            out += "<tr><th scope=\"row\">\(HTML.escape(period.title))</th>"
            if let amounts = period.amounts {
                out += cell("\(period.key)_energy_kwh", amounts.joules / 3_600_000)
                out += cell("\(period.key)_idle_energy_kwh", amounts.idleJoules / 3_600_000)
                out += cell("\(period.key)_emissions_kg", amounts.grams / 1_000)
            } else {
                out += "<td class=\"number\" colspan=\"3\">no data</td>"
            }
            out += cell(
                "\(period.key)_hours_with_data", Double(period.hoursWithData),
                text: "\(period.hoursWithData) of \(period.hours)")
            out += "</tr>\n"
        }
        return out + "</tbody></table></div>\n</section>\n"
    }

    private static func ranked(_ id: String, _ title: String, _ entries: [PageData.Ranked], column: String) -> String {
        var out = "<section aria-labelledby=\"\(id)\">\n<h2 id=\"\(id)\">\(title)</h2>\n"
        guard !entries.isEmpty else { return out + "<p>None yet.</p>\n</section>\n" }
        let metric = String(id.dropLast()) // projects → project
        out += "<div class=\"table-wrap\"><table>\n<caption>By energy since counting began</caption>\n"
        out += "<thead><tr><th scope=\"col\">\(column)</th><th scope=\"col\" class=\"number\">Energy (kWh)</th>"
        out += "<th scope=\"col\" class=\"number\">Idle energy (kWh)</th>"
        out += "<th scope=\"col\" class=\"number\">Emissions (kg CO2e)</th></tr></thead>\n<tbody>\n"
        for entry in entries {
            let name = entry.name.isEmpty ? "(none)" : entry.name
            let shown =
                entry.link.map { "<a href=\"\(HTML.escape($0))\">\(HTML.escape(name))</a>" } ?? HTML.escape(name)
            out += "<tr><th scope=\"row\">\(shown)</th>"
            out += cell("\(metric)_energy_kwh", entry.energyKWh, label: entry.name)
            out += cell("\(metric)_idle_energy_kwh", entry.idleEnergyKWh, label: entry.name)
            out += cell("\(metric)_emissions_kg", entry.emissionsKg, label: entry.name)
            out += "</tr>\n"
        }
        return out + "</tbody></table></div>\n</section>\n"
    }

    private static func idle(_ workspaces: [PageData.Workspace], siteBase: String) -> String {
        var out = "<section aria-labelledby=\"idle\">\n<h2 id=\"idle\">Idle workspaces wasting most</h2>\n"
        guard !workspaces.isEmpty else { return out + "<p>No workspace is idle now.</p>\n</section>\n" }
        out += workspaceTable(
            workspaces, caption: "By idle power now; stopping one saves its power for a day", owner: true,
            siteBase: siteBase)
        return out + "</section>\n"
    }

    private static func workspaceTable(
        _ workspaces: [PageData.Workspace], caption: String, owner: Bool, siteBase: String = ""
    ) -> String {
        guard !workspaces.isEmpty else { return "<p>No workspaces.</p>\n" }
        var out = "<div class=\"table-wrap\"><table>\n<caption>\(HTML.escape(caption))</caption>\n<thead><tr>"
        out += "<th scope=\"col\">Host</th>"
        if owner { out += "<th scope=\"col\">Owner</th>" }
        out += "<th scope=\"col\">Project</th><th scope=\"col\">Machine type</th>"
        out += "<th scope=\"col\" class=\"number\">Idle power (W)</th><th scope=\"col\" class=\"number\">Idle (%)</th>"
        out += "<th scope=\"col\" class=\"number\">Energy (kWh)</th>"
        out += "<th scope=\"col\" class=\"number\">Stopping saves (kWh/day)</th>"
        out += "<th scope=\"col\" class=\"number\">Stopping saves (kg CO2e/day)</th></tr></thead>\n<tbody>\n"
        for workspace in workspaces {
            out += "<tr><th scope=\"row\">\(HTML.escape(workspace.host))</th>"
            if owner {
                let link = siteBase + "user/\(HTML.pathSegment(workspace.owner))/"
                out +=
                    workspace.owner.isEmpty
                    ? "<td>(none)</td>" : "<td><a href=\"\(link)\">\(HTML.escape(workspace.owner))</a></td>"
            }
            out += "<td>\(HTML.escape(workspace.project))</td><td>\(HTML.escape(workspace.machine))</td>"
            out += cell("workspace_idle_power_watts", workspace.idlePowerWatts, label: workspace.host)
            out += cell(
                "workspace_idle_ratio", workspace.idleRatio, label: workspace.host,
                text: HTML.fixed(workspace.idleRatio * 100, 0))
            out += cell("workspace_energy_kwh", workspace.energyKWh, label: workspace.host)
            out += cell("workspace_saves_kwh_per_day", workspace.savesKWhPerDay, label: workspace.host)
            out += cell("workspace_saves_kg_per_day", workspace.savesKgPerDay, label: workspace.host)
            out += "</tr>\n"
        }
        return out + "</tbody></table></div>\n"
    }

    private static func grid(_ grids: [PageData.Grid]) -> String {
        var out = "<section aria-labelledby=\"grid\">\n<h2 id=\"grid\">Grid carbon intensity</h2>\n"
        guard !grids.isEmpty else { return out + "<p>No grid region has a value yet.</p>\n</section>\n" }
        out += "<ul>\n"
        for grid in grids {
            let region = HTML.escape(grid.region)
            out += "<li>Region \(region) now: <span data-metric=\"grid_intensity_gco2eq_per_kwh\" "
            out +=
                "data-label=\"\(region)\" data-value=\"\(HTML.raw(grid.gramsPerKWh))\">\(HTML.fixed(grid.gramsPerKWh, 0))"
            out += "</span> g CO2e/kWh (\(HTML.escape(grid.provider))\(grid.fallback ? ", fallback value" : "")). "
            if let window = grid.window {
                out += "Greenest \(HTML.readable(grid.windowHours)) h ahead: from "
                out += "<span data-metric=\"greenest_window_start_seconds\" data-label=\"\(region)\" "
                out += "data-value=\"\(HTML.raw(window.start))\">\(HTML.escape(HTML.time(window.start)))</span>, "
                out += "mean <span data-metric=\"greenest_window_gco2eq_per_kwh\" data-label=\"\(region)\" "
                out +=
                    "data-value=\"\(HTML.raw(window.gramsPerKWh))\">\(HTML.fixed(window.gramsPerKWh, 0))</span> g/kWh."
            } else {
                out += "No forecast for this region."
            }
            out += "</li>\n"
        }
        return out + "</ul>\n</section>\n"
    }

    private static func equivalents(_ equivalents: [PageData.Equivalent], of what: String) -> String {
        var out = "<section aria-labelledby=\"equivalents\">\n<h2 id=\"equivalents\">What that equals</h2>\n"
        guard !equivalents.isEmpty else { return out + "<p>Nothing counted yet.</p>\n</section>\n" }
        out += "<p>\(HTML.escape(what.prefix(1).uppercased() + what.dropFirst())) equal:</p>\n<ul>\n"
        for equivalent in equivalents {
            out += "<li><span data-metric=\"equivalent_\(HTML.escape(equivalent.name))\" "
            out += "data-value=\"\(HTML.raw(equivalent.count))\">\(HTML.readable(equivalent.count))</span> "
            out += "\(HTML.escape(equivalent.description))</li>\n"
        }
        return out + "</ul>\n</section>\n"
    }

    private static func cell(_ metric: String, _ value: Double, label: String? = nil, text: String? = nil) -> String {
        let labelAttribute = label.map { " data-label=\"\(HTML.escape($0))\"" } ?? ""
        return "<td class=\"number\" data-metric=\"\(metric)\"\(labelAttribute) data-value=\"\(HTML.raw(value))\">"
            + "\(text ?? HTML.readable(value))</td>"
    }
}
