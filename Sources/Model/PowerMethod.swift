/// Where a host's power over an interval came from, in order of trust.
///
/// The raw values are the `method` label of `footprint_host_power_method`.
public enum PowerMethod: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A whole-node meter (IPMI DCMI, Redfish, a PDU outlet): `node_watts × pue`.
    case node
    /// RAPL energy counters for CPU packages and DRAM (or the platform `psys` domain), plus `other_watts`.
    case rapl
    /// The host's profile with coefficients fitted on measured hosts of the same profile.
    case calibrated
    /// The host's profile as configured.
    case model

    public static func < (lhs: PowerMethod, rhs: PowerMethod) -> Bool { lhs.rawValue < rhs.rawValue }
}
