#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Where the server listens: an IP address (or every interface) and a TCP port.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The IP address in canonical text form, or `nil` for every interface, IPv6 and IPv4 alike.
    public let host: String?
    /// The TCP port; 0 lets the system choose a free one.
    public let port: UInt16

    private init(host: String?, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// 127.0.0.1 on `port`.
    public static func loopback(port: UInt16) -> ListenAddress {
        ListenAddress(host: "127.0.0.1", port: port)
    }

    /// Every interface on `port`, IPv6 and IPv4 where the host has both.
    public static func anyInterface(port: UInt16) -> ListenAddress {
        ListenAddress(host: nil, port: port)
    }

    /// Parses `HOST:PORT`, `:PORT`, `[IPv6]:PORT` or `localhost:PORT`.
    ///
    /// HOST must be an IP literal or `localhost` (taken as 127.0.0.1): names are not resolved, so
    /// the address bound never depends on DNS at start-up.
    /// - Throws: `MetricsServerError.invalidListenAddress` saying what is wrong.
    public init(parsing text: String) throws(MetricsServerError) {
        func invalid(_ reason: String) -> MetricsServerError { .invalidListenAddress(text, reason) }
        let usage = "expected HOST:PORT, :PORT or [IPv6]:PORT"
        guard !text.isEmpty else { throw invalid("empty; \(usage)") }

        let hostText: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid("missing \"]\" after the IPv6 address") }
            hostText = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.first == ":" else { throw invalid("missing \":PORT\" after \"]\"") }
            portText = rest.dropFirst()
            guard Self.canonical(String(hostText), family: AF_INET6) != nil else {
                throw invalid("\"\(hostText)\" is not an IPv6 address")
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw invalid("missing port; \(usage)") }
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
            if hostText.contains(":") {
                throw invalid("IPv6 addresses must be in brackets, as in [::1]:9100")
            }
        }

        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = UInt16(portText) else {
            throw invalid("port must be a number from 0 to 65535")
        }

        if text.hasPrefix("[") {
            self.init(host: Self.canonical(String(hostText), family: AF_INET6), port: port)
        } else if hostText.isEmpty {
            self.init(host: nil, port: port)
        } else if hostText.lowercased() == "localhost" {
            self.init(host: "127.0.0.1", port: port)
        } else if let ipv4 = Self.canonical(String(hostText), family: AF_INET) {
            self.init(host: ipv4, port: port)
        } else {
            throw invalid("host must be an IP address, \"localhost\", or empty for every interface")
        }
    }

    /// `:9100`, `127.0.0.1:9100` or `[::1]:9100`.
    public var description: String {
        guard let host else { return ":\(port)" }
        return isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    var isIPv6: Bool { host?.contains(":") ?? false }

    /// The same address with another port, for reporting the port the system chose.
    func withPort(_ port: UInt16) -> ListenAddress {
        ListenAddress(host: host, port: port)
    }

    /// The address in `inet_ntop` form, or `nil` if `text` is not an address of `family`.
    private static func canonical(_ text: String, family: Int32) -> String? {
        var address = in6_addr() // large enough for either family
        guard inet_pton(family, text, &address) == 1 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, &address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
