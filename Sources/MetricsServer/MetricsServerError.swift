#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Why the server could not be configured or started.
///
/// Equality compares only the kind of failure, so `error == .cannotListen` works whatever the address.
public struct MetricsServerError: Error, CustomStringConvertible, Equatable {
    private enum Code: Equatable {
        case invalidListenAddress
        case cannotListen
        case startFailed
        case invalidTLS
    }

    private let code: Code
    /// The listen address as given or as parsed.
    public let address: String
    /// What went wrong, for people.
    public let reason: String
    /// The operating system's error number, when a system call failed.
    public let errno: Int32?

    private init(code: Code, address: String = "", reason: String = "", errno: Int32? = nil) {
        self.code = code
        self.address = address
        self.reason = reason
        self.errno = errno
    }

    public static let invalidListenAddress = MetricsServerError(code: .invalidListenAddress)
    public static let cannotListen = MetricsServerError(code: .cannotListen)
    public static let startFailed = MetricsServerError(code: .startFailed)
    public static let invalidTLS = MetricsServerError(code: .invalidTLS)

    public var isAddressInUse: Bool { code == .cannotListen && errno == EADDRINUSE }

    public static func == (lhs: MetricsServerError, rhs: MetricsServerError) -> Bool {
        lhs.code == rhs.code
    }

    /// One line for a log, e.g. `cannot listen on 127.0.0.1:9100: address already in use (errno 98)`.
    public var description: String {
        let suffix = errno.map { " (errno \($0))" } ?? ""
        switch code {
        case .invalidListenAddress:
            return "invalid listen address \"\(address)\": \(reason)"
        case .cannotListen:
            return "cannot listen on \(address): \(reason)\(suffix)"
        case .startFailed:
            return "cannot start HTTP server on \(address): \(reason)\(suffix)"
        case .invalidTLS:
            return "invalid TLS settings: \(reason)"
        }
    }

    static func invalidListenAddress(_ text: String, _ reason: String) -> MetricsServerError {
        MetricsServerError(code: .invalidListenAddress, address: text, reason: reason)
    }

    /// A failed system call while opening the listening socket.
    static func cannotListen(_ address: ListenAddress, call: String, errno number: Int32) -> MetricsServerError {
        MetricsServerError(
            code: .cannotListen, address: address.description, reason: explain(call, number), errno: number)
    }

    /// TLS settings that cannot be given to GnuTLS as they are.
    static func invalidTLS(_ reason: String) -> MetricsServerError {
        MetricsServerError(code: .invalidTLS, reason: reason)
    }

    static func startFailed(_ address: ListenAddress, _ reason: String) -> MetricsServerError {
        MetricsServerError(code: .startFailed, address: address.description, reason: reason)
    }

    private static func explain(_ call: String, _ number: Int32) -> String {
        switch number {
        case EADDRINUSE: return "address already in use"
        case EADDRNOTAVAIL: return "address not available on this host"
        case EACCES: return "permission denied (ports below 1024 need privileges)"
        default:
            // glibc returns static text for known numbers, so no buffer is shared between threads.
            return "\(call): \(String(cString: strerror(number)))"
        }
    }
}
