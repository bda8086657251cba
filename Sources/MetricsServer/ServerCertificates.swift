import CMicroHTTPD
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The server's certificate chain and key, handed to GnuTLS at every handshake, and re-read from their files
/// when these change, so a certificate rotates without a restart (as exporter-toolkit reads them per handshake).
///
/// A pair that fails to load (a half-written rotation, a key for another certificate) leaves the previous one
/// in use and is tried again at the next change. Replaced credentials are kept until the server is freed:
/// a handshake in progress may still point into them.
// Unchecked because it holds C pointers, all reached under the mutex.
final class ServerCertificates: @unchecked Sendable {
    private struct State {
        var current: Credentials
        var retired: [Credentials] = []
        var signature: [FileSignature?]
        var reloads = 0
        var failures = 0
        var lastFailure: String?
    }

    /// The certificate and key files watched, or nil when the PEM was given without files.
    let files: (certificate: String, key: String)?
    private let state: Mutex<State>

    init(_ tls: ServerTLS) throws(MetricsServerError) {
        guard let credentials = cmhd_credentials_load(tls.certificatePEM, tls.privateKeyPEM) else {
            throw .invalidTLS("the certificate and key are not valid PEM, or the key is not the certificate's")
        }
        if let certificate = tls.certificateFile, let key = tls.privateKeyFile {
            files = (certificate, key)
        } else {
            files = nil
        }
        let signature = files.map { [FileSignature(path: $0.certificate), FileSignature(path: $0.key)] } ?? []
        state = Mutex(State(current: Credentials(raw: credentials), signature: signature))
    }

    deinit {
        state.withLock { state in
            cmhd_credentials_free(state.current.raw)
            for old in state.retired { cmhd_credentials_free(old.raw) }
        }
    }

    /// Rotations taken up so far.
    var reloads: Int { state.withLock { $0.reloads } }
    /// Changed files that could not be loaded so far, and why the last one failed.
    var failures: (count: Int, last: String?) { state.withLock { ($0.failures, $0.lastFailure) } }

    /// Fills GnuTLS's out-parameters with the credentials in force.
    func handOut(
        _ certificates: UnsafeMutablePointer<UnsafeMutablePointer<gnutls_pcert_st>?>,
        _ count: UnsafeMutablePointer<UInt32>, _ key: UnsafeMutablePointer<gnutls_privkey_t?>
    ) {
        // Outside the lock: credentials are never freed before the server, so the pointer stays good.
        let current = state.withLock { $0.current }
        cmhd_credentials_hand_out(current.raw, certificates, count, key)
    }

    /// Loads the files again when either has changed since last seen.
    func reloadIfChanged() {
        guard let files else { return }
        let signature = [FileSignature(path: files.certificate), FileSignature(path: files.key)]
        guard signature != state.withLock({ $0.signature }) else { return }
        let loaded: Credentials?
        if let certificate = readSmallFile(files.certificate), let key = readSmallFile(files.key) {
            loaded = cmhd_credentials_load(certificate, key).map(Credentials.init)
        } else {
            loaded = nil
        }
        state.withLock { state in
            state.signature = signature
            guard let loaded else {
                state.failures += 1
                state.lastFailure =
                    "\(files.certificate) and \(files.key): unreadable, not PEM, or the key is not the certificate's"
                return
            }
            state.retired.append(state.current)
            state.current = loaded
            state.reloads += 1
        }
    }
}

/// One loaded certificate chain and key.
// Unchecked because it is a C pointer; the credentials are immutable once loaded.
private struct Credentials: @unchecked Sendable {
    let raw: UnsafeMutablePointer<cmhd_credentials>
}

/// What identifies one version of a file: device, inode, size and modification time (a rename into place
/// changes the inode, an overwrite the time or size).
struct FileSignature: Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedSeconds = info.st_mtim.tv_sec
        modifiedNanoseconds = info.st_mtim.tv_nsec
    }
}

/// A file's text, or nil when it cannot be read or exceeds 1 MiB (no certificate chain is that long).
private func readSmallFile(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16 << 10)
    while true {
        let count = read(descriptor, &buffer, buffer.count)
        if count < 0 { return nil }
        if count == 0 { break }
        bytes.append(contentsOf: buffer[..<count])
        if bytes.count > 1 << 20 { return nil }
    }
    defer { for index in bytes.indices { bytes[index] = 0 } }
    return String(decoding: bytes, as: UTF8.self)
}
