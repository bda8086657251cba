import HTTPClient
import Synchronization

/// Answers HTTP requests from a table in memory: for unit tests of code that fetches, with no socket.
///
/// A URL without an answer gets a 404 response, as a server would give. Every request is recorded in order, so a
/// test can check what was asked (and how often).
public final class InMemoryFetcher: HTTPBatchFetching {
    /// What a URL answers: a response, or a transport failure.
    public enum Answer: Sendable {
        case response(HTTPResponse)
        case failure(HTTPClientError)
    }

    private let answers = Mutex<[String: Answer]>([:])
    private let asked = Mutex<[HTTPRequest]>([])

    public init() {}

    /// Sets what `url` answers from now on.
    public func route(_ url: String, _ answer: Answer) {
        answers.withLock { $0[url] = answer }
    }

    /// Sets a response with `body` and, when given, a `Content-Type` header.
    public func route(_ url: String, status: Int = 200, body: String, contentType: String? = nil) {
        let headers = contentType.map { ["content-type": $0] } ?? [:]
        route(url, .response(HTTPResponse(status: status, headers: headers, body: Array(body.utf8))))
    }

    /// The requests made so far, in order.
    public var requests: [HTTPRequest] { asked.withLock { $0 } }

    public func fetch(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        asked.withLock { $0.append(request) }
        switch answers.withLock({ $0[request.url] }) {
        case .response(let response): return response
        case .failure(let error): throw error
        case nil: return HTTPResponse(status: 404, body: Array("not found\n".utf8))
        }
    }

    public func fetchAll(_ requests: [HTTPRequest], maxConcurrent: Int) -> [Result<HTTPResponse, HTTPClientError>] {
        requests.map { request in
            do throws(HTTPClientError) {
                return .success(try fetch(request))
            } catch {
                return .failure(error)
            }
        }
    }
}
