import CCurl

/// One request in flight on one easy handle: its options, callbacks and collected response.
///
/// Confined to the thread performing the transfer. `close()` must run before the handle is used
/// again, because the handle points at this object and its buffers until then.
final class CurlTransfer {
    let request: HTTPRequest
    let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var body: [UInt8] = []
    private var headers: [String: String] = [:]
    private var lastHeaderName: String?
    private var bodyTooLarge = false
    private var isClosed = false

    /// Configures `handle` for `request`; the handle must be fresh or reset.
    init(
        request: HTTPRequest, handle: UnsafeMutableRawPointer, userAgent: String, maxRedirects: Int
    )
        throws(HTTPClientError)
    {
        self.request = request
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        do {
            try configure(userAgent: userAgent, maxRedirects: maxRedirects)
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
    }

    /// Detaches the handle from this transfer and frees what curl was pointing at. Idempotent.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        // Reset keeps the handle's connection and DNS caches but drops every pointer into this object.
        curl_easy_reset(handle)
        curl_slist_free_all(headerList)
        headerList = nil
        errorBuffer.deallocate()
    }

    /// Turns curl's result for this transfer into a response or an error.
    func result(_ code: CURLcode) -> Result<HTTPResponse, HTTPClientError> {
        if bodyTooLarge {
            return .failure(
                .local(
                    .bodyTooLarge(limit: request.maxBodyBytes), request: request,
                    detail: "aborted after \(request.maxBodyBytes) bytes"))
        }
        guard code == CURLE_OK else {
            return .failure(HTTPClientError(curlCode: code, request: request, detail: errorDetail))
        }
        var status = 0
        var seconds = 0.0
        let statusCode = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard statusCode == CURLE_OK else {
            return .failure(HTTPClientError(curlCode: statusCode, request: request, detail: "reading the status code"))
        }
        let timeCode = ccurl_getinfo_double(handle, CURLINFO_TOTAL_TIME, &seconds)
        guard timeCode == CURLE_OK else {
            return .failure(HTTPClientError(curlCode: timeCode, request: request, detail: "reading the transfer time"))
        }
        return .success(HTTPResponse(status: status, headers: headers, body: body, durationSeconds: seconds))
    }

    private var errorDetail: String {
        String(cString: errorBuffer).trimmingTrailingNewlines()
    }

    private func configure(userAgent: String, maxRedirects: Int) throws(HTTPClientError) {
        guard !request.url.utf8.contains(0) else {
            throw .local(.invalidURL, request: request, detail: "URL contains a NUL byte")
        }
        let totalMilliseconds = try milliseconds(request.timeoutSeconds, name: "timeout")
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        // Timeouts would otherwise use SIGALRM, which is process-wide and unsafe with threads.
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_TIMEOUT_MS, totalMilliseconds)
        if let connect = request.connectTimeoutSeconds {
            try set(CURLOPT_CONNECTTIMEOUT_MS, try milliseconds(connect, name: "connect timeout"))
        }
        // An empty string offers every encoding curl was built with and decodes the reply.
        try set(CURLOPT_ACCEPT_ENCODING, "")
        try set(CURLOPT_USERAGENT, userAgent)
        if maxRedirects > 0 {
            try set(CURLOPT_FOLLOWLOCATION, 1)
            try set(CURLOPT_MAXREDIRS, maxRedirects)
        } else {
            try set(CURLOPT_FOLLOWLOCATION, 0)
        }

        if let tls = request.tls {
            if let caFile = tls.caFile { try set(CURLOPT_CAINFO, caFile) }
            if let certFile = tls.certFile { try set(CURLOPT_SSLCERT, certFile) }
            if let keyFile = tls.keyFile { try set(CURLOPT_SSLKEY, keyFile) }
            if tls.insecureSkipVerify {
                try set(CURLOPT_SSL_VERIFYPEER, 0)
                try set(CURLOPT_SSL_VERIFYHOST, 0)
            }
        }

        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(ccurl_setopt_write_function(handle, curlReceiveBody), "CURLOPT_WRITEFUNCTION")
        try set(CURLOPT_WRITEDATA, pointer: context)
        try check(ccurl_setopt_header_function(handle, curlReceiveHeader), "CURLOPT_HEADERFUNCTION")
        try set(CURLOPT_HEADERDATA, pointer: context)

        switch request.method {
        case .get:
            try set(CURLOPT_HTTPGET, 1)
        case .head:
            try set(CURLOPT_NOBODY, 1)
        case .post, .put:
            let body = request.body ?? []
            try set(CURLOPT_POST, 1)
            // curl sends a body only with POST; the method line is replaced for PUT.
            if request.method == .put { try set(CURLOPT_CUSTOMREQUEST, "PUT") }
            // The size must precede COPYPOSTFIELDS so bodies containing NUL bytes are sent whole.
            try set(CURLOPT_POSTFIELDSIZE, body.count)
            if body.isEmpty {
                try set(CURLOPT_COPYPOSTFIELDS, "")
            } else {
                // curl copies the bytes during this call, so the pointer need not outlive it.
                let code = body.withUnsafeBytes { bytes in
                    ccurl_setopt_pointer(
                        handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                }
                try check(code, "CURLOPT_COPYPOSTFIELDS")
            }
        }
        try setHeaders()
    }

    private func setHeaders() throws(HTTPClientError) {
        var lines: [String] = []
        for header in request.headers {
            let forbidden: (UInt8) -> Bool = { $0 == 0 || $0 == 13 || $0 == 10 }
            guard !header.name.isEmpty, !header.name.utf8.contains(where: { forbidden($0) || $0 == 58 || $0 == 32 }),
                !header.value.utf8.contains(where: forbidden)
            else {
                throw .local(.invalidRequest, request: request, detail: "invalid header field \"\(header.name)\"")
            }
            // "Name:" would tell curl to remove the header; "Name;" sends it with an empty value.
            lines.append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        if (request.method == .post || request.method == .put)
            && !request.headers.contains(where: { $0.name.lowercased() == "expect" })
        {
            // curl otherwise waits for "100 Continue" before sending larger bodies.
            lines.append("Expect:")
        }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw .local(.initializationFailed, request: request, detail: "curl_slist_append: out of memory")
            }
            headerList = appended
        }
        if let headerList {
            try check(ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "CURLOPT_HTTPHEADER")
        }
    }

    private func milliseconds(_ seconds: Double, name: String) throws(HTTPClientError) -> Int {
        // curl reads 0 as "no limit", so a zero or negative limit must not reach it.
        guard seconds.isFinite, seconds > 0 else {
            throw .local(.invalidRequest, request: request, detail: "\(name) must be a positive number of seconds")
        }
        return Int(min((seconds * 1000).rounded(.up), Double(Int32.max)))
    }

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(ccurl_setopt_long(handle, option, value), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, _ value: String) throws(HTTPClientError) {
        // curl copies string options, so the temporary C string may be freed afterwards.
        try check(ccurl_setopt_string(handle, option, value), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer) throws(HTTPClientError) {
        try check(ccurl_setopt_pointer(handle, option, pointer), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutablePointer<CChar>) throws(HTTPClientError) {
        try set(option, pointer: UnsafeMutableRawPointer(pointer))
    }

    private func check(_ code: CURLcode, _ what: String) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            throw HTTPClientError(curlCode: code, request: request, detail: "curl_easy_setopt \(what)")
        }
    }

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count <= request.maxBodyBytes - body.count else {
            bodyTooLarge = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    // curl hands over one complete header line per call, including the status line and the CRLF.
    fileprivate func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingTrailingNewlines()
        if line.hasPrefix("HTTP/") {
            // A new status line starts a new response (after "100 Continue" or a redirect).
            headers = [:]
            lastHeaderName = nil
            return
        }
        if let first = line.first, first == " " || first == "\t" {
            // Obsolete line folding continues the previous field.
            if let name = lastHeaderName, let value = headers[name] {
                headers[name] = value + " " + line.trimmingWhitespace()
            }
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingWhitespace()
        if let existing = headers[name] {
            headers[name] = existing + ", " + value
        } else {
            headers[name] = value
        }
        lastHeaderName = name
    }
}

private func curlReceiveBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    // Any return value other than `length` makes curl abort the transfer with CURLE_WRITE_ERROR.
    guard let context, let data else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private func curlReceiveHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let context, let data else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

extension StringProtocol {
    fileprivate func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while let last = text.last, last == "\r" || last == "\n" || last == "\r\n" {
            text.removeLast()
        }
        return String(text)
    }

    fileprivate func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
