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

let expectedAnswer = try! PrometheusQueryResponse.decodeColumns(
    FuzzInputs.expectedPrometheusAnswer, labels: ["instance", "job"])

func fuzzOne(_ bytes: [UInt8]) {
    // The column decoder fails only as the full one does; where the full one decodes, both agree.
    var columns: PrometheusVectorColumns?
    do {
        columns = try PrometheusQueryResponse.decodeColumns(bytes, labels: ["instance", "job"])
    } catch {
        precondition(error.isMalformed || error.description.hasPrefix("upstream error: "), "unexpected error \(error)")
    }
    let response: PrometheusQueryResponse
    do {
        response = try PrometheusQueryResponse.decode(bytes)
    } catch {
        precondition(error.isMalformed || error.description.hasPrefix("upstream error: "), "unexpected error \(error)")
        return
    }
    guard let columns else { preconditionFailure("the column decoder refused what the full one decodes") }
    precondition(columns.count == response.samples.count, "the decoders disagree on the series")
    for (row, sample) in response.samples.enumerated() {
        precondition(columns.label(row, 0) == sample.labels["instance"], "the decoders disagree on a label")
        precondition(columns.label(row, 1) == sample.labels["job"], "the decoders disagree on a label")
        precondition(
            columns.values[row] == sample.value || (columns.values[row].isNaN && sample.value.isNaN),
            "the decoders disagree on a value")
    }
    // Expecting its own host values, in step or one series out, the column decoder reads the same.
    let all = Array(0..<columns.count)
    for expected in [columns, columns.rows(all.dropFirst()), columns.rows([0] + all)] {
        let again = try? PrometheusQueryResponse.decodeColumns(bytes, labels: ["instance", "job"], expecting: expected)
        precondition(again == columns, "expected values changed the columns")
    }
    // Expecting another answer's values, compared with the bytes before they are scanned, it reads the same.
    let other = try? PrometheusQueryResponse.decodeColumns(
        bytes, labels: ["instance", "job"], expecting: expectedAnswer)
    precondition(other == columns, "another answer's expected values changed the columns")
    // Host label first: the same answer as every single-valued one of a live collection.
    let live = reader.assemble(up: response, hostColumns: Array(repeating: columns, count: 6))
    precondition(live.readings.allSatisfy(\.isValid), "an invalid reading was handed on")
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
