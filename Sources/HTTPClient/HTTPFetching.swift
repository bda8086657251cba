/// Something that performs HTTP requests: the real curl client, or a stub in tests.
///
/// Implementations block the calling thread until the transfer ends and may be called from any
/// thread concurrently. A non-2xx status is a response, not an error; only transport problems throw.
public protocol HTTPFetching: Sendable {
    func fetch(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse
}
