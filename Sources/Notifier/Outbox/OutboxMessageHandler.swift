import ConsentRules
import PGClient

/// What a claimed message turns into for one attempt.
public enum OutboxComposition: Sendable {
    /// Send these bytes; `evidence` is kept with the message once the server accepts it.
    case send(OutgoingMessage, evidence: MessageEvidence)
    /// Post this webhook; `evidence` is kept once the endpoint answers 2xx.
    case post(WebhookPost, evidence: MessageEvidence)
    /// Do not send, now or later (the consent was cancelled or deleted meanwhile).
    case withdraw(reason: String)
    /// Still owed but undeliverable for good (its webhook endpoint was disabled): fail without trying.
    case fail(reason: String)
}

/// Who a message went to, as the outbox keeps it: as is, or sealed by the service (a consumer's address is
/// personal data; the notifier never needs to read it back).
public enum StoredRecipient: Sendable, Equatable {
    case plain(String)
    case sealed(bytes: [UInt8], keyId: String)

    /// The address when it is kept as is.
    var plainAddress: String? {
        if case .plain(let address) = self { address } else { nil }
    }

    var sealedBytes: [UInt8]? {
        if case .sealed(let bytes, _) = self { bytes } else { nil }
    }

    var sealingKeyId: String? {
        if case .sealed(_, let keyId) = self { keyId } else { nil }
    }
}

/// What is kept about a sent message beside the server's reply, so an auditor can tell what the consumer got.
public struct MessageEvidence: Sendable {
    public let recipient: StoredRecipient
    public let subject: String
    /// nil for a webhook.
    public let language: String?

    public init(recipient: StoredRecipient, subject: String, language: String?) {
        self.recipient = recipient
        self.subject = subject
        self.language = language
    }
}

/// Why a message failed for good, as the handler records it.
public struct OutboxFailure: Sendable {
    public let reason: String
    public let at: Instant
    /// The webhook endpoint answered `410 Gone`: it asks never to be called again.
    public let destinationGone: Bool

    public init(reason: String, at: Instant, destinationGone: Bool = false) {
        self.reason = reason
        self.at = at
        self.destinationGone = destinationGone
    }
}

/// How one attempt at a message ended, once recorded.
public enum OutboxAttemptResult: Sendable, Equatable {
    case sent
    case retryScheduled
    case failed
    case withdrawn
    case released
    /// Another worker took the message over (our lease ran out); what we did was not recorded.
    case lostLease
}

/// The part of the outbox worker that knows what messages mean: the service supplies it, the worker drives it.
public protocol OutboxMessageHandler: Sendable {
    /// Builds the message for this attempt. Throwing counts as a transient failure.
    func compose(_ message: ClaimedMessage, attemptAt: Instant) async throws -> OutboxComposition
    /// Runs in the transaction that marks a batch of messages sent, with only those whose lease was still ours,
    /// in the order they were recorded; if it throws, none of them is recorded.
    func recordSent(_ sent: [OutboxQueue.SentMessage], on connection: PGConnection) throws
    /// Runs in the transaction that marks the message failed for good, only while the lease is held.
    func recordFailed(_ message: ClaimedMessage, _ failure: OutboxFailure, on connection: PGConnection) throws
    /// Called after the attempt's outcome was committed (or found superseded), for metrics and logs.
    func attemptFinished(_ message: ClaimedMessage, result: OutboxAttemptResult)
    /// How long messages of this kind keep being retried after they were queued; nil for the worker's setting.
    func giveUpAfterSeconds(for kind: OutboxKind) -> Int64?
    /// Asked again right before a composed email is handed over, which may be minutes after it was composed
    /// (it waited for a connection): false gives the message back unsent, and its next attempt decides anew.
    func stillWanted(_ message: ClaimedMessage, at now: Instant) async -> Bool
}

extension OutboxMessageHandler {
    public func giveUpAfterSeconds(for kind: OutboxKind) -> Int64? { nil }
    public func stillWanted(_ message: ClaimedMessage, at now: Instant) async -> Bool { true }
}
