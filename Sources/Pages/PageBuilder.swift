import Counters
import Model

/// Gathers what the analysis pages show from the counters (the same accounts `/metrics` renders), the digest
/// of the usage history and the grid: the one place that turns the exporter's state into `PageData`. Pure: the
/// exporter hands it plain values and lookups.
public struct PageBuilder: Sendable {
    public var snapshot: Snapshot
    /// The site of a host's attribution labels, if any.
    public var siteOf: @Sendable ([String: String]) -> String?
    /// The attribution label naming a workspace's owner.
    public var ownerLabel: String
    /// The attribution label naming a machine type; hosts without it are typed by their power profile.
    public var machineLabel: String
    public var equivalencies: [Equivalency]
    /// The intensity in force for a grid region, g/kWh.
    public var intensity: @Sendable (String) -> Double
    /// The grid figures of the given regions.
    public var grids: @Sendable (Set<String>) -> [PageData.Grid]
    public var history: HistoryDigest
    public var now: Double

    public init(
        snapshot: Snapshot, siteOf: @escaping @Sendable ([String: String]) -> String?, ownerLabel: String,
        machineLabel: String, equivalencies: [Equivalency], intensity: @escaping @Sendable (String) -> Double,
        grids: @escaping @Sendable (Set<String>) -> [PageData.Grid], history: HistoryDigest, now: Double
    ) {
        self.snapshot = snapshot
        self.siteOf = siteOf
        self.ownerLabel = ownerLabel
        self.machineLabel = machineLabel
        self.equivalencies = equivalencies
        self.intensity = intensity
        self.grids = grids
        self.history = history
        self.now = now
    }

    /// The label that names a project: `cloud_project_name` when it is an attribution label, else the first.
    var projectLabel: String? {
        let labels = snapshot.attributionLabels
        return labels.contains("cloud_project_name") ? "cloud_project_name" : labels.first
    }

    func labels(of account: HostAccount) -> [String: String] {
        Dictionary(zip(snapshot.attributionLabels, account.attribution)) { first, _ in first }
    }

    /// The accounts of a site, in snapshot order.
    public func accounts(ofSite site: String) -> [HostAccount] {
        snapshot.accounts.filter { siteOf(labels(of: $0)) == site }
    }

    func machine(of account: HostAccount) -> String {
        labels(of: account)[machineLabel].flatMap { $0.isEmpty ? nil : $0 } ?? account.profileName
    }

    /// The totals since counting began of some accounts.
    public static func figures(_ accounts: [HostAccount]) -> PageData.Figures {
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

    public func siteEntries(_ names: [String]) -> [PageData.SiteEntry] {
        var bySite: [String: [HostAccount]] = [:]
        for account in snapshot.accounts {
            if let site = siteOf(labels(of: account)) { bySite[site, default: []].append(account) }
        }
        return names.map { PageData.SiteEntry(name: $0, figures: Self.figures(bySite[$0] ?? [])) }
    }

    public func site(_ name: String) -> PageData.Site {
        let accounts = accounts(ofSite: name)
        var page = PageData.Site(name: name)
        page.collectedAt = snapshot.lastCollection
        page.figures = Self.figures(accounts)
        let hours = history.hours(site: name)
        page.periods = periods(hours)
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
        page.utilisation = utilisation(hours, accounts: accounts)
        return page
    }

    /// Nil when the user has no account at the site.
    public func user(_ user: String, site: String) -> PageData.User? {
        let accounts = accounts(ofSite: site).filter { labels(of: $0)[ownerLabel] == user }
        guard !accounts.isEmpty else { return nil }
        var page = PageData.User(site: site, user: user)
        page.collectedAt = snapshot.lastCollection
        page.figures = Self.figures(accounts)
        page.periods = periods(history.hours(site: site, user: user))
        page.workspaces = workspaces(accounts).sorted { $0.energyKWh > $1.energyKWh }
        page.equivalents = equivalents(page.figures)
        return page
    }

    // MARK: - Parts

    /// Seen in the last collection, so it is running now.
    private func isRunning(_ account: HostAccount) -> Bool {
        guard let last = snapshot.lastCollection else { return false }
        return account.lastSeen >= last
    }

    private func periods(_ hours: [Int: UsageAmounts]) -> [PageData.Period] {
        let currentHour = UsageHour.index(of: now)
        let midnight = Int((now / 86_400).rounded(.down)) * 24
        return [
            ("today", "Today", midnight), ("7d", "Last 7 days", currentHour - 7 * 24 + 1),
            ("30d", "Last 30 days", currentHour - 30 * 24 + 1),
        ].map { key, title, first in
            var amounts: UsageAmounts?
            var withData = 0
            for (hour, usage) in hours where hour >= first && hour <= currentHour {
                var sum = amounts ?? UsageAmounts()
                sum.add(usage)
                amounts = sum
                withData += 1
            }
            return PageData.Period(
                key: key, title: title, amounts: amounts, hoursWithData: withData, hours: currentHour - first + 1)
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
            return PageData.Workspace(
                host: account.host, owner: labels[ownerLabel] ?? "", project: projectLabel.flatMap { labels[$0] } ?? "",
                machine: machine(of: account), powerWatts: power, idleRatio: account.idleRatio ?? 0,
                energyKWh: (account.busyEnergy.value + account.idleEnergy.value) / 3_600_000,
                idleEnergyKWh: account.idleEnergy.value / 3_600_000,
                savesKgPerDay: power * 24 / 1_000 * intensity(account.gridRegion ?? "") / 1_000)
        }
    }

    private func equivalents(_ figures: PageData.Figures) -> [PageData.Equivalent] {
        guard figures.emissionsKg > 0 else { return [] }
        return EquivalencyTable.mostRelatable(
            equivalencies, grams: Grams(figures.emissionsKg * 1_000), energy: Joules(figures.energyKWh * 3_600_000)
        ).prefix(3).map { entry, count in
            PageData.Equivalent(name: "\(entry.name)_\(entry.unit)", description: entry.description, count: count)
        }
    }

    private func utilisation(_ hours: [Int: UsageAmounts], accounts: [HostAccount]) -> PageData.Utilisation {
        var cores: [String: Double] = [:]
        for account in accounts { cores[account.host] = max(cores[account.host] ?? 0, account.cores) }
        let currentHour = UsageHour.index(of: now)
        let stack = ((currentHour - 23)...currentHour).map { hour in
            // The current hour is averaged over its elapsed part, so a partial hour is not drawn as a dip.
            let length = hour == currentHour ? max(now - Double(hour) * UsageHour.seconds, 1) : UsageHour.seconds
            let usage = hours[hour]
            return PageData.UtilisationHour(
                start: Double(hour) * UsageHour.seconds, busyCores: usage.map { $0.cpuBusySeconds / length },
                idleCores: usage.map { $0.cpuIdleSeconds / length })
        }
        return PageData.Utilisation(coresKnown: cores.values.reduce(0, +), hours: stack)
    }
}
