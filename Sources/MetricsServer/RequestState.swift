/// Per-request state kept between libmicrohttpd's calls for one request.
///
/// Only touched from the thread of the connection the request arrived on.
final class RequestState {
    /// The request target as sent, before libmicrohttpd splits and decodes it.
    let rawTarget: String
    /// Whether the access handler has seen this request once (headers complete).
    var headersSeen = false
    /// Whether a response has already been queued.
    var responded = false
    var body: [UInt8] = []
    var bodyTooLarge = false

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
