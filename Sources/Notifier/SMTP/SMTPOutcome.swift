/// The SMTP envelope of one message: the `MAIL FROM` and `RCPT TO` addresses, without angle brackets.
public struct SMTPEnvelope: Sendable, Hashable {
    public let from: String
    public let recipients: [String]

    public init(from: String, recipients: [String]) {
        self.from = from
        self.recipients = recipients
    }

    /// True when every address can go into an SMTP command as it is: not empty, no angle brackets, no spaces,
    /// control characters or DEL (so no address can smuggle a CRLF and a command of its own), at least one
    /// recipient. Non-ASCII (SMTPUTF8) addresses pass; whether the server takes them is the server's reply.
    var isWellFormed: Bool {
        guard !recipients.isEmpty else { return false }
        return ([from] + recipients).allSatisfy { address in
            !address.isEmpty && address.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
        }
    }
}

/// How one delivery attempt ended. Store the reply with the message; retry only ``transientFailure(reply:reason:)``.
public enum SMTPOutcome: Sendable, Equatable {
    /// The server took the message. `reply` is its final reply, e.g. `250 2.0.0 Ok: queued as ABC`.
    case accepted(reply: String)
    /// Try again later: a 4xx reply, connection refused or lost, a timeout, TLS trouble (including a server
    /// that does not offer STARTTLS), a rejected SMTP login, or the transport shutting down. `reply` is the
    /// server's failing reply when there was one.
    case transientFailure(reply: String?, reason: String)
    /// Do not retry: the server refused this message with a 5xx reply (or the envelope could not be put into
    /// SMTP commands at all, in which case `reply` is empty).
    case permanentFailure(reply: String, reason: String)
}

extension SMTPOutcome {
    /// The server's reply, if any, for storing with the message.
    public var reply: String? {
        switch self {
        case .accepted(let reply): reply
        case .transientFailure(let reply, _): reply
        case .permanentFailure(let reply, _): reply.isEmpty ? nil : reply
        }
    }

    public var isRetryable: Bool {
        if case .transientFailure = self { return true }
        return false
    }
}
