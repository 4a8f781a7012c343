#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which TLS a session gets when the operator did not choose. libpq's own default, `prefer`, neither checks
/// who answers nor refuses plaintext, so it stays only where the traffic never leaves the machine: every
/// server a Unix socket or a loopback address. Anywhere else the default is `verify-full`. A weaker mode the
/// operator chose for a server elsewhere stands, but is worth a warning.
public struct PGTLSPolicy: Sendable, Equatable {
    /// One server of a conninfo, which may name several. `host` is a name, an address or a socket directory;
    /// `hostaddr` is the address libpq connects to instead of looking `host` up, while the certificate is
    /// still checked against `host`. Either may be empty.
    public struct Server: Sendable, Equatable {
        public var host: String
        public var hostaddr: String

        public init(host: String, hostaddr: String = "") {
            self.host = host
            self.hostaddr = hostaddr
        }
    }

    /// The `sslmode` to connect with in place of libpq's default, or nil to leave the settings as they are.
    public let addedMode: String?
    /// The mode the operator chose, when it leaves a session to a server elsewhere unverified or unencrypted.
    public let weakModeToRemoteServer: String?

    static let verifiedMode = "verify-full"
    static let weakModes: Set<String> = ["disable", "allow", "prefer", "require"]

    /// `servers` is nil when a service file names them, which only libpq reads: they count as elsewhere.
    /// `configuredMode` is the `sslmode` the conninfo or the environment gives, if any.
    public static func decide(servers: [Server]?, configuredMode: String?) -> PGTLSPolicy {
        let local = servers?.allSatisfy(isLocal) ?? false
        guard let configuredMode else {
            return PGTLSPolicy(addedMode: local ? nil : verifiedMode, weakModeToRemoteServer: nil)
        }
        let weak = !local && weakModes.contains(configuredMode)
        return PGTLSPolicy(addedMode: nil, weakModeToRemoteServer: weak ? configuredMode : nil)
    }

    /// Strict about the pair: a loopback `hostaddr` under a name that is not local still counts as elsewhere,
    /// since the name is what the session claims to reach and what a certificate would have to match. An empty
    /// pair is libpq's default, the Unix socket.
    static func isLocal(_ server: Server) -> Bool {
        (server.host.isEmpty || isSocketDirectory(server.host) || isLoopbackName(server.host))
            && (server.hostaddr.isEmpty || isLoopbackAddress(server.hostaddr))
    }

    /// libpq takes a host starting with `/` (or `@`, Linux's abstract namespace) as a socket directory.
    static func isSocketDirectory(_ host: String) -> Bool {
        host.hasPrefix("/") || host.hasPrefix("@")
    }

    static func isLoopbackName(_ host: String) -> Bool {
        host.lowercased() == "localhost" || isLoopbackAddress(host)
    }

    /// 127.0.0.0/8 or ::1, written as an address; names other than `localhost` are not looked up.
    static func isLoopbackAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { $0[0] == 127 }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }
}
