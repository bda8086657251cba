import Config
import Counters
import Grid
import Model
import Pages
import Report
import StateStore

/// Gathers what the analysis pages show from the counters (the same accounts `/metrics` renders), the usage
/// history and the grid: the one place that turns runtime state into `PageData`.
struct AnalysisData {
    let configuration: Configuration
    let snapshot: Snapshot
    let carbon: CarbonIntensityService
    /// The history's rows of the last 30 days (through the current hour); empty without a store.
    let recentHours: [UsageHour]
    let now: Double

    /// The label that names a project: `cloud_project_name` when it is an attribution label, else the first.
    var projectLabel: String? {
        let labels = snapshot.attributionLabels
        return labels.contains("cloud_project_name") ? "cloud_project_name" : labels.first
    }

    var ownerLabel: String { configuration.workspaces.ownerLabel }

    func labels(of account: HostAccount) -> [String: String] {
        Dictionary(zip(snapshot.attributionLabels, account.attribution)) { first, _ in first }
    }

    func accounts(ofSite site: String) -> [HostAccount] {
        snapshot.accounts.filter { configuration.site(of: labels(of: $0))?.name == site }
    }

    func machine(of account: HostAccount) -> String {
        labels(of: account)[configuration.usageHistory.machineLabel].flatMap { $0.isEmpty ? nil : $0 }
            ?? account.profileName
    }

    static func figures(_ accounts: [HostAccount]) -> PageData.Figures {
        var figures = PageData.Figures()
        var joules = 0.0
        var idleJoules = 0.0
        var grams = 0.0
        for account in accounts {
            joules += account.busyEnergy.value + account.idleEnergy.value
            idleJoules += account.idleEnergy.value
            grams += account.busyEmissions.value + account.idleEmissions.value
            let power = account.power?.value ?? 0
            figures.powerWatts += power
            figures.idlePowerWatts += power * (account.idleRatio ?? 0)
        }
        figures.energyKWh = joules / 3_600_000
        figures.idleEnergyKWh = idleJoules / 3_600_000
        figures.emissionsKg = grams / 1_000
        figures.hosts = Set(accounts.map(\.host)).count
        return figures
    }

    func siteEntries() -> [PageData.SiteEntry] {
        configuration.sites.map { PageData.SiteEntry(name: $0.name, figures: Self.figures(accounts(ofSite: $0.name))) }
    }

    func site(_ name: String) -> PageData.Site {
        let accounts = accounts(ofSite: name)
        var page = PageData.Site(name: name)
        page.collectedAt = snapshot.lastCollection
        page.figures = Self.figures(accounts)
        let rows = recentHours.filter { configuration.site(of: attribution(of: $0))?.name == name }
        page.periods = periods(rows)
        if let projectLabel {
            page.projects = ranked(accounts, by: { labels(of: $0)[projectLabel] ?? "" })
        }
        let base = "/analysis/\(HTML.pathSegment(name))/user/"
        page.users = ranked(
            accounts, by: { labels(of: $0)[ownerLabel] ?? "" }, link: { base + HTML.pathSegment($0) + "/" })
        page.machines = ranked(accounts, by: { machine(of: $0) })
        page.idleWorkspaces = Array(
            workspaces(accounts.filter { isRunning($0) && ($0.idleRatio ?? 0) >= 0.5 })
                .sorted { $0.idlePowerWatts > $1.idlePowerWatts }.prefix(10))
        page.grids = grids(Set(accounts.map { $0.gridRegion ?? "" }))
        page.equivalents = equivalents(page.figures)
        page.utilisation = utilisation(rows, accounts: accounts)
        return page
    }

    /// Nil when the user has no account at the site.
    func user(_ user: String, site: String) -> PageData.User? {
        let accounts = accounts(ofSite: site).filter { labels(of: $0)[ownerLabel] == user }
        guard !accounts.isEmpty else { return nil }
        var page = PageData.User(site: site, user: user)
        page.collectedAt = snapshot.lastCollection
        page.figures = Self.figures(accounts)
        let ownerIndex = snapshot.attributionLabels.firstIndex(of: ownerLabel)
        let rows = recentHours.filter { row in
            guard let ownerIndex, ownerIndex < row.attribution.count, row.attribution[ownerIndex] == user else {
                return false
            }
            return configuration.site(of: attribution(of: row))?.name == site
        }
        page.periods = periods(rows)
        page.workspaces = workspaces(accounts).sorted { $0.energyKWh > $1.energyKWh }
        page.equivalents = equivalents(page.figures)
        return page
    }

    /// What the ticker resynchronises from.
    static func live(_ figures: PageData.Figures, collectedAt: Double?, now: Double) -> JSONText {
        .object([
            ("idle_energy_kwh", .number(figures.idleEnergyKWh)),
            ("idle_power_watts", .number(figures.idlePowerWatts)),
            ("energy_kwh", .number(figures.energyKWh)),
            ("emissions_kg", .number(figures.emissionsKg)),
            ("power_watts", .number(figures.powerWatts)),
            ("hosts", .number(Double(figures.hosts))),
            ("collected_at", .optional(collectedAt)),
            ("now", .number(now)),
        ])
    }

    // MARK: - Parts

    private func attribution(of row: UsageHour) -> [String: String] {
        Dictionary(zip(snapshot.attributionLabels, row.attribution)) { first, _ in first }
    }

    /// Seen in the last collection, so it is running now.
    private func isRunning(_ account: HostAccount) -> Bool {
        guard let last = snapshot.lastCollection else { return false }
        return account.lastSeen >= last
    }

    private func periods(_ rows: [UsageHour]) -> [PageData.Period] {
        let currentHour = UsageHour.index(of: now)
        let midnight = Int((now / 86_400).rounded(.down)) * 24
        return [
            ("today", "Today", midnight), ("7d", "Last 7 days", currentHour - 7 * 24 + 1),
            ("30d", "Last 30 days", currentHour - 30 * 24 + 1),
        ].map { key, title, first in
            var amounts: UsageAmounts?
            var hours = Set<Int>()
            for row in rows where row.hour >= first && row.hour <= currentHour {
                var sum = amounts ?? UsageAmounts()
                sum.add(row.amounts)
                amounts = sum
                hours.insert(row.hour)
            }
            return PageData.Period(
                key: key, title: title, amounts: amounts, hoursWithData: hours.count, hours: currentHour - first + 1)
        }
    }

    private func ranked(
        _ accounts: [HostAccount], by name: (HostAccount) -> String, link: ((String) -> String)? = nil
    ) -> [PageData.Ranked] {
        var sums: [String: (joules: Double, idle: Double, grams: Double)] = [:]
        for account in accounts {
            var sum = sums[name(account)] ?? (0, 0, 0)
            sum.joules += account.busyEnergy.value + account.idleEnergy.value
            sum.idle += account.idleEnergy.value
            sum.grams += account.busyEmissions.value + account.idleEmissions.value
            sums[name(account)] = sum
        }
        return sums.sorted { $0.value.joules != $1.value.joules ? $0.value.joules > $1.value.joules : $0.key < $1.key }
            .prefix(10).map { key, sum in
                PageData.Ranked(
                    name: key, energyKWh: sum.joules / 3_600_000, emissionsKg: sum.grams / 1_000,
                    idleEnergyKWh: sum.idle / 3_600_000, link: key.isEmpty ? nil : link?(key))
            }
    }

    private func workspaces(_ accounts: [HostAccount]) -> [PageData.Workspace] {
        accounts.map { account in
            let labels = labels(of: account)
            let power = isRunning(account) ? account.power?.value ?? 0 : 0
            let intensity = carbon.current(region: account.gridRegion ?? "").value.value
            return PageData.Workspace(
                host: account.host, owner: labels[ownerLabel] ?? "", project: projectLabel.flatMap { labels[$0] } ?? "",
                machine: machine(of: account), powerWatts: power, idleRatio: account.idleRatio ?? 0,
                energyKWh: (account.busyEnergy.value + account.idleEnergy.value) / 3_600_000,
                idleEnergyKWh: account.idleEnergy.value / 3_600_000,
                savesKgPerDay: power * 24 / 1_000 * intensity / 1_000)
        }
    }

    /// The window length the greenest-window figure looks for.
    static let windowHours = 3.0

    private func grids(_ regions: Set<String>) -> [PageData.Grid] {
        let known = Set(carbon.current().map(\.region))
        return regions.sorted().filter { known.contains($0) }.map { region in
            let inForce = carbon.current(region: region)
            let window = carbon.forecast(region: region)?.forecast.bestWindow(
                length: Self.windowHours * 3_600, from: now)
            return PageData.Grid(
                region: region, provider: inForce.provider, gramsPerKWh: inForce.value.value,
                fallback: inForce.fallback, window: window.map { ($0.start, $0.end, $0.mean.value) },
                windowHours: Self.windowHours)
        }
    }

    private func equivalents(_ figures: PageData.Figures) -> [PageData.Equivalent] {
        guard figures.emissionsKg > 0 else { return [] }
        return EquivalencyTable.mostRelatable(
            configuration.equivalencyTable, grams: Grams(figures.emissionsKg * 1_000),
            energy: Joules(figures.energyKWh * 3_600_000)
        ).prefix(3).map { entry, count in
            PageData.Equivalent(name: "\(entry.name)_\(entry.unit)", description: entry.description, count: count)
        }
    }

    private func utilisation(_ rows: [UsageHour], accounts: [HostAccount]) -> PageData.Utilisation {
        var cores: [String: Double] = [:]
        for account in accounts { cores[account.host] = max(cores[account.host] ?? 0, account.cores) }
        let currentHour = UsageHour.index(of: now)
        var busy: [Int: Double] = [:]
        var idle: [Int: Double] = [:]
        for row in rows where row.hour > currentHour - 24 {
            busy[row.hour, default: 0] += row.amounts.cpuBusySeconds
            idle[row.hour, default: 0] += row.amounts.cpuIdleSeconds
        }
        let hours = ((currentHour - 23)...currentHour).map { hour in
            // The current hour is averaged over its elapsed part, so a partial hour is not drawn as a dip.
            let length = hour == currentHour ? max(now - Double(hour) * UsageHour.seconds, 1) : UsageHour.seconds
            return PageData.UtilisationHour(
                start: Double(hour) * UsageHour.seconds, busyCores: busy[hour].map { $0 / length },
                idleCores: idle[hour].map { $0 / length })
        }
        return PageData.Utilisation(coresKnown: cores.values.reduce(0, +), hours: hours)
    }
}
