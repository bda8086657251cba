import Exposition
import MetricsServer

/// The `/metrics` answer built from an exposition in blocks, so that a large fleet's full text is never held:
/// gzip answers are compressed block by block, and uncompressed ones too large to cache are sent as they are
/// rendered.
enum MetricsResponse {
    /// Bodies shorter than this are sent uncompressed even when gzip is accepted, as `ServerResponse.gzipped`
    /// does: compressing them costs more than it saves.
    static let minimumGzipBytes = 1024

    /// Uncompressed bodies up to this size are held whole, as the cache keeps them; larger ones would not be
    /// reused, so they are streamed.
    static let maximumHeldBytes = ResponseCache.maximumBodyBytes

    static func make(_ blocks: ExpositionBlocks, contentType: String, gzip: Bool) -> ServerResponse {
        var headers = [
            ServerHeader(name: "Content-Type", value: contentType),
            ServerHeader(name: "Vary", value: "Accept-Encoding"),
        ]
        if gzip {
            let (body, compressed) = compressed(blocks)
            if compressed { headers.append(ServerHeader(name: "Content-Encoding", value: "gzip")) }
            return ServerResponse(status: 200, headers: headers, body: body)
        }
        // The first pass learns the length (for Content-Length) and keeps the body if it is small; a large one
        // is rendered again while it is sent.
        var body: [UInt8] = []
        var length = 0
        var holding = true
        for block in blocks {
            length += block.count
            guard holding else { continue }
            body += block
            if body.count > maximumHeldBytes {
                holding = false
                body = []
            }
        }
        guard !holding else { return ServerResponse(status: 200, headers: headers, body: body) }
        return ServerResponse(
            status: 200, headers: headers, streamedBody: StreamedBody(length: length, blocks: { blocks }))
    }

    /// The blocks gzip-compressed, or as they are (and false) when they add up to less than `minimumGzipBytes`.
    private static func compressed(_ blocks: ExpositionBlocks) -> (body: [UInt8], compressed: Bool) {
        var head: [UInt8] = []
        var stream: GzipStream?
        for block in blocks {
            if let stream {
                stream.append(block)
                continue
            }
            head += block
            if head.count >= minimumGzipBytes {
                let started = GzipStream()
                started.append(head)
                head = []
                stream = started
            }
        }
        guard let stream else { return (head, false) }
        return (stream.finish(), true)
    }
}
