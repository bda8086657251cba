/// The exporter's version, exported as `footprint_exporter_build_info` and printed by `--version`.
public enum BuildInfo {
    public static let version = "0.1.0"

    /// The git revision of a `make build`, which writes it to a generated, untracked file and compiles with
    /// FOOTPRINT_GENERATED_REVISION; "unknown" for a plain `swift build`.
    #if FOOTPRINT_GENERATED_REVISION
        public static let revision = generatedRevision
    #else
        public static let revision = "unknown"
    #endif
}
