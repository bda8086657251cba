/// A URL with the password of its user information replaced, as Go's `url.URL.Redacted` does
/// (`https://user:xxxxx@host/`), for what check-config and logs print.
public enum URLRedaction {
    public static let mask = "xxxxx"

    /// `url` with any password between `user:` and `@` in its authority masked; other text is returned as it is.
    public static func redactingPassword(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let authorityStart = scheme.upperBound
        let authorityEnd = url[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        let authority = url[authorityStart..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return url
        }
        return String(url[..<url.index(after: colon)]) + mask + String(url[at...])
    }
}
