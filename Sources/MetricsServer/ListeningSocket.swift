#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Opens the listening socket that libmicrohttpd is then given.
///
/// Binding here rather than inside libmicrohttpd gives the caller the exact errno (address in
/// use, permission denied) instead of a bare start-up failure, without a bind-then-retry race.
enum ListeningSocket {
    /// A bound, listening, close-on-exec socket and the port it ended up on.
    struct Opened {
        let descriptor: Int32
        let address: ListenAddress
    }

    static func open(_ address: ListenAddress) throws(MetricsServerError) -> Opened {
        guard address.host == nil else {
            return try bindAndListen(address, ipv6: address.isIPv6, host: address.host)
        }
        do {
            return try bindAndListen(address, ipv6: true, host: "::")
        } catch  where error.errno == EAFNOSUPPORT {
            // Hosts without IPv6 (some containers) still get every IPv4 interface.
            return try bindAndListen(address, ipv6: false, host: "0.0.0.0")
        }
    }

    private static func bindAndListen(
        _ address: ListenAddress, ipv6: Bool, host: String?
    ) throws(MetricsServerError)
        -> Opened
    {
        let family = ipv6 ? AF_INET6 : AF_INET
        #if canImport(Glibc)
            let type = Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue)
        #else
            let type = SOCK_STREAM | SOCK_CLOEXEC
        #endif
        let descriptor = socket(family, type, 0)
        guard descriptor >= 0 else {
            throw .cannotListen(address, call: "socket", errno: errno)
        }
        func fail(_ call: String) -> MetricsServerError {
            let number = errno
            close(descriptor)
            return .cannotListen(address, call: call, errno: number)
        }

        var one: Int32 = 1
        // Lets a restarted exporter bind while old connections sit in TIME_WAIT.
        guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw fail("setsockopt(SO_REUSEADDR)")
        }

        let bound: Int32
        if ipv6 {
            var zero: Int32 = 0
            // Accept IPv4 clients too on "::", whatever the system's bindv6only default.
            guard
                setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size))
                    == 0
            else { throw fail("setsockopt(IPV6_V6ONLY)") }
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = address.port.bigEndian
            guard inet_pton(AF_INET6, host ?? "::", &socketAddress.sin6_addr) == 1 else { throw fail("inet_pton") }
            bound = withUnsafePointer(to: &socketAddress) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = address.port.bigEndian
            guard inet_pton(AF_INET, host ?? "0.0.0.0", &socketAddress.sin_addr) == 1 else { throw fail("inet_pton") }
            bound = withUnsafePointer(to: &socketAddress) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard bound == 0 else { throw fail("bind") }
        guard listen(descriptor, SOMAXCONN) == 0 else { throw fail("listen") }

        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw fail("getsockname") }
        // sin_port and sin6_port sit at the same offset, right after the family.
        let port = withUnsafeBytes(of: &storage) { bytes in
            UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: MemoryLayout<sa_family_t>.size, as: UInt16.self))
        }
        return Opened(descriptor: descriptor, address: address.withPort(port))
    }
}
