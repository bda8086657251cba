/// One account's usage within one UTC hour: a row of the usage history.
public struct UsageHour: Sendable, Equatable {
    public static let seconds = 3_600.0

    /// Hours since the Unix epoch: the row covers `[hour × 3600, (hour + 1) × 3600)`.
    public var hour: Int
    public var host: String
    /// Attribution label values in the order of the attribution label names.
    public var attribution: [String]
    public var gridRegion: String
    /// The power profile the host was counted with.
    public var profile: String
    public var amounts: UsageAmounts
    /// The store's number for the row's series (host, attribution, region, profile); 0 when not from a store.
    /// Rows with the same number share everything but the hour and the amounts.
    public var series: Int64

    public init(
        hour: Int, host: String, attribution: [String], gridRegion: String, profile: String, amounts: UsageAmounts,
        series: Int64 = 0
    ) {
        self.series = series
        self.hour = hour
        self.host = host
        self.attribution = attribution
        self.gridRegion = gridRegion
        self.profile = profile
        self.amounts = amounts
    }

    /// The start of the hour, Unix seconds.
    public var start: Double { Double(hour) * Self.seconds }

    /// The hour containing `time`.
    public static func index(of time: Double) -> Int { Int((time / seconds).rounded(.down)) }
}
