import Config
import Crypto
import Model
import Readers
import Report

extension ReportProvenance {
    /// The provenance of a history read with `configuration` (whose file had `configBytes`).
    public init(
        configuration: Configuration, configBytes: [UInt8], from: Double, to: Double, step: Double, resolution: Double,
        groupBy: [String], outcome: HistoryReader.Outcome
    ) {
        let carbon = configuration.carbonIntensity
        self.init(
            configSHA256: Self.configurationDigest(configBytes), toolVersion: BuildInfo.version, from: from, to: to,
            step: step,
            resolution: resolution, groupBy: groupBy, queries: outcome.queries, chunks: outcome.requests,
            intensityProvider: carbon.provider.rawValue, intensityRegion: configuration.gridRegion,
            intensityDetail: carbon.provider == .static
                ? "static \(carbon.staticGramsPerKilowattHour) g/kWh" : outcome.intensityDetail,
            fallbackIntensity: carbon.fallbackGramsPerKilowattHour,
            attributionLabels: configuration.attributionLabels, hostGracePeriod: configuration.hostGracePeriod,
            defaultProfile: configuration.power.defaultProfile,
            profiles: configuration.power.profiles.map { (profile: $0.profile, match: $0.match) },
            equivalencyTableVersion: EquivalencyTable.version, equivalencyOverrides: configuration.equivalencies.count)
        sourceURL = URLRedaction.redactingPassword(configuration.historySource.url)
    }

    /// The SHA-256 of a configuration file, in lower-case hexadecimal as `sha256sum` prints it.
    static func configurationDigest(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in SHA256.hash(data: bytes) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
