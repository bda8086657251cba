// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "footprint_exporter",
    products: [.executable(name: "footprint_exporter", targets: ["footprint_exporter"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        // C libraries, wrapped by small static-inline shims (their entry points are variadic).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CMicroHTTPD", pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev", "libgnutls28-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CCrypt", pkgConfig: "libcrypt", providers: [.apt(["libcrypt-dev"])]),

        // Pure layers: no I/O, no dependencies.
        .target(name: "PromText"),
        // Model uses swift-crypto only for the MD5 of the shard key (Prometheus' hashmod).
        .target(name: "Model", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),

        // I/O at the edges.
        .target(name: "HTTPClient", dependencies: ["CCurl"]),
        .target(name: "MetricsServer", dependencies: ["CMicroHTTPD", "CZlib"]),

        // source -> samples -> power model -> counters -> exposition
        .target(
            name: "Readers",
            dependencies: [
                "Config", "Model", "PromText", "HTTPClient", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "Counters", dependencies: ["Model"]),
        .target(name: "Exposition", dependencies: ["Counters", "Model", "PromText"]),
        // Reports over past spans: history -> counters -> buckets -> json/csv/table/openmetrics. Pure (no I/O), so
        // it depends only on the layers below it and App does the reading.
        .target(name: "Report", dependencies: ["Model", "Counters", "Exposition", "PromText"]),
        // The analysis pages: pure functions from a snapshot of a site to HTML, and the ticker's script.
        .target(name: "Pages", dependencies: ["Model", "Counters"]),
        .target(
            name: "StateStore", dependencies: ["Counters", "Model", .product(name: "GRDB", package: "GRDB.swift")]),
        // Configuration: types, the YAML loaders and validation; nothing that runs. It uses the wire value types of
        // HTTPClient and MetricsServer (TLS, headers) so TLS settings are one struct from the file to the socket.
        .target(
            name: "Config",
            dependencies: [
                "Model", "PromText", "HTTPClient", "MetricsServer", .product(name: "Yams", package: "Yams"),
            ]),
        // Carbon intensity: provider chains, failover and forecasts per grid region.
        .target(
            name: "Grid", dependencies: ["Config", "Readers", "Model", .product(name: "Logging", package: "swift-log")]),
        // Who may ask: basic auth with bcrypt, rate limits, the request guard.
        .target(name: "WebSecurity", dependencies: ["Config", "MetricsServer", "Model", "CCrypt"]),
        // Usage history replayed through the counters, the AUDITOR sink and its push, the user directory.
        .target(
            name: "Accounting",
            dependencies: [
                "Config", "Readers", "Report", "Counters", "Model", "PromText", "HTTPClient", "StateStore",
                .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The running exporter: collector, services and their lifecycle, routes, response cache.
        .target(
            name: "Runtime",
            dependencies: [
                "Config", "Grid", "WebSecurity", "Accounting", "Readers", "Counters", "Exposition", "StateStore",
                "MetricsServer", "HTTPClient", "Model", "PromText", "CMalloc", "Report", "Pages",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        // The command line: one file per subcommand, shared option groups.
        .target(
            name: "CLI",
            dependencies: [
                "Runtime", "Config", "Counters", "Accounting", "Report", "Readers", "Grid", "StateStore",
                "MetricsServer",
                "HTTPClient", "Model", "PromText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(name: "footprint_exporter", dependencies: ["CLI"]),
        .executableTarget(
            name: "footprint-bench",
            dependencies: [
                "PromText", "Model", "Counters", "Exposition", "Readers", "HTTPClient", "MetricsServer", "Pages",
                "StateStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/footprint-bench"
        ),

        // Test support: loopback servers, manual clock, fixtures.
        .target(name: "TestSupport", dependencies: ["HTTPClient", "MetricsServer", "Model"]),

        .testTarget(name: "PromTextTests", dependencies: ["PromText"], exclude: ["Fixtures"]),
        .testTarget(name: "ModelTests", dependencies: ["Model"]),
        .testTarget(name: "CountersTests", dependencies: ["Counters", "Model", "TestSupport"]),
        .testTarget(
            name: "StateStoreTests",
            dependencies: [
                "StateStore", "Counters", "Model", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "PagesTests", dependencies: ["Pages", "Counters", "Model"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Counters", "Model", "TestSupport"]),
        .testTarget(
            name: "ExpositionTests", dependencies: ["Exposition", "Counters", "Model", "PromText", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "ReadersTests",
            dependencies: [
                "Readers", "Config", "Model", "HTTPClient", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "MetricsServerTests", dependencies: ["MetricsServer", "HTTPClient", "TestSupport"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "MetricsServer", "TestSupport"]),
        .testTarget(
            name: "ConfigTests", dependencies: ["Config", "WebSecurity", "Model", "MetricsServer", "TestSupport"]),
        .testTarget(
            name: "GridTests",
            dependencies: [
                "Grid", "Config", "Readers", "Model", "HTTPClient", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "WebSecurityTests", dependencies: ["WebSecurity", "Config", "MetricsServer", "TestSupport"]),
        .testTarget(
            name: "AccountingTests",
            dependencies: [
                "Accounting", "Config", "Report", "StateStore", "HTTPClient", "Model", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "RuntimeTests",
            dependencies: [
                "Runtime", "WebSecurity", "Config", "Readers", "Model", "Counters", "Exposition", "PromText",
                "HTTPClient",
                "MetricsServer", "Report", "Pages",
                "StateStore", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "CLI", "WebSecurity", "Runtime", "Config", "Accounting", "Report", "Model", "HTTPClient", "TestSupport",
                "StateStore", "Counters",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)

// libFuzzer targets, one executable per input format. Declared only when FOOTPRINT_FUZZ=1 so that an ordinary
// `swift build` neither sees nor builds them; scripts/fuzz.sh sets it and builds them with
// -sanitize=fuzzer,address in a scratch path of their own.
if Context.environment["FOOTPRINT_FUZZ"] == "1" {
    package.targets += [
        .systemLibrary(name: "CLibFuzzer", path: "Fuzz/Targets/CLibFuzzer"),
        .target(name: "FuzzDriver", dependencies: ["CLibFuzzer"], path: "Fuzz/Targets/FuzzDriver"),
        .executableTarget(
            name: "fuzz-text-parser", dependencies: ["PromText", "FuzzDriver"], path: "Fuzz/Targets/text-parser"),
        .executableTarget(name: "fuzz-config", dependencies: ["Config", "FuzzDriver"], path: "Fuzz/Targets/config"),
        .executableTarget(
            name: "fuzz-prometheus-json",
            dependencies: ["Readers", "Model", "HTTPClient", "TestSupport", "FuzzDriver"],
            path: "Fuzz/Targets/prometheus-json"
        ),
        .executableTarget(
            name: "fuzz-carbon-intensity", dependencies: ["Readers", "Model", "FuzzDriver"],
            path: "Fuzz/Targets/carbon-intensity"),
    ]
}
