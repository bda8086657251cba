import MetricsServer
import Testing

@Suite struct ListenAddressTests {
    @Test(
        arguments: [
            (":9100", nil, 9100, ":9100"),
            ("127.0.0.1:0", "127.0.0.1", 0, "127.0.0.1:0"),
            ("0.0.0.0:9100", "0.0.0.0", 9100, "0.0.0.0:9100"),
            ("localhost:9100", "127.0.0.1", 9100, "127.0.0.1:9100"),
            ("LocalHost:1", "127.0.0.1", 1, "127.0.0.1:1"),
            ("[::1]:9100", "::1", 9100, "[::1]:9100"),
            ("[::]:65535", "::", 65535, "[::]:65535"),
            ("[0:0:0:0:0:0:0:1]:80", "::1", 80, "[::1]:80"),
            ("192.168.1.20:8080", "192.168.1.20", 8080, "192.168.1.20:8080"),
        ] as [(String, String?, UInt16, String)])
    func parsesValidAddresses(text: String, host: String?, port: UInt16, description: String) throws {
        let address = try ListenAddress(parsing: text)

        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.description == description)
        #expect(try ListenAddress(parsing: address.description) == address)
    }

    @Test(arguments: [
        ("", "empty"),
        ("9100", "missing port"),
        ("127.0.0.1", "missing port"),
        ("127.0.0.1:", "port must be a number"),
        (":65536", "port must be a number"),
        (":-1", "port must be a number"),
        (":+80", "port must be a number"),
        (":http", "port must be a number"),
        ("::1:9100", "IPv6 addresses must be in brackets"),
        ("[::1]", "missing \":PORT\""),
        ("[::1:9100", "missing \"]\""),
        ("[127.0.0.1]:80", "is not an IPv6 address"),
        ("example.com:80", "host must be an IP address"),
        ("256.1.1.1:80", "host must be an IP address"),
        (" 127.0.0.1:80", "host must be an IP address"),
    ])
    func rejectsInvalidAddresses(text: String, reason: String) {
        let error = #expect(throws: MetricsServerError.invalidListenAddress) {
            try ListenAddress(parsing: text)
        }
        #expect(error?.description.hasPrefix("invalid listen address \"\(text)\": ") == true)
        #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
    }

    @Test func convenienceAddresses() {
        #expect(ListenAddress.loopback(port: 9100).description == "127.0.0.1:9100")
        #expect(ListenAddress.anyInterface(port: 9100).description == ":9100")
    }
}
