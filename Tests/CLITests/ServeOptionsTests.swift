import Foundation
import MetricsServer
import Model
import TestSupport
import Testing

@testable import CLI

/// Serve's flags as parsed: server limits, the storage path forms and the top-level help.
@Suite struct ServeOptionsTests {
    @Test func requestHeaderTimeoutReachesTheServerLimits() throws {
        #expect(try Serve.parse([]).serverLimits.requestHeaderTimeoutSeconds == 10)
        #expect(try Serve.parse(["--web.request-header-timeout", "3s"]).serverLimits.requestHeaderTimeoutSeconds == 3)
        #expect(try Serve.parse([]).serverLimits.connectionLimit == ServerLimits().connectionLimit)
        #expect(throws: (any Error).self) { try Serve.parse(["--web.request-header-timeout", "500ms"]) }
        #expect(throws: (any Error).self) { try Serve.parse(["--web.request-header-timeout", "soon"]) }
    }

    @Test func lifecycleAndStoreFlagsDefaultOff() throws {
        let serve = try Serve.parse([])
        #expect(!serve.enableLifecycle)
        #expect(!serve.recoverDamagedStore)
        #expect(!serve.disableExporterMetrics)
        #expect(serve.storagePath == "data/footprint_exporter.sqlite")
        let flagged = try Serve.parse([
            "--web.enable-lifecycle", "--storage.recover-damaged", "--web.disable-exporter-metrics",
        ])
        #expect(flagged.enableLifecycle && flagged.recoverDamagedStore && flagged.disableExporterMetrics)
    }

    @Test func storagePathIsADirectoryOrAFile() throws {
        let directory = try TestStack.temporaryDirectory()
        #expect(StoragePath.file(for: directory) == "\(directory)/footprint_exporter.sqlite")
        #expect(StoragePath.file(for: "\(directory)/new/") == "\(directory)/new/footprint_exporter.sqlite")
        #expect(StoragePath.file(for: "\(directory)/state.sqlite") == "\(directory)/state.sqlite")
    }

    @Test func topLevelHelpListsServingFlagsAndSubcommands() {
        #expect(TopLevelHelp.isRequested(["--help"]))
        #expect(TopLevelHelp.isRequested(["--web.listen-address=:1", "-h"]))
        #expect(TopLevelHelp.isRequested(["help"]))
        #expect(!TopLevelHelp.isRequested(["check-config", "--help"]))
        #expect(!TopLevelHelp.isRequested(["serve", "--help"]))
        #expect(!TopLevelHelp.isRequested([]))
        let help = TopLevelHelp.message(columns: 120)
        #expect(help.contains("--web.listen-address"))
        #expect(help.contains("--web.request-header-timeout"))
        #expect(help.contains("SUBCOMMANDS:"))
        #expect(help.contains("check-config"))
        #expect(help.contains("report"))
    }
}

/// `--shard.count` and `--shard.index`: both or neither, and only a shard that exists.
@Suite struct ShardFlagsTests {
    @Test func noFlagsMeansNoShardFromTheCommandLine() throws {
        #expect(try Serve.parse([]).shard == nil)
    }

    @Test func bothFlagsGiveTheShard() throws {
        let serve = try Serve.parse(["--shard.count=3", "--shard.index=2"])
        #expect(try serve.shard == Shard(count: 3, index: 2))
        #expect(try Serve.parse(["--shard.count", "1", "--shard.index", "0"]).shard == Shard(count: 1, index: 0))
    }

    @Test(arguments: [
        ["--shard.count=3", "--shard.index=3"], ["--shard.count=0", "--shard.index=0"],
        ["--shard.count=3", "--shard.index=-1"], ["--shard.count=3"], ["--shard.index=1"],
        ["--shard.count=three", "--shard.index=1"],
    ])
    func badShardFlagsAreUsageErrors(arguments: [String]) {
        #expect(throws: (any Error).self) { try Serve.parse(arguments) }
    }

    @Test func theMessageNamesTheFlags() {
        do {
            _ = try Serve.parse(["--shard.count=3", "--shard.index=5"])
            Issue.record("accepted index 5 of 3")
        } catch {
            let message = Serve.message(for: error)
            #expect(message.contains("--shard.index 5"))
            #expect(message.contains("between 0 and count - 1 (2)"))
        }
    }
}
