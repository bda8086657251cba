extension Configuration {
    /// A named group of hosts (a facility, a department) with pages of its own.
    public struct Site: Sendable, Equatable {
        /// The site's name, also its path segment: `/analysis/<name>/`.
        public var name: String
        /// Attribution label → accepted values; every label must have one of its values.
        public var match: [String: [String]]

        public init(name: String, match: [String: [String]]) {
            self.name = name
            self.match = match
        }

        /// Whether a host with these attribution labels belongs to the site.
        public func matches(_ labels: [String: String]) -> Bool {
            match.allSatisfy { label, values in labels[label].map(values.contains) ?? false }
        }
    }

    /// How the usage history is kept.
    public struct UsageHistory: Sendable, Equatable {
        /// How long hourly rows are kept, seconds.
        public var retention = 400 * 86_400.0
        /// The attribution label naming a host's machine type; hosts without it are typed by their power profile.
        public var machineLabel = "machine_name"

        public init() {}
    }

    /// The first site whose match holds for a host's attribution labels, or nil.
    public func site(of labels: [String: String]) -> Site? {
        sites.first { $0.matches(labels) }
    }
}
