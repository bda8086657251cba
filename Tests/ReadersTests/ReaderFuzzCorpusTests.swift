import Foundation
import HTTPClient
import Model
import TestSupport
import Testing

@testable import Readers

/// Replays the kept fuzzing inputs of the two JSON decoders (Fuzz/corpus/<target>, Fuzz/regressions/<target>)
/// with the fuzz targets' invariants.
@Suite struct ReaderFuzzCorpusTests {
    struct NoFetcher: HTTPFetching {
        func fetch(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
            throw .invalidRequest
        }
    }

    @Test func prometheusAnswersDecodeToValidReadingsOrAreMalformed() throws {
        let inputs = try FuzzInputs.all("prometheus-json")
        #expect(inputs.count >= 10)
        let reader = PrometheusReader(settings: .init(baseURL: "http://127.0.0.1:9090"), fetcher: NoFetcher())
        let expectedAnswer = try PrometheusQueryResponse.decodeColumns(
            FuzzInputs.expectedPrometheusAnswer, labels: ["instance", "job"])
        var decoded = 0
        var readings = 0
        for input in inputs {
            // The column decoder fails only as the full one does; where the full one decodes, both agree.
            var columns: PrometheusVectorColumns?
            do {
                columns = try PrometheusQueryResponse.decodeColumns(input.bytes, labels: ["instance", "job"])
            } catch {
                #expect(error.isMalformed || error.description.hasPrefix("upstream error: "), "\(input.name): \(error)")
            }
            let response: PrometheusQueryResponse
            do {
                response = try PrometheusQueryResponse.decode(input.bytes)
            } catch {
                #expect(error.isMalformed || error.description.hasPrefix("upstream error: "), "\(input.name): \(error)")
                continue
            }
            decoded += 1
            let kept = try #require(columns, "\(input.name): the column decoder refused what the full one decodes")
            #expect(kept.count == response.samples.count, "\(input.name)")
            for (row, sample) in response.samples.enumerated() where row < kept.count {
                #expect(kept.label(row, 0) == sample.labels["instance"], "\(input.name)")
                #expect(kept.label(row, 1) == sample.labels["job"], "\(input.name)")
                #expect(kept.values[row] == sample.value || (kept.values[row].isNaN && sample.value.isNaN))
            }
            // Expecting its own host values, in step or one series out, the column decoder reads the same.
            let all = Array(0..<kept.count)
            for expected in [kept, kept.rows(all.dropFirst()), kept.rows([0] + all)] {
                let again = try? PrometheusQueryResponse.decodeColumns(
                    input.bytes, labels: ["instance", "job"], expecting: expected)
                #expect(again == kept, "\(input.name): expected values changed the columns")
            }
            // Expecting another answer's values, compared with the bytes before they are scanned, it reads the same.
            let other = try? PrometheusQueryResponse.decodeColumns(
                input.bytes, labels: ["instance", "job"], expecting: expectedAnswer)
            #expect(other == kept, "\(input.name): another answer's expected values changed the columns")
            let live = reader.assemble(up: response, hostColumns: Array(repeating: kept, count: 6))
            #expect(live.readings.allSatisfy { $0.isValid }, "\(input.name)")
            // Skipped strings are not checked for UTF-8, so only ASCII bodies must satisfy a strict reader.
            if input.bytes.allSatisfy({ $0 < 0x80 }) {
                #expect(StrictJSON.accepts(input.bytes), "\(input.name)")
            }
            // The same answer for every query: whatever it holds, only valid readings are handed on.
            let byHost = reader.byHost(response)
            var values = PrometheusReader.HostValues()
            (values.cpuIdle, values.cpuTotal, values.cores) = (byHost, byHost, byHost)
            (values.memoryActiveRatio, values.bootTime, values.sampleTime) = (byHost, byHost, byHost)
            let result = reader.assemble(up: response, values: values)
            #expect(result.readings.allSatisfy { $0.isValid }, "\(input.name)")
            readings += result.readings.count
        }
        #expect(decoded >= 5)
        #expect(readings >= 1)
    }

    /// The fuzzer's first stop: a time of `1795341e999140` is JSON (an infinite number) that Foundation refuses.
    @Test func numbersBeyondDoubleAreStillJSON() throws {
        #expect(StrictJSON.accepts(Array("[1e999, -2E+400, \"1e999\"]".utf8)))
        #expect(!StrictJSON.accepts(Array("[1e999, x]".utf8)))
        let input = try #require(
            try FuzzInputs.regressions("prometheus-json").first {
                $0.name.hasSuffix("crash-d68a2cd0a75432573e8ab63073b229a10e14210d")
            })
        let response = try PrometheusQueryResponse.decode(input.bytes)
        #expect(response.samples.first?.timestamp == .infinity)
    }

    @Test func carbonIntensityAnswersArePlausibleOrAnError() throws {
        let inputs = try FuzzInputs.all("carbon-intensity")
        #expect(inputs.count >= 6)
        let regions: [UKCarbonIntensityReader.Region] = [.national, .regionID(13), .postcode("RG10")]
        var plausible = 0
        for input in inputs {
            for region in regions {
                for now in [0, 1_795_345_200, 1_795_347_000, 4_000_000_000] as [Double] {
                    do {
                        let intensity = try UKCarbonIntensityReader.decode(input.bytes, region: region, now: now)
                        #expect(CarbonIntensity.plausibleRange.contains(intensity.value), "\(input.name)")
                        plausible += 1
                    } catch {
                        #expect(error.isMalformed || error.isNoData || error.isOutOfRange, "\(input.name): \(error)")
                    }
                }
            }
            _ = UKCarbonIntensityReader.errorMessage(input.bytes)
        }
        #expect(plausible >= 4)
    }
}
