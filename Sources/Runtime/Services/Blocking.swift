import Foundation

/// Runs blocking work (a reload that waits for a collection, stopping loops) on a thread of its own, so a
/// service awaiting it does not hold one of the cooperative pool's few threads.
enum Blocking {
    static func run(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                work()
                continuation.resume()
            }
            thread.name = "footprint-blocking"
            thread.start()
        }
    }
}
