import Foundation
import Model
import Yams

/// The configuration loader's sections for carbon intensity: grid regions, provider chains and each provider's settings.
extension ConfigurationLoader {
    mutating func carbonIntensity(_ node: Node) -> Configuration.CarbonIntensity {
        var carbon = Configuration.CarbonIntensity()
        guard let entries = mapping(node, "carbon_intensity") else { return carbon }
        var regionsNode: Node?
        var providerNode: Node?
        var providersNode: Node?
        for (key, value, line) in entries {
            let path = "carbon_intensity.\(key)"
            switch key {
            case "provider":
                providerNode = value
                if let provider = carbonProvider(value, path) { carbon.provider = provider }
            case "providers":
                providersNode = value
                carbon.providers = providerChain(value, path)
            case "uk": carbon.uk = ukProvider(value, base: carbon.uk, path: path)
            case "electricitymaps":
                carbon.electricityMaps = electricityMaps(value, base: carbon.electricityMaps, path: path)
            case "watttime": carbon.wattTime = wattTime(value, base: carbon.wattTime, path: path)
            case "file": carbon.file = fileProvider(value, base: carbon.file, path: path)
            case "static_grams_per_kwh": intensity(value, path) { carbon.staticGramsPerKilowattHour = $0 }
            case "fallback_grams_per_kwh": intensity(value, path) { carbon.fallbackGramsPerKilowattHour = $0 }
            case "refresh": interval(value, path) { carbon.refresh = $0 }
            case "max_age": positiveDuration(value, path) { carbon.maxAge = $0 }
            case "timeout": positiveDuration(value, path) { carbon.timeout = $0 }
            case "grid_region": if let text = nonEmptyString(value, path) { carbon.gridRegion = text }
            case "forecast": if let flag = bool(value, path) { carbon.forecast = flag }
            case "forecast_refresh": interval(value, path) { carbon.forecastRefresh = $0 }
            case "regions": regionsNode = value
            default: unknown(key, line, in: "carbon_intensity")
            }
        }
        if let providerNode, providersNode != nil {
            problem(providerNode, "carbon_intensity: give provider or providers, not both")
        }
        let defaultNode = providersNode ?? providerNode ?? node
        checkChain(
            carbon.chain, uk: carbon.uk, electricityMaps: carbon.electricityMaps, wattTime: carbon.wattTime,
            file: carbon.file,
            node: defaultNode, path: "carbon_intensity")
        // Regions inherit from the top level, so they are read after it whatever the key order.
        if let regionsNode, let items = sequence(regionsNode, "carbon_intensity.regions") {
            var names: Set<String> = []
            for (index, item) in items.enumerated() {
                let path = "carbon_intensity.regions[\(index)]"
                guard let region = gridRegion(item, carbon: carbon, path: path) else { continue }
                if !names.insert(region.name).inserted {
                    problem(item, "\(path).name \"\(region.name)\" is used by an earlier region")
                }
                carbon.regions.append(region)
            }
            var configuration = Configuration()
            configuration.carbonIntensity = carbon
            let defaultName = configuration.gridRegion
            if names.contains(defaultName) {
                problem(
                    regionsNode,
                    "carbon_intensity.regions: \"\(defaultName)\" is the default region's name (set carbon_intensity.grid_region to tell them apart)"
                )
            }
        }
        return carbon
    }

    mutating func gridRegion(
        _ node: Node, carbon: Configuration.CarbonIntensity, path: String
    ) -> Configuration.GridRegion? {
        guard let entries = mapping(node, path) else { return nil }
        var region = Configuration.GridRegion(
            name: "", providers: carbon.chain, uk: carbon.uk, electricityMaps: carbon.electricityMaps,
            wattTime: carbon.wattTime,
            file: carbon.file, staticGramsPerKilowattHour: carbon.staticGramsPerKilowattHour,
            fallbackGramsPerKilowattHour: carbon.fallbackGramsPerKilowattHour)
        var chainNode: Node?
        for (key, value, line) in entries {
            let field = "\(path).\(key)"
            switch key {
            case "name": region.name = nonEmptyString(value, field) ?? ""
            case "match": region.match = labels(value, field)
            case "host_pattern":
                if let text = nonEmptyString(value, field) {
                    if RegionMapper.compile(text) != nil {
                        region.hostPattern = text
                    } else {
                        problem(value, "\(field) is not a valid regular expression: \(text)")
                    }
                }
            case "provider":
                chainNode = value
                if let provider = carbonProvider(value, field) { region.providers = [provider] }
            case "providers":
                chainNode = value
                if let chain = providerChain(value, field) { region.providers = chain }
            case "uk": region.uk = ukProvider(value, base: region.uk, path: field)
            case "electricitymaps":
                region.electricityMaps = electricityMaps(value, base: region.electricityMaps, path: field)
            case "watttime": region.wattTime = wattTime(value, base: region.wattTime, path: field)
            case "file": region.file = fileProvider(value, base: region.file, path: field)
            case "static_grams_per_kwh": intensity(value, field) { region.staticGramsPerKilowattHour = $0 }
            case "fallback_grams_per_kwh": intensity(value, field) { region.fallbackGramsPerKilowattHour = $0 }
            default: unknown(key, line, in: path)
            }
        }
        if region.name.isEmpty { problem(node, "\(path).name is required") }
        if region.match.isEmpty && region.hostPattern == nil {
            problem(node, "\(path) needs match or host_pattern (hosts matching neither go to the default region)")
        }
        checkChain(
            region.providers, uk: region.uk, electricityMaps: region.electricityMaps, wattTime: region.wattTime,
            file: region.file,
            node: chainNode ?? node, path: path)
        return region
    }

    mutating func carbonProvider(_ node: Node, _ path: String) -> Configuration.CarbonProvider? {
        guard let text = string(node, path) else { return nil }
        guard let provider = Configuration.CarbonProvider(rawValue: text) else {
            let names = Configuration.CarbonProvider.allCases.map(\.rawValue).joined(separator: ", ")
            problem(node, "\(path) must be one of \(names); got \"\(text)\"")
            return nil
        }
        return provider
    }

    mutating func providerChain(_ node: Node, _ path: String) -> [Configuration.CarbonProvider]? {
        guard let items = sequence(node, path) else { return nil }
        var chain: [Configuration.CarbonProvider] = []
        for item in items {
            guard let provider = carbonProvider(item, path) else { continue }
            if chain.contains(provider) {
                problem(item, "\(path): \(provider.rawValue) is listed twice")
            } else {
                chain.append(provider)
            }
        }
        if items.isEmpty { problem(node, "\(path) must name at least one provider") }
        return chain.isEmpty ? nil : chain
    }

    /// Each provider of a chain needs its own settings; say which are missing, at the chain's line.
    mutating func checkChain(
        _ chain: [Configuration.CarbonProvider], uk: Configuration.UKProvider,
        electricityMaps: Configuration.ElectricityMapsProvider,
        wattTime: Configuration.WattTimeProvider, file: Configuration.FileProvider, node: Node, path: String
    ) {
        for provider in chain {
            switch provider {
            case .uk, .static: break
            case .electricitymaps:
                if electricityMaps.zone == nil {
                    problem(node, "\(path): provider electricitymaps needs electricitymaps.zone")
                }
                if electricityMaps.tokenFile == nil && electricityMaps.tokenEnv == nil {
                    problem(node, "\(path): provider electricitymaps needs electricitymaps.token_file or token_env")
                }
            case .watttime:
                if wattTime.region == nil { problem(node, "\(path): provider watttime needs watttime.region") }
                if wattTime.username == nil || (wattTime.passwordFile == nil && wattTime.passwordEnv == nil) {
                    problem(
                        node, "\(path): provider watttime needs watttime.username and password_file or password_env")
                }
            case .file:
                if file.path == nil { problem(node, "\(path): provider file needs file.path") }
            }
        }
    }

    mutating func ukProvider(
        _ node: Node, base: Configuration.UKProvider, path: String
    ) -> Configuration.UKProvider {
        var uk = base
        guard let entries = mapping(node, path) else { return uk }
        var regionGiven = false
        for (key, value, line) in entries {
            let field = "\(path).\(key)"
            switch key {
            case "url": if let url = httpURL(value, field) { uk.url = url }
            case "region_id":
                if !regionGiven { uk.postcode = nil }
                regionGiven = true
                if let number = number(value, field) {
                    if number == number.rounded(), (1...17).contains(number) {
                        uk.regionID = Int(number)
                    } else {
                        problem(value, "\(field) must be a GB region id from 1 to 17; got \(value.string ?? "")")
                    }
                }
            case "postcode":
                if !regionGiven { uk.regionID = nil }
                regionGiven = true
                if let text = string(value, field) {
                    let outward = text.uppercased()
                    if outward.range(of: "^[A-Z]{1,2}[0-9][A-Z0-9]?$", options: .regularExpression) != nil {
                        uk.postcode = outward
                    } else {
                        problem(value, "\(field) must be an outward postcode such as RG10 or SW1; got \"\(text)\"")
                    }
                }
            case "national":
                // A region may need the national value while the top level names a GB region.
                if bool(value, field) == true {
                    uk.regionID = nil
                    uk.postcode = nil
                }
            default: unknown(key, line, in: path)
            }
        }
        if uk.regionID != nil && uk.postcode != nil {
            problem(node, "\(path): give region_id or postcode, not both")
        }
        return uk
    }

    mutating func electricityMaps(
        _ node: Node, base: Configuration.ElectricityMapsProvider, path: String
    ) -> Configuration.ElectricityMapsProvider {
        var settings = base
        guard let entries = mapping(node, path) else { return settings }
        for (key, value, line) in entries {
            let field = "\(path).\(key)"
            switch key {
            case "url": if let url = httpURL(value, field) { settings.url = url }
            case "zone": if let text = nonEmptyString(value, field) { settings.zone = text }
            case "endpoint":
                if let endpoint: Configuration.ElectricityMapsProvider.Endpoint = choice(value, field) {
                    settings.endpoint = endpoint
                }
            // One replaces the other, so a region can switch from the inherited file to a variable.
            case "token_file":
                if let text = nonEmptyString(value, field) {
                    (settings.tokenFile, settings.tokenEnv) = (resolve(text), nil)
                }
            case "token_env":
                if let name = environmentName(value, field) { (settings.tokenFile, settings.tokenEnv) = (nil, name) }
            default: unknown(key, line, in: path)
            }
        }
        exclusive("token_file", "token_env", in: entries, node: node, path: path)
        return settings
    }

    mutating func wattTime(
        _ node: Node, base: Configuration.WattTimeProvider, path: String
    ) -> Configuration.WattTimeProvider {
        var settings = base
        guard let entries = mapping(node, path) else { return settings }
        for (key, value, line) in entries {
            let field = "\(path).\(key)"
            switch key {
            case "url": if let url = httpURL(value, field) { settings.url = url }
            case "region": if let text = nonEmptyString(value, field) { settings.region = text }
            case "endpoint":
                if let endpoint: Configuration.WattTimeProvider.Endpoint = choice(value, field) {
                    settings.endpoint = endpoint
                }
            case "username": if let text = nonEmptyString(value, field) { settings.username = text }
            case "password_file":
                if let text = nonEmptyString(value, field) {
                    (settings.passwordFile, settings.passwordEnv) = (resolve(text), nil)
                }
            case "password_env":
                if let name = environmentName(value, field) {
                    (settings.passwordFile, settings.passwordEnv) = (nil, name)
                }
            default: unknown(key, line, in: path)
            }
        }
        exclusive("password_file", "password_env", in: entries, node: node, path: path)
        return settings
    }

    /// One of a closed set of names (an enum's raw values), or a problem listing them.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ node: Node, _ path: String) -> Choice?
    where Choice.RawValue == String {
        guard let text = string(node, path) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            problem(
                node, "\(path) must be \(Choice.allCases.map(\.rawValue).joined(separator: " or ")); got \"\(text)\"")
            return nil
        }
        return choice
    }

    /// Two keys of a mapping that must not be given together.
    mutating func exclusive(
        _ first: String, _ second: String, in entries: [(key: String, value: Node, line: Int)], node: Node, path: String
    ) {
        if entries.contains(where: { $0.key == first }) && entries.contains(where: { $0.key == second }) {
            problem(node, "\(path): give \(first) or \(second), not both")
        }
    }

    mutating func fileProvider(
        _ node: Node, base: Configuration.FileProvider, path: String
    ) -> Configuration.FileProvider {
        var settings = base
        guard let entries = mapping(node, path) else { return settings }
        for (key, value, line) in entries {
            switch key {
            case "path": if let text = nonEmptyString(value, "\(path).path") { settings.path = resolve(text) }
            default: unknown(key, line, in: path)
            }
        }
        return settings
    }

    mutating func bool(_ node: Node, _ path: String) -> Bool? {
        switch string(node, path) {
        case "true": return true
        case "false": return false
        case nil: return nil
        default:
            problem(node, "\(path) must be true or false")
            return nil
        }
    }
}
