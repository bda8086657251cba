// libFuzzer target for the Prometheus query API decoder: the input is an answer body. Decoding must either give
// a vector or throw a malformed or upstream ReaderError; an accepted body must be JSON, and the readings the
// reader assembles from it must all be valid (finite, ordered CPU seconds, cores > 0), whatever the values.
import FuzzDriver
import Foundation
import HTTPClient
import Model
@testable import Readers

let reader = PrometheusReader(settings: .init(baseURL: "http://127.0.0.1:9090"), fetcher: NoFetcher())

struct NoFetcher: HTTPFetching {
    func fetch(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        throw .invalidRequest  // the fuzz target decodes bodies; it never fetches
    }
}

func fuzzOne(_ bytes: [UInt8]) {
    let response: PrometheusQueryResponse
    do {
        response = try PrometheusQueryResponse.decode(bytes)
    } catch {
        precondition(error.isMalformed || error.description.hasPrefix("upstream error: "), "unexpected error \(error)")
        return
    }
    // Strings that are skipped are not checked for UTF-8, so only an ASCII body must satisfy a strict reader.
    if bytes.allSatisfy({ $0 < 0x80 }) {
        precondition(isJSON(bytes), "accepted a body that is not JSON")
    }
    // The same answer for every query: the reader must still only hand on readings it can integrate.
    let byHost = reader.byHost(response)
    var values = PrometheusReader.HostValues()
    values.cpuIdle = byHost
    values.cpuTotal = byHost
    values.cores = byHost
    values.memoryActiveRatio = byHost
    values.bootTime = byHost
    values.sampleTime = byHost
    let result = reader.assemble(up: response, values: values)
    precondition(result.readings.allSatisfy(\.isValid), "an invalid reading was handed on")
}

/// Whether a strict general reader takes the body as JSON. Foundation also refuses numbers beyond Double's range,
/// which JSON's grammar allows (and the decoder reads as infinite times), so each such number is replaced by 0
/// and the body read again.
func isJSON(_ bytes: [UInt8]) -> Bool {
    var body = bytes
    for _ in 0..<64 {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(body))
            return true
        } catch {
            let detail = (error as NSError).userInfo["NSDebugDescription"] as? String ?? ""
            guard detail.hasPrefix("Number "), detail.hasSuffix(" is not representable in Swift.") else { return false }
            let number = Array(detail.dropFirst("Number ".count).dropLast(" is not representable in Swift.".count).utf8)
            guard !number.isEmpty, let start = firstIndex(of: number, in: body) else { return false }
            body.replaceSubrange(start..<start + number.count, with: [UInt8(ascii: "0")])
        }
    }
    return false
}

func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    return (0...(haystack.count - needle.count)).first { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
}

runFuzzer(fuzzOne)
