import Counters

/// The usage history's last 30 days summed per hour for each site and each user of a site: what the pages'
/// periods and utilisation stack read. Made in one pass over the rows, once per collection, so a page costs
/// a few hundred additions whatever the fleet's size.
public struct HistoryDigest: Sendable {
    public struct UserKey: Hashable, Sendable {
        public var site: String
        public var user: String
    }

    /// Hour index → the site's usage in that hour (only hours with rows).
    public private(set) var sites: [String: [Int: UsageAmounts]] = [:]
    public private(set) var users: [UserKey: [Int: UsageAmounts]] = [:]

    public init() {}

    /// - Parameters:
    ///   - site: the site of an attribution (label name → value), if any.
    ///   - ownerIndex: the position of the owner label among the attribution values.
    public init(
        rows: [UsageHour], attributionLabels: [String], ownerIndex: Int?,
        site: ([String: String]) -> String?
    ) {
        // Rows of one account share their attribution: its site is worked out once.
        var siteOf: [[String]: String?] = [:]
        for row in rows {
            let name: String?
            if let known = siteOf[row.attribution] {
                name = known
            } else {
                name = site(Dictionary(zip(attributionLabels, row.attribution)) { first, _ in first })
                siteOf[row.attribution] = .some(name)
            }
            guard let name else { continue }
            sites[name, default: [:]][row.hour, default: UsageAmounts()].add(row.amounts)
            if let ownerIndex, ownerIndex < row.attribution.count {
                let key = UserKey(site: name, user: row.attribution[ownerIndex])
                users[key, default: [:]][row.hour, default: UsageAmounts()].add(row.amounts)
            }
        }
    }
}
