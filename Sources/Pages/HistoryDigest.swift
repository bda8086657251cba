import Counters

/// The usage history's last 30 days summed per hour for each site and each user of a site: what the pages'
/// periods and utilisation stack read. Made in one pass over the rows, once per collection, so a page costs
/// a few hundred additions whatever the fleet's size.
public struct HistoryDigest: Sendable {
    public struct UserKey: Hashable, Sendable {
        public var site: String
        public var user: String
    }

    /// The first hour of the digest; each sum array starts there.
    private var first = 0
    private var siteSums: [String: [UsageAmounts?]] = [:]
    private var userSums: [UserKey: [UsageAmounts?]] = [:]

    public init() {}

    /// - Parameters:
    ///   - rows: sorted by hour (as the store returns them).
    ///   - site: the site of an attribution (label name → value), if any.
    ///   - ownerIndex: the position of the owner label among the attribution values.
    public init(
        rows: [UsageHour], attributionLabels: [String], ownerIndex: Int?,
        site: ([String: String]) -> String?
    ) {
        guard let firstRow = rows.first, let lastRow = rows.last else { return }
        first = firstRow.hour
        let span = lastRow.hour - first + 1
        var siteNames: [String] = []
        var sitesByName: [String: Int] = [:]
        var userKeys: [UserKey] = []
        var usersByKey: [UserKey: Int] = [:]
        var sites: [[UsageAmounts?]] = []
        var users: [[UsageAmounts?]] = []
        // Rows of one series (or one attribution) share their site and user: worked out once.
        typealias Target = (site: Int, user: Int?)?
        var bySeries: [Int64: Target] = [:]
        var byAttribution: [[String]: Target] = [:]
        func target(of row: UsageHour) -> Target {
            if row.series != 0, let known = bySeries[row.series] { return known }
            if row.series == 0, let known = byAttribution[row.attribution] { return known }
            var found: Target = nil
            if let name = site(Dictionary(zip(attributionLabels, row.attribution)) { first, _ in first }) {
                let siteIndex =
                    sitesByName[name]
                    ?? {
                        sitesByName[name] = siteNames.count
                        siteNames.append(name)
                        sites.append(Array(repeating: nil, count: span))
                        return siteNames.count - 1
                    }()
                var userIndex: Int?
                if let ownerIndex, ownerIndex < row.attribution.count {
                    let key = UserKey(site: name, user: row.attribution[ownerIndex])
                    userIndex =
                        usersByKey[key]
                        ?? {
                            usersByKey[key] = userKeys.count
                            userKeys.append(key)
                            users.append(Array(repeating: nil, count: span))
                            return userKeys.count - 1
                        }()
                }
                found = (siteIndex, userIndex)
            }
            if row.series != 0 {
                bySeries[row.series] = .some(found)
            } else {
                byAttribution[row.attribution] = .some(found)
            }
            return found
        }
        for row in rows {
            guard let (siteIndex, userIndex) = target(of: row) else { continue }
            let offset = row.hour - first
            guard offset >= 0, offset < span else { continue }
            var sum = sites[siteIndex][offset] ?? UsageAmounts()
            sum.add(row.amounts)
            sites[siteIndex][offset] = sum
            if let userIndex {
                var userSum = users[userIndex][offset] ?? UsageAmounts()
                userSum.add(row.amounts)
                users[userIndex][offset] = userSum
            }
        }
        for (index, name) in siteNames.enumerated() { siteSums[name] = sites[index] }
        for (index, key) in userKeys.enumerated() { userSums[key] = users[index] }
    }

    /// Hour index → the site's usage in that hour, for hours with rows.
    public func hours(site: String) -> [Int: UsageAmounts] { dictionary(siteSums[site]) }

    /// Hour index → the user's usage at the site in that hour, for hours with rows.
    public func hours(site: String, user: String) -> [Int: UsageAmounts] {
        dictionary(userSums[UserKey(site: site, user: user)])
    }

    private func dictionary(_ sums: [UsageAmounts?]?) -> [Int: UsageAmounts] {
        var hours: [Int: UsageAmounts] = [:]
        for (offset, sum) in (sums ?? []).enumerated() {
            if let sum { hours[first + offset] = sum }
        }
        return hours
    }
}
