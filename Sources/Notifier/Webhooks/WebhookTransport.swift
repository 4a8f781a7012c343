import CCurl
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One webhook delivery attempt: a signed JSON POST.
public struct WebhookPost: Sendable {
    public let url: String
    public let body: [UInt8]
    /// Extra headers (the Standard Webhooks ones); `Content-Type: application/json` is always sent.
    public let headers: [(String, String)]

    public init(url: String, body: [UInt8], headers: [(String, String)]) {
        self.url = url
        self.body = body
        self.headers = headers
    }
}

/// How a webhook delivery attempt ended.
public enum WebhookOutcome: Sendable, Equatable {
    /// A 2xx answer.
    case delivered(status: Int)
    /// Try again: any other answer (redirects included: they are not followed), a timeout or a connection
    /// problem. `retryAfterSeconds` is the endpoint's `Retry-After`, when it gave one.
    case retry(status: Int?, reason: String, retryAfterSeconds: Int64?)
    /// `410 Gone`: the endpoint asks never to be called again.
    case gone
    /// Never to be tried: the URL is unusable, or it leads to an address the destination policy refuses.
    case refused(reason: String)
}

/// Delivers webhooks over HTTP(S) with libcurl: 15 s for the whole exchange by default, redirects never
/// followed, only http and https. The host is resolved here and every address must pass ``DestinationPolicy``
/// (unless private destinations are allowed); libcurl is then pinned to those addresses, so a name cannot
/// resolve to a public address for the check and a private one for the connection.
///
/// A blocking transfer runs on ``BlockingThreads``, never on the cooperative pool or an event loop.
public struct WebhookTransport: Sendable {
    public let timeout: Duration
    public let allowPrivateDestinations: Bool

    public init(timeout: Duration = .seconds(15), allowPrivateDestinations: Bool = false) {
        self.timeout = timeout
        self.allowPrivateDestinations = allowPrivateDestinations
    }

    public func deliver(_ post: WebhookPost) async -> WebhookOutcome {
        let timeout = self.timeout
        let allowPrivate = allowPrivateDestinations
        return await BlockingThreads.shared.run {
            Self.deliverBlocking(post, timeout: timeout, allowPrivate: allowPrivate)
        }
    }

    static func deliverBlocking(_ post: WebhookPost, timeout: Duration, allowPrivate: Bool) -> WebhookOutcome {
        guard CurlRuntime.prepare() else { return .retry(status: nil, reason: "libcurl is unavailable", retryAfterSeconds: nil) }
        let destination: WebhookDestination
        switch WebhookDestination.resolveBlocking(post.url, allowPrivate: allowPrivate) {
        case .success(let checked): destination = checked
        case .failure(.unresolvable(let reason)): return .retry(status: nil, reason: reason, retryAfterSeconds: nil)
        case .failure(let problem): return .refused(reason: problem.description)
        }
        guard let request = WebhookCurlRequest(post: post, timeout: timeout) else {
            return .retry(status: nil, reason: "libcurl could not set up the request", retryAfterSeconds: nil)
        }
        return request.perform(pinning: destination.pin)
    }
}

/// Resolves a host name to its addresses with the system resolver (a blocking call).
enum HostResolver {
    struct Address {
        let bytes: [UInt8]

        /// Dotted IPv4, or IPv6 as eight hex groups (libcurl reads both in CURLOPT_RESOLVE).
        var text: String {
            if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
            return stride(from: 0, to: bytes.count, by: 2)
                .map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
        }
    }

    static func resolve(_ host: String, port: Int) -> Result<[Address], ResolveFailure> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let name = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let status = getaddrinfo(name, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return .failure(ResolveFailure("cannot resolve the host: \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(first) }
        var addresses: [Address] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let socketAddress = current.pointee.ai_addr {
                switch Int32(current.pointee.ai_family) {
                case AF_INET:
                    let ip = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    addresses.append(Address(bytes: withUnsafeBytes(of: ip) { Array($0) }))
                case AF_INET6:
                    let ip = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    addresses.append(Address(bytes: withUnsafeBytes(of: ip) { Array($0) }))
                default:
                    break
                }
            }
            entry = current.pointee.ai_next
        }
        var seen = Set<String>()
        let unique = addresses.filter { seen.insert($0.text).inserted }
        return unique.isEmpty ? .failure(ResolveFailure("the host has no address")) : .success(unique)
    }

    struct ResolveFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
