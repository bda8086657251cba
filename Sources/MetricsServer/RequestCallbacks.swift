import CMicroHTTPD

// libmicrohttpd calls these from its event threads. They are file-level functions, so they
// carry no actor isolation, and reach Swift state only through `cls` and the per-request pointer.

/// Runs once per request, before the headers are parsed; its result becomes the request's state pointer.
func mhdStartRequest(
    _ cls: UnsafeMutableRawPointer?, _ target: UnsafePointer<CChar>?, _ connection: OpaquePointer?
) -> UnsafeMutableRawPointer? {
    let state = RequestState(rawTarget: target.map { String(cString: $0) } ?? "")
    return Unmanaged.passRetained(state).toOpaque()
}

/// Runs when a request ends, answered or not; balances the retain in `mhdStartRequest`.
func mhdFinishRequest(
    _ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?,
    _ requestState: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ reason: MHD_RequestTerminationCode
) {
    if let cls, let connection {
        Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().deadlines.requestFinished(connection)
    }
    guard let requestState, let state = requestState.pointee else { return }
    Unmanaged<RequestState>.fromOpaque(state).release()
    requestState.pointee = nil
}

/// Runs when a connection opens and just before its socket is closed; keeps the header deadlines' register.
func mhdConnectionEvent(
    _ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?,
    _ socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ event: MHD_ConnectionNotificationCode
) {
    guard let cls, let connection else { return }
    let deadlines = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().deadlines
    if event.rawValue == 0 {
        // The TLS handshake callback finds the server through the connection's socket context.
        socketContext?.pointee = cls // MHD_CONNECTION_NOTIFY_STARTED, which Swift does not import by name
        deadlines.connectionOpened(connection, descriptor: cmhd_connection_descriptor(connection))
    } else {
        deadlines.connectionClosed(connection)
    }
}

/// GnuTLS asks for the server certificate at every handshake (gnutls_certificate_retrieve_function2).
func mhdRetrieveCertificate(
    _ session: gnutls_session_t?, _ requestedIssuers: UnsafePointer<gnutls_datum_t>?, _ requestedCount: Int32,
    _ algorithms: UnsafePointer<gnutls_pk_algorithm_t>?, _ algorithmCount: Int32,
    _ certificates: UnsafeMutablePointer<UnsafeMutablePointer<gnutls_pcert_st>?>?,
    _ count: UnsafeMutablePointer<UInt32>?, _ key: UnsafeMutablePointer<gnutls_privkey_t?>?
) -> Int32 {
    guard let session, let certificates, let count, let key, let cls = cmhd_session_socket_context(session),
        let store = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().certificates
    else { return -1 }
    store.handOut(certificates, count, key)
    return 0
}

/// The access handler: called once when the headers are complete, once per chunk of body, and
/// once more with no data, when the response is due.
func mhdHandleRequest(
    _ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?, _ url: UnsafePointer<CChar>?,
    _ method: UnsafePointer<CChar>?, _ version: UnsafePointer<CChar>?, _ uploadData: UnsafePointer<CChar>?,
    _ uploadDataSize: UnsafeMutablePointer<Int>?, _ requestState: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
    guard let cls, let connection, let uploadDataSize, let requestState else { return .NO }
    let server = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    let state: RequestState
    if let existing = requestState.pointee {
        state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()
    } else {
        // mhdStartRequest always runs first; this only guards against a library that skipped it.
        let created = RequestState(rawTarget: url.map { String(cString: $0) } ?? "")
        requestState.pointee = Unmanaged.passRetained(created).toOpaque()
        state = created
    }
    let maxBodyBytes = server.limits.maxBodyBytes

    if !state.headersSeen {
        state.headersSeen = true
        server.deadlines.headersReceived(connection)
        if HeaderDiscipline.fault(in: connectionValues(connection, .HEADER_KIND).map { ($0.0, $0.1) }) != nil {
            state.responded = true
            return queue(.badRequest, on: connection)
        }
        if let tls = server.tls, !tls.admits(clientCertificateOutcome(connection)) {
            state.responded = true
            return queue(.clientCertificateRequired, on: connection)
        }
        // Refusing a declared oversize body now saves reading it; libmicrohttpd then closes the connection.
        if let declared = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length"),
            let length = Int(String(cString: declared)), length > maxBodyBytes
        {
            state.responded = true
            return queue(.payloadTooLarge, on: connection)
        }
        state.keepsBody = server.readsBody(request(on: connection, method: method, url: url, state: state))
        return .YES
    }

    let received = uploadDataSize.pointee
    if received > 0 {
        if !state.bodyTooLarge, let uploadData {
            if received > maxBodyBytes - state.bodyBytes {
                // Chunked bodies have no declared length; keep reading but stop storing.
                state.bodyTooLarge = true
                state.body = []
            } else {
                state.bodyBytes += received
                if state.keepsBody {
                    state.body.append(contentsOf: UnsafeRawBufferPointer(start: uploadData, count: received))
                }
            }
        }
        uploadDataSize.pointee = 0
        return .YES
    }

    guard !state.responded else { return .YES }
    if let answer = state.pending.take() {
        state.responded = true
        return queue(answer, on: connection)
    }
    // libmicrohttpd does not call a suspended connection, and a resumed one finds its answer above; this only
    // keeps a repeated call from running the handler twice.
    guard !state.dispatched else { return .YES }
    if state.bodyTooLarge {
        state.responded = true
        return queue(.payloadTooLarge, on: connection)
    }
    var complete = request(on: connection, method: method, url: url, state: state)
    complete.body = state.body
    state.body = []
    let request = complete
    if let immediate = server.immediate, let answer = immediate(request) {
        state.responded = true
        return queue(answer, on: connection)
    }
    state.dispatched = true
    let suspended = SuspendedConnection(raw: connection)
    let pending = state.pending
    let handler = server.handler
    // The event thread goes back to its other sockets; the handler thread answers and wakes this connection.
    let accepted = server.handlers.submit(
        prepare: { MHD_suspend_connection(connection) },
        job: {
            pending.fill(handler(request))
            MHD_resume_connection(suspended.raw)
        })
    guard accepted else {
        state.responded = true
        return queue(.serviceUnavailable, on: connection)
    }
    return .YES
}

/// A suspended connection, handed to the handler thread that will resume it.
// Unchecked because it is a C pointer; libmicrohttpd allows MHD_resume_connection from any thread, and a
// suspended connection is neither closed nor freed until it is resumed.
private struct SuspendedConnection: @unchecked Sendable {
    let raw: OpaquePointer
}

/// The request as the handler sees it, without its body.
private func request(
    on connection: OpaquePointer, method: UnsafePointer<CChar>?, url: UnsafePointer<CChar>?, state: RequestState
) -> ServerRequest {
    ServerRequest(
        method: method.map { String(cString: $0) } ?? "GET",
        path: url.map { String(cString: $0) } ?? "/",
        query: firstValues(connectionValues(connection, .GET_ARGUMENT_KIND)),
        rawQuery: state.rawQuery,
        headers: joinedHeaders(connectionValues(connection, .HEADER_KIND)))
}

private func queue(_ response: ServerResponse, on connection: OpaquePointer) -> MHD_Result {
    // libmicrohttpd would refuse other codes and drop the connection; a 500 tells the client more.
    guard (100...599).contains(response.status) else {
        return queue(.internalServerError, on: connection)
    }
    let created: OpaquePointer?
    if let streamed = response.streamedBody {
        let box = Unmanaged.passRetained(BodyReader(streamed)).toOpaque()
        created = MHD_create_response_from_callback(
            UInt64(streamed.length), 64 * 1024, mhdReadStreamedBody, box, mhdFreeStreamedBody)
        if created == nil { Unmanaged<BodyReader>.fromOpaque(box).release() }
    } else if response.body.count > streamingThreshold {
        // Large bodies (a fleet's exposition runs to megabytes) are handed out in blocks from the Swift array
        // itself, kept alive by a retained box until libmicrohttpd is done, so there is never a second copy.
        let box = Unmanaged.passRetained(ResponseBody(response.body)).toOpaque()
        created = MHD_create_response_from_callback(
            UInt64(response.body.count), 64 * 1024, mhdReadResponseBody, box, mhdFreeResponseBody)
        if created == nil { Unmanaged<ResponseBody>.fromOpaque(box).release() }
    } else {
        // MUST_COPY: the Swift array's storage is not guaranteed to outlive this call.
        created = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
    }
    guard let created else { return .NO }
    defer { MHD_destroy_response(created) }
    for header in response.headers where header.name.lowercased() != "content-length" {
        guard MHD_add_response_header(created, header.name, header.value) == .YES else {
            // A field with CR/LF or an invalid name; sending the rest would misrepresent the response.
            return queue(.internalServerError, on: connection)
        }
    }
    return MHD_queue_response(connection, UInt32(response.status), created)
}

private func clientCertificateOutcome(_ connection: OpaquePointer) -> ClientCertificateOutcome {
    switch cmhd_client_certificate(connection) {
    case CMHD_CLIENT_CERT_NONE: .none
    case CMHD_CLIENT_CERT_VERIFIED: .verified
    case CMHD_CLIENT_CERT_INVALID: .invalid
    default: .notTLS
    }
}

private func connectionValues(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [(String, String)] {
    var pairs: [(String, String)] = []
    withUnsafeMutablePointer(to: &pairs) { pointer in
        // Returns the number of values, which the collected array already tells.
        _ = MHD_get_connection_values(connection, kind, collectValue, pointer)
    }
    return pairs
}

private func collectValue(
    _ cls: UnsafeMutableRawPointer?, _ kind: MHD_ValueKind, _ key: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?
) -> MHD_Result {
    guard let cls, let key else { return .YES }
    let pairs = cls.assumingMemoryBound(to: [(String, String)].self)
    pairs.pointee.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
    return .YES
}

private func firstValues(_ pairs: [(String, String)]) -> [String: String] {
    var values: [String: String] = [:]
    for (name, value) in pairs where values[name] == nil {
        values[name] = value
    }
    return values
}

private func joinedHeaders(_ pairs: [(String, String)]) -> [String: String] {
    var headers: [String: String] = [:]
    for (name, value) in pairs {
        let key = name.lowercased()
        headers[key] = headers[key].map { $0 + ", " + value } ?? value
    }
    return headers
}

/// Bodies above this size are streamed from the Swift array instead of copied.
private let streamingThreshold = 256 * 1024

/// A response body shared with libmicrohttpd until it has been sent.
private final class ResponseBody {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// Copies the next block of a streamed body into libmicrohttpd's buffer.
private func mhdReadResponseBody(
    _ cls: UnsafeMutableRawPointer?, _ position: UInt64, _ buffer: UnsafeMutablePointer<CChar>?, _ max: Int
) -> Int {
    guard let cls, let buffer else { return Int(MHD_CONTENT_READER_END_WITH_ERROR) }
    let body = Unmanaged<ResponseBody>.fromOpaque(cls).takeUnretainedValue()
    let start = Int(position)
    guard start < body.bytes.count else { return Int(MHD_CONTENT_READER_END_OF_STREAM) }
    let count = min(max, body.bytes.count - start)
    return body.bytes.withUnsafeBytes { bytes in
        guard let base = bytes.baseAddress else { return Int(MHD_CONTENT_READER_END_WITH_ERROR) }
        UnsafeMutableRawPointer(buffer).copyMemory(from: base + start, byteCount: count)
        return count
    }
}

/// Balances the retain taken when the streamed response was created.
private func mhdFreeResponseBody(_ cls: UnsafeMutableRawPointer?) {
    guard let cls else { return }
    Unmanaged<ResponseBody>.fromOpaque(cls).release()
}

/// A streamed body being sent: the block in hand and how far into it the connection has got.
private final class BodyReader {
    private var blocks: any IteratorProtocol<[UInt8]>
    private var block: [UInt8] = []
    private var offset = 0
    private var remaining: Int

    init(_ body: StreamedBody) {
        blocks = body.blocks()
        remaining = body.length
    }

    /// Copies up to `max` bytes into `buffer`; 0 once the blocks are exhausted. libmicrohttpd reads a callback
    /// body in order, so the position it passes is not needed.
    func read(into buffer: UnsafeMutableRawPointer, max: Int) -> Int {
        while offset == block.count {
            guard let next = blocks.next() else { return 0 }
            block = next
            offset = 0
        }
        let count = min(max, block.count - offset, remaining)
        block.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { buffer.copyMemory(from: base + offset, byteCount: count) }
        }
        offset += count
        remaining -= count
        return count
    }
}

/// Copies the next part of a body produced while it is sent into libmicrohttpd's buffer.
private func mhdReadStreamedBody(
    _ cls: UnsafeMutableRawPointer?, _ position: UInt64, _ buffer: UnsafeMutablePointer<CChar>?, _ max: Int
) -> Int {
    guard let cls, let buffer else { return Int(MHD_CONTENT_READER_END_WITH_ERROR) }
    let count = Unmanaged<BodyReader>.fromOpaque(cls).takeUnretainedValue().read(
        into: UnsafeMutableRawPointer(buffer), max: max)
    // Blocks that end short of the declared length would leave the client waiting for the rest.
    return count > 0 ? count : Int(MHD_CONTENT_READER_END_WITH_ERROR)
}

/// Balances the retain taken when the streamed response was created.
private func mhdFreeStreamedBody(_ cls: UnsafeMutableRawPointer?) {
    guard let cls else { return }
    Unmanaged<BodyReader>.fromOpaque(cls).release()
}
