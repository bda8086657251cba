import CCurl

/// Process-wide libcurl initialisation, performed once on first use.
///
/// `curl_global_init` is not thread-safe, so it runs inside a lazily initialised static, which
/// Swift guarantees to evaluate exactly once even under concurrent first access. curl is never
/// cleaned up: handles may live until the process exits.
enum CurlGlobal {
    private static let result: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// Initialises libcurl if that has not happened yet.
    ///
    /// - Throws: `HTTPClientError.initializationFailed` when the one attempt failed; later calls
    ///   report the same failure.
    static func initialize() throws(HTTPClientError) {
        let code = result
        guard code == CURLE_OK else {
            throw .local(
                .initializationFailed,
                detail: "curl_global_init: \(String(cString: curl_easy_strerror(code)))")
        }
    }
}
