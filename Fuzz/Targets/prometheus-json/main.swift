import Foundation
// libFuzzer target for the Prometheus query API decoder: the input is an answer body. Decoding must either give
// a vector or throw a malformed or upstream ReaderError; an accepted body must be JSON, and the readings the
// reader assembles from it must all be valid (finite, ordered CPU seconds, cores > 0), whatever the values.
import FuzzDriver
import HTTPClient
import Model
import TestSupport

@testable import Readers

let reader = PrometheusReader(settings: .init(baseURL: "http://127.0.0.1:9090"), fetcher: NoFetcher())

struct NoFetcher: HTTPFetching {
    func fetch(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        throw .invalidRequest // the fuzz target decodes bodies; it never fetches
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
        precondition(StrictJSON.accepts(bytes), "accepted a body that is not JSON")
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

runFuzzer(fuzzOne)
