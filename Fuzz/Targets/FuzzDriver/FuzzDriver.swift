// The part every fuzz target shares: libFuzzer's entry points, handing each input to the target's check.
import CLibFuzzer
import Glibc

/// The target's check of one input, set once by `runFuzzer` before libFuzzer starts.
nonisolated(unsafe) private var check: ([UInt8]) -> Void = { _ in }

// libFuzzer's own main is linked too and calls this symbol; SwiftPM points `main` at the target's code instead.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    check(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// Runs libFuzzer with the process's arguments, feeding every input to `fuzzOne`, and exits with its status.
public func runFuzzer(_ fuzzOne: @escaping ([UInt8]) -> Void) -> Never {
    check = fuzzOne
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}
