/// A fetcher that can also run many requests at once, as a cycle of direct scrapes does.
///
/// `fetchAll` blocks until every request has finished and returns one result per request, in the order given;
/// each request keeps its own timeouts and body limit, so one slow target costs only its own timeout.
public protocol HTTPBatchFetching: HTTPFetching {
    func fetchAll(_ requests: [HTTPRequest], maxConcurrent: Int) -> [Result<HTTPResponse, HTTPClientError>]
}
