import CCurl

/// Drives a batch of transfers through one curl multi handle on the calling thread.
struct CurlMulti {
    let client: CurlHTTPClient
    /// The client's long-lived multi handle: its connection cache carries connections from one batch to the
    /// next, so targets scraped every cycle keep their connections.
    let multi: UnsafeMutableRawPointer

    private struct Active {
        let index: Int
        let transfer: CurlTransfer
        let handle: EasyHandle
    }

    func run(_ requests: [HTTPRequest], maxConcurrent: Int) -> [Result<HTTPResponse, HTTPClientError>] {
        guard !requests.isEmpty else { return [] }

        var results = [Result<HTTPResponse, HTTPClientError>?](repeating: nil, count: requests.count)
        var active: [UnsafeMutableRawPointer: Active] = [:]
        var next = 0

        func retire(_ entry: Active, code: CURLcode) {
            let removed = curl_multi_remove_handle(multi, entry.handle.raw)
            results[entry.index] = entry.transfer.result(code)
            entry.transfer.close()
            if removed == CURLM_OK {
                client.checkIn(entry.handle)
            } else {
                // A handle curl could not detach is in an unknown state; do not pool it.
                curl_easy_cleanup(entry.handle.raw)
            }
        }

        func abandonAll(_ function: String, _ code: CURLMcode) {
            let detail = "\(function): \(String(cString: curl_multi_strerror(code)))"
            for entry in active.values {
                _ = curl_multi_remove_handle(multi, entry.handle.raw)
                entry.transfer.close()
                curl_easy_cleanup(entry.handle.raw)
                results[entry.index] = .failure(.local(.multiFailed, request: entry.transfer.request, detail: detail))
            }
            active.removeAll()
            for index in next..<requests.count {
                results[index] = .failure(.local(.multiFailed, request: requests[index], detail: detail))
            }
            next = requests.count
        }

        while next < requests.count || !active.isEmpty {
            while next < requests.count && active.count < maxConcurrent {
                let index = next
                next += 1
                do {
                    let entry = try start(requests[index], index: index)
                    let added = curl_multi_add_handle(multi, entry.handle.raw)
                    guard added == CURLM_OK else {
                        entry.transfer.close()
                        client.checkIn(entry.handle)
                        let detail = "curl_multi_add_handle: \(String(cString: curl_multi_strerror(added)))"
                        results[index] = .failure(.local(.multiFailed, request: requests[index], detail: detail))
                        continue
                    }
                    active[entry.handle.raw] = entry
                } catch {
                    results[index] = .failure(error)
                }
            }
            guard !active.isEmpty else { continue }

            var running: Int32 = 0
            let performed = curl_multi_perform(multi, &running)
            guard performed == CURLM_OK else {
                abandonAll("curl_multi_perform", performed)
                break
            }
            var finished = false
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                    let entry = active.removeValue(forKey: easy)
                else { continue }
                retire(entry, code: message.pointee.data.result)
                finished = true
            }
            let canStartMore = next < requests.count && active.count < maxConcurrent
            if !finished && !canStartMore && !active.isEmpty {
                // Returns early on socket activity or when one of curl's timers, such as a timeout, is due.
                let polled = curl_multi_poll(multi, nil, 0, 1000, nil)
                guard polled == CURLM_OK else {
                    abandonAll("curl_multi_poll", polled)
                    break
                }
            }
        }
        return zip(requests, results).map { request, result in
            result ?? .failure(.local(.multiFailed, request: request, detail: "transfer never completed"))
        }
    }

    private func start(_ request: HTTPRequest, index: Int) throws(HTTPClientError) -> Active {
        let handle = try client.checkOut(for: request)
        do {
            let transfer = try CurlTransfer(
                request: request, handle: handle.raw, userAgent: client.userAgent, maxRedirects: client.maxRedirects)
            return Active(index: index, transfer: transfer, handle: handle)
        } catch {
            client.checkIn(handle)
            throw error
        }
    }
}
