/// TLS settings for `MetricsServer`, already read from their files: libmicrohttpd takes PEM text, not paths.
public struct ServerTLS: Sendable, Equatable {
    /// Protocol versions, in the names of the exporter-toolkit web configuration.
    public enum Version: String, Sendable, CaseIterable, Comparable {
        case tls10 = "TLS10"
        case tls11 = "TLS11"
        case tls12 = "TLS12"
        case tls13 = "TLS13"

        /// The GnuTLS priority keyword for this version.
        var gnutlsName: String {
            switch self {
            case .tls10: "VERS-TLS1.0"
            case .tls11: "VERS-TLS1.1"
            case .tls12: "VERS-TLS1.2"
            case .tls13: "VERS-TLS1.3"
            }
        }

        public static func < (lhs: Version, rhs: Version) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// What is asked of the client's certificate, with the exporter-toolkit's names.
    public enum ClientAuthentication: String, Sendable, CaseIterable {
        case noClientCert = "NoClientCert"
        case requestClientCert = "RequestClientCert"
        case requireAnyClientCert = "RequireAnyClientCert"
        case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
        case requireAndVerifyClientCert = "RequireAndVerifyClientCert"

        /// Whether a request without a client certificate is refused.
        var requiresCertificate: Bool { self == .requireAnyClientCert || self == .requireAndVerifyClientCert }
        /// Whether a presented certificate must chain to a trusted client CA.
        var verifiesCertificate: Bool { self == .verifyClientCertIfGiven || self == .requireAndVerifyClientCert }
    }

    public var certificatePEM: String
    public var privateKeyPEM: String
    /// CA certificates that client certificates are checked against.
    public var clientCAPEM: String?
    public var clientAuthentication: ClientAuthentication
    public var minVersion: Version
    public var maxVersion: Version
    /// Whether the server's cipher order wins over the client's.
    public var preferServerCipherSuites: Bool
    /// TLS 1.0–1.2 suites to allow, most preferred first; nil for GnuTLS's secure defaults without static-RSA
    /// key exchange (which has no forward secrecy). TLS 1.3 uses the listed AEAD ciphers.
    public var cipherSuites: [TLSCipherSuite]?
    /// Key exchange curves, most preferred first; nil for GnuTLS's defaults.
    public var curvePreferences: [TLSCurve]?
    /// The files the certificate and key were read from; when both are given, the server re-reads them when
    /// they change (checked every second) and uses the new pair from the next handshake on.
    public var certificateFile: String?
    public var privateKeyFile: String?

    public init(
        certificatePEM: String,
        privateKeyPEM: String,
        clientCAPEM: String? = nil,
        clientAuthentication: ClientAuthentication = .noClientCert,
        minVersion: Version = .tls12,
        maxVersion: Version = .tls13,
        preferServerCipherSuites: Bool = true,
        cipherSuites: [TLSCipherSuite]? = nil,
        curvePreferences: [TLSCurve]? = nil,
        certificateFile: String? = nil,
        privateKeyFile: String? = nil
    ) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.clientCAPEM = clientCAPEM
        self.clientAuthentication = clientAuthentication
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.preferServerCipherSuites = preferServerCipherSuites
        self.cipherSuites = cipherSuites
        self.curvePreferences = curvePreferences
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
    }

    /// The GnuTLS priority string: the system's secure defaults restricted to the configured versions, suites
    /// and curves.
    ///
    /// - Throws: `MetricsServerError.invalidTLS` when `cipherSuites` cannot be enforced exactly (see
    ///   `TLSCipherSuite`) or `curvePreferences` is empty.
    public var priorities: String {
        get throws(MetricsServerError) {
            var parts = ["SECURE128", "-VERS-ALL"]
            // Highest first, as GnuTLS lists preference.
            for version in Version.allCases.reversed() where version >= minVersion && version <= maxVersion {
                parts.append("+" + version.gnutlsName)
            }
            if let cipherSuites {
                parts += try TLSCipherPriorities.items(for: cipherSuites)
            } else {
                // Static RSA key exchange: a stolen server key would decrypt every recorded session.
                parts.append("-RSA")
            }
            if let curvePreferences {
                guard !curvePreferences.isEmpty else { throw .invalidTLS("curve_preferences is empty") }
                parts.append("-GROUP-ALL")
                parts += curvePreferences.map { "+" + $0.gnutlsName }
            }
            if preferServerCipherSuites { parts.append("%SERVER_PRECEDENCE") }
            return parts.joined(separator: ":")
        }
    }

    /// Whether a client certificate check of `outcome` lets the request through.
    func admits(_ outcome: ClientCertificateOutcome) -> Bool {
        switch outcome {
        case .notTLS: false
        case .none: !clientAuthentication.requiresCertificate
        case .verified: true
        case .invalid: !clientAuthentication.verifiesCertificate
        }
    }
}

/// What a client presented during the TLS handshake.
enum ClientCertificateOutcome: Sendable {
    case notTLS
    case none
    case verified
    case invalid
}
