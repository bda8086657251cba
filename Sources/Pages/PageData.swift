import Counters

/// The figures a page shows, gathered by the exporter and handed to the renderers: plain values only, so a page
/// is a pure function of them.
public enum PageData {
    /// Totals since counting began, summed from the same counters `/metrics` exposes.
    public struct Figures: Sendable, Equatable {
        public var energyKWh = 0.0
        public var emissionsKg = 0.0
        public var idleEnergyKWh = 0.0
        /// The idle share of the power over each host's last interval, summed.
        public var idlePowerWatts = 0.0
        public var powerWatts = 0.0
        public var hosts = 0

        public init() {}

        public var busyEnergyKWh: Double { max(energyKWh - idleEnergyKWh, 0) }
    }

    /// Usage over a recent period, from the usage history.
    public struct Period: Sendable, Equatable {
        /// `today`, `7d`, `30d`: the key of its figures' `data-metric` names.
        public var key: String
        public var title: String
        /// Nil when the history has no hour of the period.
        public var amounts: UsageAmounts?
        public var hoursWithData: Int
        public var hours: Int

        public init(key: String, title: String, amounts: UsageAmounts?, hoursWithData: Int, hours: Int) {
            self.key = key
            self.title = title
            self.amounts = amounts
            self.hoursWithData = hoursWithData
            self.hours = hours
        }
    }

    /// One line of a "top" table.
    public struct Ranked: Sendable, Equatable {
        public var name: String
        public var energyKWh: Double
        public var emissionsKg: Double
        public var idleEnergyKWh: Double
        /// A page of its own (a user's), if any.
        public var link: String?

        public init(name: String, energyKWh: Double, emissionsKg: Double, idleEnergyKWh: Double, link: String? = nil) {
            self.name = name
            self.energyKWh = energyKWh
            self.emissionsKg = emissionsKg
            self.idleEnergyKWh = idleEnergyKWh
            self.link = link
        }
    }

    /// A running workspace (a host under one attribution) and what stopping it would save.
    public struct Workspace: Sendable, Equatable {
        public var host: String
        public var owner: String
        public var project: String
        public var machine: String
        public var powerWatts: Double
        public var idleRatio: Double
        public var energyKWh: Double
        public var idleEnergyKWh: Double
        /// The host's power for a day, what stopping it saves.
        public var savesKWhPerDay: Double { powerWatts * 24 / 1_000 }
        /// That energy at the intensity in force for the host.
        public var savesKgPerDay: Double
        public var idlePowerWatts: Double { powerWatts * idleRatio }

        public init(
            host: String, owner: String, project: String, machine: String, powerWatts: Double, idleRatio: Double,
            energyKWh: Double, idleEnergyKWh: Double, savesKgPerDay: Double
        ) {
            self.host = host
            self.owner = owner
            self.project = project
            self.machine = machine
            self.powerWatts = powerWatts
            self.idleRatio = idleRatio
            self.energyKWh = energyKWh
            self.idleEnergyKWh = idleEnergyKWh
            self.savesKgPerDay = savesKgPerDay
        }
    }

    /// A grid region's intensity now and the greenest window of the forecast.
    public struct Grid: Sendable, Equatable {
        public var region: String
        public var provider: String
        public var gramsPerKWh: Double
        public var fallback: Bool
        /// The lowest-mean window of `windowHours` in the next 24 h, if the region has a forecast.
        public var window: (start: Double, end: Double, gramsPerKWh: Double)?
        public var windowHours: Double

        public init(
            region: String, provider: String, gramsPerKWh: Double, fallback: Bool,
            window: (start: Double, end: Double, gramsPerKWh: Double)?, windowHours: Double
        ) {
            self.region = region
            self.provider = provider
            self.gramsPerKWh = gramsPerKWh
            self.fallback = fallback
            self.window = window
            self.windowHours = windowHours
        }

        public static func == (lhs: Grid, rhs: Grid) -> Bool {
            lhs.region == rhs.region && lhs.provider == rhs.provider && lhs.gramsPerKWh == rhs.gramsPerKWh
                && lhs.fallback == rhs.fallback && lhs.window?.start == rhs.window?.start
                && lhs.window?.end == rhs.window?.end && lhs.window?.gramsPerKWh == rhs.window?.gramsPerKWh
        }
    }

    /// "This equals N of something".
    public struct Equivalent: Sendable, Equatable {
        /// The equivalency's name, for the `data-metric`.
        public var name: String
        public var description: String
        public var count: Double

        public init(name: String, description: String, count: Double) {
            self.name = name
            self.description = description
            self.count = count
        }
    }

    /// One hour of the utilisation stack: cores of hosts up, and how many of them were busy and idle.
    public struct UtilisationHour: Sendable, Equatable {
        public var start: Double
        /// Nil when the history has no row for the hour.
        public var busyCores: Double?
        public var idleCores: Double?

        public init(start: Double, busyCores: Double?, idleCores: Double?) {
            self.start = start
            self.busyCores = busyCores
            self.idleCores = idleCores
        }

        public var upCores: Double? { busyCores.map { $0 + (idleCores ?? 0) } }
    }

    public struct Utilisation: Sendable, Equatable {
        /// Cores of every host the exporter knows in the site.
        public var coresKnown: Double
        /// The last 24 hours, oldest first.
        public var hours: [UtilisationHour]

        public init(coresKnown: Double, hours: [UtilisationHour]) {
            self.coresKnown = coresKnown
            self.hours = hours
        }
    }

    /// One site on the index page.
    public struct SiteEntry: Sendable, Equatable {
        public var name: String
        public var figures: Figures

        public init(name: String, figures: Figures) {
            self.name = name
            self.figures = figures
        }
    }

    /// Everything the site page shows.
    public struct Site: Sendable, Equatable {
        public var name: String
        /// When the counters were last collected; nil before the first collection.
        public var collectedAt: Double?
        public var figures = Figures()
        public var periods: [Period] = []
        public var projects: [Ranked] = []
        public var users: [Ranked] = []
        public var machines: [Ranked] = []
        public var idleWorkspaces: [Workspace] = []
        public var grids: [Grid] = []
        public var equivalents: [Equivalent] = []
        public var utilisation = Utilisation(coresKnown: 0, hours: [])

        public init(name: String) { self.name = name }
    }

    /// Everything a user's page shows.
    public struct User: Sendable, Equatable {
        public var site: String
        public var user: String
        public var collectedAt: Double?
        public var figures = Figures()
        public var periods: [Period] = []
        public var workspaces: [Workspace] = []
        public var equivalents: [Equivalent] = []

        public init(site: String, user: String) {
            self.site = site
            self.user = user
        }
    }
}
