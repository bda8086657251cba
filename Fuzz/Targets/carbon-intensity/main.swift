// libFuzzer target for the GB carbon intensity decoder: the input is an answer body, read as national, region-id
// and postcode answers at a few times. Each decode either gives an intensity within the plausible range or
// throws a ReaderError; the error-message helper must cope with any body too.
import FuzzDriver
import Glibc
import Model

@testable import Readers

let regions: [UKCarbonIntensityReader.Region] = [.national, .regionID(13), .postcode("RG10")]
/// Before, inside and after the periods of the recorded answers, so both the matching and the fallback to
/// the first period are taken.
let times: [Double] = [0, 1_795_345_200, 1_795_347_000, 4_000_000_000]

func fuzzOne(_ bytes: [UInt8]) {
    for region in regions {
        for now in times {
            do {
                let intensity = try UKCarbonIntensityReader.decode(bytes, region: region, now: now)
                precondition(CarbonIntensity.plausibleRange.contains(intensity.value), "implausible \(intensity.value)")
            } catch {
                precondition(error.isMalformed || error.isNoData || error.isOutOfRange, "unexpected error \(error)")
            }
        }
    }
    _ = UKCarbonIntensityReader.errorMessage(bytes)
}

runFuzzer(fuzzOne)
