import Model

/// An immutable view of every host's counters after one collection, safe to render from any thread.
public struct Snapshot: Sendable, Equatable {
    /// The attribution label names, in the order of each account's `attribution` values.
    public var attributionLabels: [String]
    /// Accounts sorted by host, then attribution.
    public var accounts: [HostAccount]
    /// Hosts the source listed in the last collection.
    public var hostsInLastCollection: Int
    /// Wall-clock time of the last successful collection, Unix seconds; nil before the first.
    public var lastCollection: Double?
    /// Each configured power profile with its calibration state, sorted by profile name; empty when nothing
    /// is calibrated.
    public var calibrations: [ProfileCalibration]

    public init(
        attributionLabels: [String],
        accounts: [HostAccount],
        hostsInLastCollection: Int,
        lastCollection: Double?,
        calibrations: [ProfileCalibration] = []
    ) {
        self.attributionLabels = attributionLabels
        self.accounts = accounts
        self.hostsInLastCollection = hostsInLastCollection
        self.lastCollection = lastCollection
        self.calibrations = calibrations
    }

    public static func empty(attributionLabels: [String]) -> Snapshot {
        Snapshot(attributionLabels: attributionLabels, accounts: [], hostsInLastCollection: 0, lastCollection: nil)
    }
}
