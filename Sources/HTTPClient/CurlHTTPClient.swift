import CCurl
import Synchronization

/// An `HTTPFetching` client built on libcurl's easy interface.
///
/// Safe to share between threads: each transfer takes an easy handle of its own from a small
/// pool, so a handle is never used by two threads at once, and finished handles go back to the
/// pool so their open connections can be reused by the next request to the same host.
/// Only `http` and `https` URLs are accepted; redirects are not followed unless asked for.
public final class CurlHTTPClient: HTTPBatchFetching {
    /// The `User-Agent` sent with every request.
    public let userAgent: String
    /// How many redirects a request may follow; 0 returns 3xx responses as they are.
    public let maxRedirects: Int
    private let maxIdleHandles: Int
    private let idleHandles = Mutex<[EasyHandle]>([])
    private let multiHandle = Mutex<MultiHandle?>(nil)

    /// Creates a client, initialising libcurl on first use.
    ///
    /// - Parameters:
    ///   - userAgent: For example `footprint_exporter/0.1.0`.
    ///   - maxIdleHandles: Handles (and so connection caches) kept between requests.
    /// - Throws: `HTTPClientError.initializationFailed` when libcurl cannot be initialised.
    public init(userAgent: String, maxRedirects: Int = 0, maxIdleHandles: Int = 4) throws(HTTPClientError) {
        try CurlGlobal.initialize()
        self.userAgent = userAgent
        self.maxRedirects = max(0, maxRedirects)
        self.maxIdleHandles = max(0, maxIdleHandles)
    }

    deinit {
        idleHandles.withLock { handles in
            for handle in handles {
                curl_easy_cleanup(handle.raw)
            }
            handles.removeAll()
        }
    }

    /// Performs `request`, blocking the calling thread until it completes, fails or times out.
    public func fetch(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        let handle = try checkOut(for: request)
        defer { checkIn(handle) }
        let transfer = try CurlTransfer(
            request: request, handle: handle.raw, userAgent: userAgent, maxRedirects: maxRedirects)
        let code = curl_easy_perform(handle.raw)
        let result = transfer.result(code)
        transfer.close()
        return try result.get()
    }

    /// Performs several requests concurrently on the calling thread, at most `maxConcurrent` at a time.
    ///
    /// Each request keeps its own timeouts and body limit. Blocks until every request has finished.
    /// - Returns: One result per request, in the order given.
    public func fetchAll(_ requests: [HTTPRequest], maxConcurrent: Int) -> [Result<HTTPResponse, HTTPClientError>] {
        // Batches run one at a time on the shared multi handle (a multi handle is not thread-safe).
        multiHandle.withLock { box -> [Result<HTTPResponse, HTTPClientError>] in
            if box == nil, let raw = curl_multi_init() {
                // Enough cached connections for every target of a fleet-sized batch.
                _ = ccurl_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, 4096)
                box = MultiHandle(raw)
            }
            guard let multi = box?.raw else {
                return requests.map {
                    .failure(.local(.initializationFailed, request: $0, detail: "curl_multi_init returned NULL"))
                }
            }
            return CurlMulti(client: self, multi: multi).run(requests, maxConcurrent: max(1, maxConcurrent))
        }
    }

    func checkOut(for request: HTTPRequest) throws(HTTPClientError) -> EasyHandle {
        if let handle = idleHandles.withLock({ $0.popLast() }) {
            return handle
        }
        guard let raw = curl_easy_init() else {
            throw .local(.initializationFailed, request: request, detail: "curl_easy_init returned NULL")
        }
        return EasyHandle(raw: raw)
    }

    /// Returns a handle whose transfer has been closed.
    func checkIn(_ handle: EasyHandle) {
        let kept = idleHandles.withLock { handles in
            guard handles.count < maxIdleHandles else { return false }
            handles.append(handle)
            return true
        }
        if !kept {
            curl_easy_cleanup(handle.raw)
        }
    }
}

/// An easy handle owned by the pool or by exactly one transfer at a time.
// Unchecked because curl handles are plain pointers; the pool's check-out/check-in keeps each
// handle on one thread at a time, which is all curl requires.
struct EasyHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
}

/// Owns a curl multi handle; cleaned up with the client.
final class MultiHandle: @unchecked Sendable {
    // @unchecked: only used under the client's mutex, one batch at a time.
    let raw: UnsafeMutableRawPointer

    init(_ raw: UnsafeMutableRawPointer) { self.raw = raw }

    deinit { curl_multi_cleanup(raw) }
}
