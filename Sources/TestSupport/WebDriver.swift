import Foundation
import HTTPClient

/// Debian's headless Chromium driven through chromedriver over the W3C WebDriver protocol (JSON over HTTP),
/// with the project's own HTTP client: no Selenium, no Python.
public final class WebDriver: @unchecked Sendable {
    // @unchecked: used from one test at a time; the session id is set once in init.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let driver: ExternalProcess
    private let client: CurlHTTPClient
    private let base: String
    private let session: String

    /// Starts chromedriver and a headless Chromium session.
    /// - Parameter javascript: false starts the browser with scripts disabled, to see the pages as a reader
    ///   without JavaScript does.
    public init(javascript: Bool = true, width: Int = 1280, height: Int = 900) throws {
        let port = FreePort.next()
        driver = try ExternalProcess("chromedriver", ["--port=\(port)"], name: "chromedriver")
        try driver.waitUntilReady("http://127.0.0.1:\(port)/status", timeout: 30)
        client = try CurlHTTPClient(userAgent: "footprint-tests")
        base = "http://127.0.0.1:\(port)"
        let profile = try TemporaryDirectory.make("chromium")
        var arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--disable-background-networking", "--disable-component-update",
            "--user-data-dir=\(profile)", "--window-size=\(width),\(height)", "--hide-scrollbars",
        ]
        if !javascript { arguments.append("--blink-settings=scriptEnabled=false") }
        var options: [String: Any] = ["args": arguments]
        if let binary = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) {
            options["binary"] = binary
        }
        if !javascript { options["prefs"] = ["profile.managed_default_content_settings.javascript": 2] }
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome", "goog:chromeOptions": options, "goog:loggingPrefs": ["browser": "ALL"],
                ]
            ]
        ]
        let client = self.client
        let base = self.base
        let answer = try Self.call(client, base + "/session", body: capabilities, timeout: 60)
        guard let value = answer as? [String: Any], let id = value["sessionId"] as? String else {
            throw Failure(description: "no WebDriver session: \(String(describing: answer))")
        }
        session = id
    }

    /// Opens `url` and waits for the page to load.
    public func open(_ url: String) throws {
        _ = try command("url", body: ["url": url])
    }

    /// Runs a script in the page (`return …` gives its value).
    @discardableResult
    public func execute(_ script: String) throws -> Any? {
        try command("execute/sync", body: ["script": script, "args": [Any]()])
    }

    /// The `data-value` of the first element with that `data-metric`, or nil.
    public func figure(_ metric: String) throws -> Double? {
        let text = try execute(
            "var e = document.querySelector('[data-metric=\"\(metric)\"]'); return e ? e.getAttribute('data-value') : null;"
        )
        return (text as? String).flatMap(Double.init)
    }

    /// The text of the first element with that `data-metric`, or nil.
    public func figureText(_ metric: String) throws -> String? {
        try execute("var e = document.querySelector('[data-metric=\"\(metric)\"]'); return e ? e.textContent : null;")
            as? String
    }

    /// The browser's console entries since the last call: level (`SEVERE`, `WARNING`, …) and message.
    public func consoleEntries() throws -> [(level: String, message: String)] {
        let entries = try command("se/log", body: ["type": "browser"]) as? [[String: Any]] ?? []
        return entries.map { ($0["level"] as? String ?? "", $0["message"] as? String ?? "") }
    }

    /// Resizes the window; a height of nil fits the whole page, for a full-page screenshot.
    public func resize(width: Int, height: Int? = nil) throws {
        var fitted = height ?? 900
        if height == nil {
            _ = try command("window/rect", body: ["width": width, "height": fitted])
            let scroll = try execute("return Math.ceil(document.documentElement.scrollHeight);") as? Int
            fitted = max(scroll ?? fitted, 300)
        }
        _ = try command("window/rect", body: ["width": width, "height": fitted])
    }

    /// A PNG of the viewport.
    public func screenshot() throws -> Data {
        guard let text = try command("screenshot", body: nil) as? String, let data = Data(base64Encoded: text) else {
            throw Failure(description: "no screenshot")
        }
        return data
    }

    /// Ends the session and chromedriver with it (chromedriver's shutdown closes its browsers).
    public func quit() {
        _ = try? client.fetch(HTTPRequest(url: base + "/shutdown", timeoutSeconds: 10))
        if driver.waitForExit(timeout: 10) == nil { driver.stop() }
    }

    deinit { quit() }

    private func command(_ name: String, body: [String: Any]?) throws -> Any? {
        try Self.call(client, "\(base)/session/\(session)/\(name)", body: body, timeout: 60)
    }

    /// One WebDriver command: POST with a JSON body, or GET without; the answer's `value`.
    private static func call(
        _ client: CurlHTTPClient, _ url: String, body: [String: Any]?, timeout: Double
    ) throws
        -> Any?
    {
        let request = HTTPRequest(
            url: url, method: body == nil ? .get : .post,
            headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
            body: try body.map { [UInt8](try JSONSerialization.data(withJSONObject: $0)) }, timeoutSeconds: timeout)
        let response = try client.fetch(request)
        let object = try JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed])
        let value = (object as? [String: Any])?["value"]
        guard response.status == 200 else {
            throw Failure(description: "WebDriver \(url): \(response.status) \(String(describing: value))")
        }
        return value is NSNull ? nil : value
    }
}
