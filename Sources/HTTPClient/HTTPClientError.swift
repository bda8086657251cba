import CCurl

/// A transport failure: the request produced no HTTP response.
///
/// Equality compares only the kind of failure (and the limit for `bodyTooLarge`), so
/// `error == .timeout` works whatever the URL or curl detail.
public struct HTTPClientError: Error, CustomStringConvertible, Equatable {
    private enum Code: Equatable {
        case initializationFailed
        case invalidURL
        case invalidRequest
        case nameResolutionFailed
        case connectionFailed
        case timeout
        case tlsFailed
        case tooManyRedirects
        case bodyTooLarge(limit: Int)
        case transport(curlCode: Int)
        case multiFailed
    }

    private let code: Code
    /// The request method, or empty when the error is not tied to a request.
    public let method: String
    /// The request URL, with any password removed.
    public let url: String
    /// curl's description of its result code, e.g. "Couldn't connect to server".
    public let message: String
    /// curl's per-transfer detail (its error buffer), e.g. "Failed to connect to 127.0.0.1 port 9 ...".
    public let detail: String

    private init(code: Code, method: String = "", url: String = "", message: String = "", detail: String = "") {
        self.code = code
        self.method = method
        self.url = Self.withoutPassword(url)
        self.message = message
        self.detail = detail
    }

    public static let initializationFailed = HTTPClientError(code: .initializationFailed)
    public static let invalidURL = HTTPClientError(code: .invalidURL)
    public static let invalidRequest = HTTPClientError(code: .invalidRequest)
    public static let nameResolutionFailed = HTTPClientError(code: .nameResolutionFailed)
    public static let connectionFailed = HTTPClientError(code: .connectionFailed)
    public static let timeout = HTTPClientError(code: .timeout)
    public static let tlsFailed = HTTPClientError(code: .tlsFailed)
    public static let tooManyRedirects = HTTPClientError(code: .tooManyRedirects)
    /// curl's multi interface failed while driving several transfers at once.
    public static let multiFailed = HTTPClientError(code: .multiFailed)

    public static func bodyTooLarge(limit: Int) -> HTTPClientError {
        HTTPClientError(code: .bodyTooLarge(limit: limit))
    }

    public var isTimeout: Bool { code == .timeout }
    /// True when the host was resolved but nothing accepted the connection.
    public var isConnectionFailed: Bool { code == .connectionFailed }
    public var isNameResolutionFailed: Bool { code == .nameResolutionFailed }
    public var isBodyTooLarge: Bool {
        if case .bodyTooLarge = code { return true }
        return false
    }
    public var isInvalidURL: Bool { code == .invalidURL }

    public static func == (lhs: HTTPClientError, rhs: HTTPClientError) -> Bool {
        lhs.code == rhs.code
    }

    /// One line for a log, e.g. `GET http://127.0.0.1:9/x: connection failed: Couldn't connect to server (...)`.
    public var description: String {
        var text = method.isEmpty ? url : "\(method) \(url)"
        text += text.isEmpty ? summary : ": \(summary)"
        if !message.isEmpty && message != detail {
            text += ": \(message)"
        }
        if !detail.isEmpty {
            text += " (\(detail))"
        }
        return text
    }

    private var summary: String {
        switch code {
        case .initializationFailed: "cannot initialise curl"
        case .invalidURL: "invalid URL"
        case .invalidRequest: "invalid request"
        case .nameResolutionFailed: "cannot resolve host"
        case .connectionFailed: "connection failed"
        case .timeout: "timed out"
        case .tlsFailed: "TLS failed"
        case .tooManyRedirects: "too many redirects"
        case .bodyTooLarge(let limit): "response body larger than \(limit) bytes"
        case .transport(let curlCode): "transfer failed (curl code \(curlCode))"
        case .multiFailed: "concurrent transfer failed"
        }
    }

    // Errors end up in logs, so credentials in `user:password@host` URLs must not.
    private static func withoutPassword(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let authorityEnd =
            url[schemeEnd.upperBound...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        let authority = url[schemeEnd.upperBound..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}

extension HTTPClientError {
    /// Builds the error for a request from curl's result code and error-buffer text.
    init(curlCode: CURLcode, request: HTTPRequest, detail: String) {
        let code: Code
        switch curlCode {
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            code = .invalidURL
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            code = .nameResolutionFailed
        case CURLE_COULDNT_CONNECT:
            code = .connectionFailed
        case CURLE_OPERATION_TIMEDOUT:
            code = .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE:
            code = .tlsFailed
        case CURLE_TOO_MANY_REDIRECTS:
            code = .tooManyRedirects
        case CURLE_FILESIZE_EXCEEDED:
            code = .bodyTooLarge(limit: request.maxBodyBytes)
        case CURLE_FAILED_INIT, CURLE_OUT_OF_MEMORY:
            code = .initializationFailed
        default:
            code = .transport(curlCode: Int(curlCode.rawValue))
        }
        self.init(
            code: code, method: request.method.rawValue, url: request.url,
            message: String(cString: curl_easy_strerror(curlCode)), detail: detail)
    }

    /// Builds an error detected by this module rather than by curl.
    static func local(_ base: HTTPClientError, request: HTTPRequest, detail: String) -> HTTPClientError {
        HTTPClientError(code: base.code, method: request.method.rawValue, url: request.url, detail: detail)
    }

    /// Builds an error that is not tied to one request, such as a failed global initialisation.
    static func local(_ base: HTTPClientError, detail: String) -> HTTPClientError {
        HTTPClientError(code: base.code, detail: detail)
    }
}
