import CZlib

/// gzip compression (RFC 1952) of whole buffers, for `Content-Encoding: gzip` responses.
public enum Gzip {
    /// Compresses `bytes` into a complete gzip member.
    ///
    /// - Parameter level: zlib level from 0 (store) to 9 (smallest), or -1 for zlib's default;
    ///   values outside that range are clamped. 6 is zlib's usual speed/size balance.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        // zlib keeps a pointer back to the stream and rejects calls if it moves, so it lives on the heap.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let chunkSize = 64 << 10
        let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer {
            chunk.deallocate()
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        let started = czlib_deflate_init_gzip(stream, min(max(level, -1), 9))
        // With a valid level, deflateInit2 fails only when out of memory, which Swift treats as fatal too.
        precondition(started == Z_OK, "deflateInit2 failed with \(started)")
        defer { deflateEnd(stream) }

        var output: [UInt8] = []
        output.reserveCapacity(Int(deflateBound(stream, UInt(bytes.count))))
        bytes.withUnsafeBufferPointer { input in
            var consumed = 0
            while true {
                if stream.pointee.avail_in == 0 && consumed < input.count {
                    // avail_in is 32 bits wide, so very large inputs go in slices.
                    let slice = min(input.count - consumed, Int(UInt32.max))
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + consumed })
                    stream.pointee.avail_in = UInt32(slice)
                    consumed += slice
                }
                let finishing = consumed == input.count
                stream.pointee.next_out = chunk
                stream.pointee.avail_out = UInt32(chunkSize)
                let status = deflate(stream, finishing ? Z_FINISH : Z_NO_FLUSH)
                precondition(
                    status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR, "deflate failed with \(status)")
                output.append(
                    contentsOf: UnsafeBufferPointer(start: chunk, count: chunkSize - Int(stream.pointee.avail_out)))
                if status == Z_STREAM_END { break }
            }
        }
        return output
    }
}
