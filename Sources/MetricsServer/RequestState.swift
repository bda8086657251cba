import Synchronization

/// Per-request state kept between libmicrohttpd's calls for one request.
///
/// Only touched from the event thread serving the request's connection, except `pending`, which the handler
/// thread fills.
final class RequestState {
    /// The request target as sent, before libmicrohttpd splits and decodes it.
    let rawTarget: String
    /// Whether the access handler has seen this request once (headers complete).
    var headersSeen = false
    /// Whether the request has been given to a handler thread.
    var dispatched = false
    /// Whether a response has already been queued.
    var responded = false
    var body: [UInt8] = []
    /// Body bytes received so far, stored or not.
    var bodyBytes = 0
    var bodyTooLarge = false
    /// Whether the handler will read the body; when not, it is dropped as it arrives.
    var keepsBody = true
    let pending = PendingResponse()

    init(rawTarget: String) {
        self.rawTarget = rawTarget
    }

    /// The query string from the raw target, without `?` and any fragment.
    var rawQuery: String {
        guard let question = rawTarget.firstIndex(of: "?") else { return "" }
        let query = rawTarget[rawTarget.index(after: question)...]
        return String(query.prefix { $0 != "#" })
    }
}

/// The handler's answer, handed from the handler thread back to the event thread.
final class PendingResponse: Sendable {
    private let response = Mutex<ServerResponse?>(nil)

    func fill(_ answer: ServerResponse) { response.withLock { $0 = answer } }

    func take() -> ServerResponse? {
        response.withLock { value in
            defer { value = nil }
            return value
        }
    }
}
