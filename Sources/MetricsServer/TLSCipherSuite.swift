/// A TLS 1.0–1.2 cipher suite, by the name Go's crypto/tls (and so exporter-toolkit's `cipher_suites`) uses.
///
/// GnuTLS does not enable suites one by one but by key exchange, cipher and MAC; `TLSCipherPriorities` turns a
/// list of suites into those three lists and refuses a list whose combinations would enable more suites than
/// it names. TLS 1.3 suites (`TLS_AES_128_GCM_SHA256`, ...) are accepted and, as in Go, not configurable.
public enum TLSCipherSuite: String, Sendable, CaseIterable {
    case rsaWith3DESEDECBCSHA = "TLS_RSA_WITH_3DES_EDE_CBC_SHA"
    case rsaWithAES128CBCSHA = "TLS_RSA_WITH_AES_128_CBC_SHA"
    case rsaWithAES256CBCSHA = "TLS_RSA_WITH_AES_256_CBC_SHA"
    case rsaWithAES128CBCSHA256 = "TLS_RSA_WITH_AES_128_CBC_SHA256"
    case rsaWithAES128GCMSHA256 = "TLS_RSA_WITH_AES_128_GCM_SHA256"
    case rsaWithAES256GCMSHA384 = "TLS_RSA_WITH_AES_256_GCM_SHA384"
    case ecdheRSAWith3DESEDECBCSHA = "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"
    case ecdheECDSAWithAES128CBCSHA = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"
    case ecdheECDSAWithAES256CBCSHA = "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"
    case ecdheRSAWithAES128CBCSHA = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"
    case ecdheRSAWithAES256CBCSHA = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"
    case ecdheECDSAWithAES128CBCSHA256 = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"
    case ecdheRSAWithAES128CBCSHA256 = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"
    case ecdheECDSAWithAES128GCMSHA256 = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
    case ecdheECDSAWithAES256GCMSHA384 = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
    case ecdheRSAWithAES128GCMSHA256 = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    case ecdheRSAWithAES256GCMSHA384 = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
    case ecdheRSAWithChaCha20Poly1305SHA256 = "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
    case ecdheECDSAWithChaCha20Poly1305SHA256 = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
    case tls13AES128GCMSHA256 = "TLS_AES_128_GCM_SHA256"
    case tls13AES256GCMSHA384 = "TLS_AES_256_GCM_SHA384"
    case tls13ChaCha20Poly1305SHA256 = "TLS_CHACHA20_POLY1305_SHA256"

    /// The suite for a Go name; nil for names Go does not know and for RC4 suites, which GnuTLS no longer has.
    public init?(goName: String) { self.init(rawValue: goName) }

    /// GnuTLS's key exchange, cipher and MAC for a TLS 1.0–1.2 suite; nil for TLS 1.3 suites.
    public var gnutlsParts: (keyExchange: String, cipher: String, mac: String)? {
        switch self {
        case .rsaWith3DESEDECBCSHA: ("RSA", "3DES-CBC", "SHA1")
        case .rsaWithAES128CBCSHA: ("RSA", "AES-128-CBC", "SHA1")
        case .rsaWithAES256CBCSHA: ("RSA", "AES-256-CBC", "SHA1")
        case .rsaWithAES128CBCSHA256: ("RSA", "AES-128-CBC", "SHA256")
        case .rsaWithAES128GCMSHA256: ("RSA", "AES-128-GCM", "AEAD")
        case .rsaWithAES256GCMSHA384: ("RSA", "AES-256-GCM", "AEAD")
        case .ecdheRSAWith3DESEDECBCSHA: ("ECDHE-RSA", "3DES-CBC", "SHA1")
        case .ecdheECDSAWithAES128CBCSHA: ("ECDHE-ECDSA", "AES-128-CBC", "SHA1")
        case .ecdheECDSAWithAES256CBCSHA: ("ECDHE-ECDSA", "AES-256-CBC", "SHA1")
        case .ecdheRSAWithAES128CBCSHA: ("ECDHE-RSA", "AES-128-CBC", "SHA1")
        case .ecdheRSAWithAES256CBCSHA: ("ECDHE-RSA", "AES-256-CBC", "SHA1")
        case .ecdheECDSAWithAES128CBCSHA256: ("ECDHE-ECDSA", "AES-128-CBC", "SHA256")
        case .ecdheRSAWithAES128CBCSHA256: ("ECDHE-RSA", "AES-128-CBC", "SHA256")
        case .ecdheECDSAWithAES128GCMSHA256: ("ECDHE-ECDSA", "AES-128-GCM", "AEAD")
        case .ecdheECDSAWithAES256GCMSHA384: ("ECDHE-ECDSA", "AES-256-GCM", "AEAD")
        case .ecdheRSAWithAES128GCMSHA256: ("ECDHE-RSA", "AES-128-GCM", "AEAD")
        case .ecdheRSAWithAES256GCMSHA384: ("ECDHE-RSA", "AES-256-GCM", "AEAD")
        case .ecdheRSAWithChaCha20Poly1305SHA256: ("ECDHE-RSA", "CHACHA20-POLY1305", "AEAD")
        case .ecdheECDSAWithChaCha20Poly1305SHA256: ("ECDHE-ECDSA", "CHACHA20-POLY1305", "AEAD")
        case .tls13AES128GCMSHA256, .tls13AES256GCMSHA384, .tls13ChaCha20Poly1305SHA256: nil
        }
    }

    /// Whether the key exchange is static RSA, which has no forward secrecy (Go lists these as insecure).
    public var isForwardSecret: Bool { gnutlsParts?.keyExchange != "RSA" }
}

/// An elliptic curve or group for key exchange, by the name exporter-toolkit's `curve_preferences` uses.
public enum TLSCurve: String, Sendable, CaseIterable {
    case p256 = "CurveP256"
    case p384 = "CurveP384"
    case p521 = "CurveP521"
    case x25519 = "X25519"

    /// The curve for an exporter-toolkit name; nil for unknown names and for X25519MLKEM768, which this GnuTLS
    /// does not have.
    public init?(goName: String) { self.init(rawValue: goName) }

    var gnutlsName: String {
        switch self {
        case .p256: "GROUP-SECP256R1"
        case .p384: "GROUP-SECP384R1"
        case .p521: "GROUP-SECP521R1"
        case .x25519: "GROUP-X25519"
        }
    }
}
