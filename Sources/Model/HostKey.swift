/// A host name as a dictionary key, with its hash worked out once.
///
/// Tables of thousands of hosts with long, similar names (`ws-alex-00014.us-east-1.example.net:9100`) spend their
/// lookups comparing names along a probe sequence; with the hash kept beside the name, a probe of another host
/// compares two integers and the name is compared once, on the match.
public struct HostKey: Hashable, Sendable {
    public let name: String
    private let hash: Int

    public init(_ name: String) {
        self.name = name
        hash = name.hashValue
    }

    public static func == (lhs: HostKey, rhs: HostKey) -> Bool { lhs.hash == rhs.hash && lhs.name == rhs.name }

    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}
