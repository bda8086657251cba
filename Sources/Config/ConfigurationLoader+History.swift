import Yams

/// The configuration loader's section for the long-term store history commands read:
/// `history: {url, timeout, basic_auth | bearer_token_file | bearer_token_env, headers}`.
extension ConfigurationLoader {
    mutating func history(_ node: Node) -> Configuration.HistoryStore? {
        guard let fields = mapping(node, "history"), !fields.isEmpty else { return nil }
        var history = Configuration.HistoryStore(url: "")
        for (key, value, line) in fields {
            let path = "history.\(key)"
            switch key {
            case "url": if let url = httpURL(value, path) { history.url = url }
            case "timeout": positiveDuration(value, path) { history.timeout = $0 }
            case "basic_auth": history.basicAuth = basicAuth(value, path)
            case "bearer_token_file":
                if let text = nonEmptyString(value, path) { history.bearerTokenFile = resolve(text) }
            case "bearer_token_env": history.bearerTokenEnv = environmentName(value, path)
            case "headers": history.headers = headers(value, path)
            default: unknown(key, line, in: "history")
            }
        }
        if history.url.isEmpty && !problems.contains(where: { $0.message.hasPrefix("history.url") }) {
            problem(node, "history needs url: the query endpoint of the long-term store")
        }
        if history.bearerTokenFile != nil && history.bearerTokenEnv != nil {
            problem(node, "history: give bearer_token_file or bearer_token_env, not both")
        }
        if history.basicAuth != nil && (history.bearerTokenFile != nil || history.bearerTokenEnv != nil) {
            problem(node, "history: give basic_auth or a bearer token, not both")
        }
        return history
    }

    /// Header names are HTTP tokens; values one line. Authorization is refused here: it is a secret, and the
    /// credentials keys read it from a file or the environment.
    private mutating func headers(_ node: Node, _ path: String) -> [String: String] {
        guard let entries = mapping(node, path) else { return [:] }
        var headers: [String: String] = [:]
        let token = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        for (name, value, _) in entries {
            guard !name.isEmpty, name.allSatisfy(token.contains) else {
                problem(value, "\(path): \"\(name)\" is not a valid header name")
                continue
            }
            guard name.lowercased() != "authorization" else {
                problem(value, "\(path): give Authorization through basic_auth or a bearer token, not a header")
                continue
            }
            guard let text = string(value, "\(path).\(name)") else { continue }
            guard !text.contains(where: { $0 == "\n" || $0 == "\r" }) else {
                problem(value, "\(path).\(name) must be one line")
                continue
            }
            headers[name] = text
        }
        return headers
    }
}
