/// A response body produced in blocks while it is being sent, for bodies too large to hold whole (a large
/// fleet's uncompressed exposition).
///
/// The server asks `blocks` for a fresh sequence when it queues the response and pulls from it on its event
/// thread as the socket drains, so producing a block should take no more than a few milliseconds.
public struct StreamedBody: Sendable {
    /// The body's size in bytes, sent as `Content-Length`; the blocks must add up to exactly this.
    public var length: Int
    public var blocks: @Sendable () -> any IteratorProtocol<[UInt8]>

    public init(length: Int, blocks: @escaping @Sendable () -> any IteratorProtocol<[UInt8]>) {
        self.length = length
        self.blocks = blocks
    }
}
