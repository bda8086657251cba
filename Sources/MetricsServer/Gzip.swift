/// gzip compression (RFC 1952) of whole buffers, for `Content-Encoding: gzip` responses.
public enum Gzip {
    /// Compresses `bytes` into a complete gzip member.
    ///
    /// - Parameter level: zlib level from 0 (store) to 9 (smallest), or -1 for zlib's default;
    ///   values outside that range are clamped. 6 is zlib's usual speed/size balance.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        let stream = GzipStream(level: level, expectedInputBytes: bytes.count)
        stream.append(bytes)
        return stream.finish()
    }
}
