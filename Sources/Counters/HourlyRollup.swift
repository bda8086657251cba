/// Turns two states of the counters into hourly rows of usage: what each account grew by between them, spread
/// evenly over the UTC hours of the span, as a report spreads an interval over its buckets.
///
/// The usage history is derived from the counters rather than counted beside them, so the sum of its rows is
/// exactly the counters' growth, across restarts too (the previous state is the one the store saved).
public enum HourlyRollup {
    /// The rows for the growth from `previous` (saved at `previousTime`) to `current` (at `now`).
    ///
    /// An account is matched with its previous state by host, attribution and region, or, when its region was
    /// settled only now (a restored account stored without one), by host and attribution. An account without a
    /// previous state started from zero; one whose counters went below their previous state started again
    /// (its totals are the growth). Accounts that did not grow yield no rows: an hour without rows had no data.
    public static func rows(
        previous: [HostAccount], previousTime: Double?, current: [HostAccount], now: Double
    ) -> [UsageHour] {
        var rows: [UsageHour] = []
        forEachRow(previous: previous, previousTime: previousTime, current: current, now: now) { rows.append($0) }
        return rows
    }

    /// The rows of `rows(previous:previousTime:current:now:)`, in the same order, handed to `body` one at a time
    /// instead of collected: a large fleet's rows need not be held to be stored. An account's rows come one
    /// after the other.
    public static func forEachRow<Failure: Error>(
        previous: [HostAccount], previousTime: Double?, current: some Sequence<HostAccount>, now: Double,
        _ body: (UsageHour) throws(Failure) -> Void
    ) throws(Failure) {
        var totals = Totals()
        for account in previous { totals.add(account) }
        try forEachRow(previous: totals, previousTime: previousTime, current: current, now: now, body)
    }

    /// The totals of a previous state by account, which is all the rollup needs of it: a saved fleet is read into
    /// this one account at a time rather than held whole.
    public struct Totals {
        fileprivate var exact: [HostLedger.AccountKey: UsageAmounts] = [:]
        fileprivate var byAttribution: [HostAndAttribution: UsageAmounts] = [:]

        public init() {}

        public mutating func add(_ account: HostAccount) {
            let totals = UsageAmounts(totalsOf: account)
            exact[key(account)] = totals
            byAttribution[HostAndAttribution(host: account.host, attribution: account.attribution)] = totals
        }

        fileprivate func before(_ account: HostAccount) -> UsageAmounts {
            exact[key(account)] ?? byAttribution[
                HostAndAttribution(host: account.host, attribution: account.attribution)]
                ?? UsageAmounts()
        }
    }

    /// An account's host and attribution, sharing their storage with the account (no array made per lookup).
    fileprivate struct HostAndAttribution: Hashable {
        var host: String
        var attribution: [String]
    }

    /// The rows for the growth from the `previous` totals to `current`, as above.
    public static func forEachRow<Failure: Error>(
        previous: Totals, previousTime: Double?, current: some Sequence<HostAccount>, now: Double,
        _ body: (UsageHour) throws(Failure) -> Void
    ) throws(Failure) {
        let start = min(previousTime ?? now, now)
        for account in current {
            let totals = UsageAmounts(totalsOf: account)
            let before = previous.before(account)
            let growth = totals.covers(before) ? totals.subtracting(before) : totals
            guard !growth.isZero else { continue }
            var shares: [(hour: Int, share: Double)] = []
            spread(start: start, end: now) { shares.append(($0, $1)) }
            for (hour, share) in shares {
                var scaled = UsageAmounts()
                scaled.add(growth, scaledBy: share)
                try body(
                    UsageHour(
                        hour: hour, host: account.host, attribution: account.attribution,
                        gridRegion: account.gridRegion ?? "", profile: account.profileName, amounts: scaled))
            }
        }
    }

    /// Calls `body` with each hour `[start, end)` overlaps and its share of the span; an empty span is all in the
    /// hour of `end`.
    static func spread(start: Double, end: Double, _ body: (Int, Double) -> Void) {
        guard end > start else {
            body(UsageHour.index(of: end), 1)
            return
        }
        let length = end - start
        var hour = UsageHour.index(of: start)
        while Double(hour) * UsageHour.seconds < end {
            let from = max(start, Double(hour) * UsageHour.seconds)
            let to = min(end, Double(hour + 1) * UsageHour.seconds)
            if to > from { body(hour, (to - from) / length) }
            hour += 1
        }
    }

    fileprivate static func key(_ account: HostAccount) -> HostLedger.AccountKey {
        HostLedger.AccountKey(
            host: account.host, attribution: account.attribution, gridRegion: account.gridRegion ?? "")
    }
}
