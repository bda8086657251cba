import CZlib

/// A gzip member (RFC 1952) compressed from input given in blocks, so a large body never has to exist
/// uncompressed in one piece.
///
/// Not thread-safe: one writer appends, then takes the result with `finish()`, once.
public final class GzipStream {
    // zlib keeps a pointer back to the stream and rejects calls if it moves, so it lives on the heap.
    private let stream: UnsafeMutablePointer<z_stream>
    private let chunk: UnsafeMutablePointer<UInt8>
    private static let chunkSize = 64 << 10
    private var output: [UInt8] = []
    private var finished = false

    /// - Parameters:
    ///   - level: zlib level from 0 (store) to 9 (smallest), or -1 for zlib's default; values outside that range
    ///     are clamped. 6 is zlib's usual speed/size balance.
    ///   - expectedInputBytes: a guess of the whole input's size, to reserve the output in one allocation.
    public init(level: Int32 = 6, expectedInputBytes: Int = 0) {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: Self.chunkSize)
        let started = czlib_deflate_init_gzip(stream, min(max(level, -1), 9))
        // With a valid level, deflateInit2 fails only when out of memory, which Swift treats as fatal too.
        precondition(started == Z_OK, "deflateInit2 failed with \(started)")
        if expectedInputBytes > 0 {
            output.reserveCapacity(Int(deflateBound(stream, UInt(expectedInputBytes))))
        }
    }

    deinit {
        deflateEnd(stream)
        chunk.deallocate()
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses the next block of input.
    public func append(_ bytes: [UInt8]) {
        precondition(!finished, "GzipStream appended to after finish()")
        bytes.withUnsafeBufferPointer { input in
            var consumed = 0
            while consumed < input.count {
                // avail_in is 32 bits wide, so very large inputs go in slices.
                let slice = min(input.count - consumed, Int(UInt32.max))
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + consumed })
                stream.pointee.avail_in = UInt32(slice)
                consumed += slice
                repeat { deflateStep(Z_NO_FLUSH) } while stream.pointee.avail_in > 0
            }
        }
    }

    /// The complete gzip member: everything appended, compressed, with the gzip trailer.
    public func finish() -> [UInt8] {
        precondition(!finished, "GzipStream finished twice")
        finished = true
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        while deflateStep(Z_FINISH) != Z_STREAM_END {}
        defer { output = [] }
        // Grown by doubling, the buffer can be up to twice the member; a cached answer would hold the slack until
        // the next collection, so a loose one is copied to its size.
        guard output.capacity - output.count > output.count / 4 else { return output }
        return [UInt8](unsafeUninitializedCapacity: output.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: output)
        }
    }

    /// One deflate call into the chunk buffer, whose output is appended to the result.
    @discardableResult
    private func deflateStep(_ flush: Int32) -> Int32 {
        stream.pointee.next_out = chunk
        stream.pointee.avail_out = UInt32(Self.chunkSize)
        let status = deflate(stream, flush)
        precondition(
            status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR, "deflate failed with \(status)")
        output.append(
            contentsOf: UnsafeBufferPointer(start: chunk, count: Self.chunkSize - Int(stream.pointee.avail_out)))
        return status
    }
}
