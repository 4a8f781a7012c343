import Foundation

/// Where a webhook URL leads: its host and port, and the addresses the host resolved to, each of which passed
/// ``DestinationPolicy`` (unless private destinations are allowed). Checked when an endpoint is registered and
/// again before every delivery, since a name can be pointed elsewhere at any time.
public struct WebhookDestination: Sendable, Equatable {
    /// The host without IPv6 brackets.
    public let host: String
    public let port: Int
    public let addresses: [String]

    public enum Problem: Error, Equatable, CustomStringConvertible {
        /// Not an http(s) URL with a host and no user information.
        case unusableURL
        case unresolvable(String)
        /// The host is, or resolves to, an address the policy refuses.
        case notPublic(address: String)

        public var description: String {
            switch self {
            case .unusableURL: "the URL is not an http(s) URL with a host and no user information"
            case .unresolvable(let reason): reason
            case .notPublic(let address): "the host resolves to \(address), which is not a public address"
            }
        }
    }

    /// The host and port of a usable URL, without resolving anything.
    public static func hostAndPort(of url: String) -> (host: String, port: Int)? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.user == nil, components.password == nil
        else { return nil }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        // URLComponents takes any digits as a port; no connection can go to one outside TCP's range.
        guard (1...65_535).contains(port) else { return nil }
        return (bare, port)
    }

    /// Resolves and checks on ``BlockingThreads``: the system resolver blocks.
    public static func resolve(_ url: String, allowPrivate: Bool) async -> Result<WebhookDestination, Problem> {
        await BlockingThreads.shared.run { resolveBlocking(url, allowPrivate: allowPrivate) }
    }

    static func resolveBlocking(_ url: String, allowPrivate: Bool) -> Result<WebhookDestination, Problem> {
        guard let (host, port) = hostAndPort(of: url) else { return .failure(.unusableURL) }
        switch HostResolver.resolve(host, port: port) {
        case .failure(let failure):
            return .failure(.unresolvable(failure.description))
        case .success(let resolved):
            if !allowPrivate, let blocked = resolved.first(where: { !DestinationPolicy.isPublic($0.bytes) }) {
                return .failure(.notPublic(address: blocked.text))
            }
            return .success(WebhookDestination(host: host, port: port, addresses: resolved.map(\.text)))
        }
    }

    /// libcurl's `CURLOPT_RESOLVE` entry that pins the connection to the checked addresses.
    var pin: String {
        "\(host):\(port):" + addresses.map { $0.contains(":") ? "[\($0)]" : $0 }.joined(separator: ",")
    }
}
