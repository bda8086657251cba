/// Turns a cipher suite list into the key exchange, cipher and MAC parts of a GnuTLS priority string.
enum TLSCipherPriorities {
    /// Priority-string items enabling exactly `suites` (for TLS 1.2 and below), in their order of preference.
    ///
    /// - Throws: `MetricsServerError.invalidTLS` when the list names no TLS 1.2 suite, or when GnuTLS's
    ///   key exchange × cipher × MAC combinations would enable a suite the list leaves out (naming them, so the
    ///   operator can add them or drop the one that brings them in).
    static func items(for suites: [TLSCipherSuite]) throws(MetricsServerError) -> [String] {
        let parts = suites.compactMap(\.gnutlsParts)
        guard !parts.isEmpty else {
            throw .invalidTLS("cipher_suites names no TLS 1.2 suite; TLS 1.3 suites are always enabled and not chosen")
        }
        let keyExchanges = ordered(parts.map(\.keyExchange))
        let ciphers = ordered(parts.map(\.cipher))
        let macs = ordered(parts.map(\.mac))
        let listed = Set(suites)
        let extra = TLSCipherSuite.allCases.filter { suite in
            guard let part = suite.gnutlsParts, !listed.contains(suite) else { return false }
            return keyExchanges.contains(part.keyExchange) && ciphers.contains(part.cipher) && macs.contains(part.mac)
        }
        guard extra.isEmpty else {
            throw .invalidTLS(
                "cipher_suites cannot be enforced as listed: GnuTLS enables suites by key exchange, cipher and MAC, "
                    + "so this list would also enable \(extra.map(\.rawValue).joined(separator: ", ")); "
                    + "add them to the list or remove the suites that bring them in")
        }
        return ["-KX-ALL"] + keyExchanges.map { "+" + $0 } + ["-CIPHER-ALL"] + ciphers.map { "+" + $0 }
            + ["-MAC-ALL"] + macs.map { "+" + $0 }
    }

    /// The names once each, in order of first appearance.
    private static func ordered(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }
}
