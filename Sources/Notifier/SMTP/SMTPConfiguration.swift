import CCurl

/// Where and how the SMTP transport delivers mail.
///
/// `description` never shows the password. Build one from an `SMTP_URL` with ``parse(url:security:caFile:connectTimeout:totalTimeout:connections:)``
/// or with the memberwise initialiser; ``SMTPTransport`` checks it again when it starts.
public struct SMTPConfiguration: Sendable, CustomStringConvertible {
    public enum Security: Sendable, Hashable, CustomStringConvertible {
        /// `smtp://`: the transport sends STARTTLS and refuses to go on if the server does not offer it or the
        /// upgrade fails (`CURLUSESSL_ALL`). Nothing is ever sent in plaintext.
        case startTLSRequired
        /// `smtps://`: TLS from the first byte.
        case implicitTLS
        /// `smtp://` without TLS, for local test sinks only: refused unless the host is `127.0.0.1`, `::1` or
        /// `localhost`.
        case plaintextOnLoopback

        public var description: String {
            switch self {
            case .startTLSRequired: "startTLSRequired"
            case .implicitTLS: "implicitTLS"
            case .plaintextOnLoopback: "plaintextOnLoopback"
            }
        }
    }

    /// `smtp://host:port` or `smtps://host:port`, without user information. An optional path is the name the
    /// transport presents in EHLO (libcurl's convention); without one libcurl uses the local host name.
    public var url: String
    public var security: Security
    public var username: String?
    /// Never logged, never shown in `description`.
    public var password: String?
    /// A PEM file of CA certificates to verify the server with, used instead of the system's default bundle
    /// file (`CURLOPT_CAINFO`; tests use a throwaway CA). Peer and host name verification are never turned off.
    public var caFile: String?
    /// How long opening a connection (TCP and TLS) may take.
    public var connectTimeout: Duration
    /// How long one whole delivery may take, connecting included.
    public var totalTimeout: Duration
    /// How many SMTP connections run in parallel, each on its own thread with its own reused libcurl handle.
    public var connections: Int

    public init(
        url: String,
        security: Security,
        username: String? = nil,
        password: String? = nil,
        caFile: String? = nil,
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(60),
        connections: Int = 4
    ) {
        self.url = url
        self.security = security
        self.username = username
        self.password = password
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.connections = connections
    }

    /// Reads an `SMTP_URL` such as `smtp://user:pass@host:587` or `smtps://host:465`.
    ///
    /// The user information is percent-decoded into ``username`` and ``password`` and removed from ``url``.
    /// The scheme decides the security unless `security` is given: `smtp` means ``Security/startTLSRequired``,
    /// `smtps` ``Security/implicitTLS``. Throws ``SMTPConfigurationError`` for anything else, and for a
    /// ``Security/plaintextOnLoopback`` URL whose host is not loopback.
    public static func parse(
        url: String,
        security: Security? = nil,
        caFile: String? = nil,
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(60),
        connections: Int = 4
    ) throws(SMTPConfigurationError) -> SMTPConfiguration {
        let parsed = try SMTPURL(url)
        let configuration = SMTPConfiguration(
            url: parsed.urlWithoutUserInfo,
            security: security ?? (parsed.scheme == "smtps" ? .implicitTLS : .startTLSRequired),
            username: parsed.username,
            password: parsed.password,
            caFile: caFile,
            connectTimeout: connectTimeout,
            totalTimeout: totalTimeout,
            connections: connections
        )
        _ = try configuration.validated()
        return configuration
    }

    public var description: String {
        var parts = ["url: \(url)", "security: \(security)"]
        if username != nil { parts.append("username: set") }
        if password != nil { parts.append("password: set") }
        if let caFile { parts.append("caFile: \(caFile)") }
        parts += ["connectTimeout: \(connectTimeout)", "totalTimeout: \(totalTimeout)", "connections: \(connections)"]
        return "SMTPConfiguration(\(parts.joined(separator: ", ")))"
    }

    /// The configuration as the transport uses it: checked, with credentials taken out of the URL (explicit
    /// `username`/`password` win over ones in the URL).
    func validated() throws(SMTPConfigurationError) -> SMTPConfiguration {
        let parsed = try SMTPURL(url)
        switch security {
        case .implicitTLS:
            guard parsed.scheme == "smtps" else {
                throw SMTPConfigurationError(.securityMismatch, context: "implicitTLS needs an smtps:// URL")
            }
        case .startTLSRequired:
            guard parsed.scheme == "smtp" else {
                throw SMTPConfigurationError(.securityMismatch, context: "startTLSRequired needs an smtp:// URL")
            }
        case .plaintextOnLoopback:
            guard parsed.scheme == "smtp" else {
                throw SMTPConfigurationError(.securityMismatch, context: "plaintextOnLoopback needs an smtp:// URL")
            }
            guard parsed.isLoopback else {
                throw SMTPConfigurationError(
                    .plaintextNotLoopback,
                    context: "plaintext SMTP is allowed only to 127.0.0.1, ::1 or localhost"
                )
            }
        }
        guard connections >= 1, connections <= 64 else {
            throw SMTPConfigurationError(.invalidValue, context: "connections must be between 1 and 64")
        }
        guard connectTimeout > .zero, totalTimeout > .zero else {
            throw SMTPConfigurationError(.invalidValue, context: "timeouts must be positive")
        }
        for value in [username, password, caFile] {
            if let value, value.utf8.contains(0) {
                throw SMTPConfigurationError(.invalidValue, context: "credentials and paths must not contain NUL")
            }
        }
        var copy = self
        copy.url = parsed.urlWithoutUserInfo
        if copy.username == nil, copy.password == nil {
            copy.username = parsed.username
            copy.password = parsed.password
        }
        return copy
    }
}

/// A configuration the SMTP transport cannot use. `description` names the problem, never the password.
public struct SMTPConfigurationError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidURL
            case securityMismatch
            case plaintextNotLoopback
            case invalidValue
            case curlUnavailable
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The URL is not an `smtp://` or `smtps://` URL with a host.
        public static let invalidURL = Code(.invalidURL)
        /// The security mode does not fit the URL's scheme.
        public static let securityMismatch = Code(.securityMismatch)
        /// `plaintextOnLoopback` with a host that is not loopback.
        public static let plaintextNotLoopback = Code(.plaintextNotLoopback)
        /// A number or string out of range.
        public static let invalidValue = Code(.invalidValue)
        /// libcurl could not be initialised or refused an option (for example a build without SMTP or TLS).
        public static let curlUnavailable = Code(.curlUnavailable)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// What was wrong, in words chosen by this module that contain no credentials.
    public var context: String
    public var file: String
    public var line: Int

    public init(_ code: Code, context: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.context = context
        self.file = file
        self.line = line
    }

    public var description: String {
        "SMTPConfigurationError(code: \(code), context: \(context), at: \(file):\(line))"
    }
}

/// An SMTP URL taken apart by libcurl's own parser, so the host checked here is the host libcurl connects to.
struct SMTPURL {
    let scheme: String
    let host: String
    let username: String?
    let password: String?
    let urlWithoutUserInfo: String

    var isLoopback: Bool {
        ["127.0.0.1", "[::1]", "::1", "localhost"].contains(host.lowercased())
    }

    init(_ text: String) throws(SMTPConfigurationError) {
        guard !text.utf8.contains(0) else {
            throw SMTPConfigurationError(.invalidURL, context: "the SMTP URL contains NUL")
        }
        guard let handle = CurlURLHandle() else {
            throw SMTPConfigurationError(.curlUnavailable, context: "curl_url() failed")
        }
        guard curl_url_set(handle.pointer, CURLUPART_URL, text, 0) == CURLUE_OK else {
            throw SMTPConfigurationError(.invalidURL, context: "the SMTP URL cannot be parsed")
        }
        let scheme = handle.part(CURLUPART_SCHEME)?.lowercased() ?? ""
        guard scheme == "smtp" || scheme == "smtps" else {
            throw SMTPConfigurationError(.invalidURL, context: "the SMTP URL must start with smtp:// or smtps://")
        }
        guard let host = handle.part(CURLUPART_HOST), !host.isEmpty else {
            throw SMTPConfigurationError(.invalidURL, context: "the SMTP URL has no host")
        }
        guard handle.part(CURLUPART_QUERY) == nil, handle.part(CURLUPART_FRAGMENT) == nil,
            handle.part(CURLUPART_OPTIONS) == nil
        else {
            throw SMTPConfigurationError(.invalidURL, context: "the SMTP URL must not have a query, fragment or options")
        }
        let username = handle.part(CURLUPART_USER, flags: UInt32(CURLU_URLDECODE))
        let password = handle.part(CURLUPART_PASSWORD, flags: UInt32(CURLU_URLDECODE))
        guard curl_url_set(handle.pointer, CURLUPART_USER, nil, 0) == CURLUE_OK,
            curl_url_set(handle.pointer, CURLUPART_PASSWORD, nil, 0) == CURLUE_OK,
            let stripped = handle.part(CURLUPART_URL)
        else {
            throw SMTPConfigurationError(.invalidURL, context: "the SMTP URL cannot be rebuilt without credentials")
        }
        self.scheme = scheme
        self.host = host
        self.username = username
        self.password = password
        self.urlWithoutUserInfo = stripped
    }
}
