import ConsentRules
import Notifier
import PGClient

/// A handler for tests of the queue alone, which never compose: what a batch of sent messages writes is the
/// test's `onSent`.
struct QueueTestHandler: OutboxMessageHandler {
    var onSent: @Sendable ([OutboxQueue.SentMessage], PGConnection) throws -> Void = { _, _ in }

    func compose(_ message: ClaimedMessage, attemptAt: Instant) async throws -> OutboxComposition {
        .fail(reason: "queue tests compose nothing")
    }

    func recordSent(_ sent: [OutboxQueue.SentMessage], on connection: PGConnection) throws {
        try onSent(sent, connection)
    }

    func recordFailed(_ message: ClaimedMessage, _ failure: OutboxFailure, on connection: PGConnection) throws {}

    func attemptFinished(_ message: ClaimedMessage, result: OutboxAttemptResult) {}
}
