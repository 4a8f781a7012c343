import ConsentRules
import Foundation
import Notifier
import PGClient

/// Turns the service's outbox rows into emails and webhook posts, and records what became of the emails on the
/// consent's history.
struct ConsentMessageHandler: OutboxMessageHandler {
    let pool: PGPool
    let templates: MessageTemplates
    /// Where cancel links point, without a trailing slash.
    let publicURL: String
    let metrics: NotifierMetrics
    let keyring: PersonalDataKeyring
    let subjects: MessageSubjectLoader

    init(
        pool: PGPool, templates: MessageTemplates, publicURL: String, metrics: NotifierMetrics,
        keyring: PersonalDataKeyring
    ) {
        self.pool = pool
        self.templates = templates
        self.publicURL = publicURL
        self.metrics = metrics
        self.keyring = keyring
        subjects = MessageSubjectLoader(pool: pool, keyring: keyring)
    }

    static let actor = "system:notifier"

    func compose(_ message: ClaimedMessage, attemptAt: Instant) async throws -> OutboxComposition {
        if message.kind == .webhook {
            return try await WebhookMessage.compose(message, attemptAt: attemptAt, pool: pool)
        }
        let kind = message.kind
        guard let consentId = message.consentId,
            let subject = try await subjects.load(merchantId: message.merchantId, consentId: consentId)
        else {
            return .withdraw(reason: "the consent no longer exists")
        }
        var debit: MessageFacts.Debit?
        if kind == .notice {
            // No further notice once a consent has ended, whatever was announced before.
            let status = subject.consent.effectiveStatus(at: attemptAt)
            guard status == .active || status == .pending else {
                return .withdraw(reason: "the consent is \(status.rawValue)")
            }
            guard let announced = try await AnnouncedDebit.load(noticeOf: message, pool: pool) else {
                return .withdraw(reason: "the debit no longer exists")
            }
            debit = MessageFacts.Debit(amount: announced.amount, date: announced.date)
        }
        if kind == .cardExpiring {
            let status = subject.consent.effectiveStatus(at: attemptAt)
            guard status == .active else { return .withdraw(reason: "the consent is \(status.rawValue)") }
            let payload = try? JSONValue.parse(Array(message.payload.utf8))
            guard let date = payload?["debitDate"]?.stringValue.flatMap(LocalDate.init(iso:)) else {
                throw ComposeError(message: "a card expiry reminder without its debit date")
            }
            // A card recorded since the reminder was queued may well pay that debit.
            guard subject.consent.draft.card.isExpired(on: date) else {
                return .withdraw(reason: "a card valid on \(date.iso) was recorded meanwhile")
            }
            debit = MessageFacts.Debit(amount: subject.consent.draft.terms.amount, date: date)
        }
        var amendment: MessageFacts.Amendment?
        if kind.isAboutAnAmendment {
            guard let loaded = try await AmendmentMessage.load(message, pool: pool, keyring: keyring) else {
                return .withdraw(reason: "the amendment no longer exists")
            }
            if kind != .amendmentWithdrawn, loaded.amendment.withdrawnAt != nil {
                return .withdraw(reason: "the amendment was withdrawn")
            }
            if kind == .amendmentNotice {
                let status = subject.consent.effectiveStatus(at: attemptAt)
                guard status == .active || status == .pending else {
                    return .withdraw(reason: "the consent is \(status.rawValue)")
                }
            }
            let changed = loaded.amendment
            amendment = MessageFacts.Amendment(
                version: changed.version, effectiveFrom: changed.effectiveFrom, reason: changed.reason,
                oldTerms: loaded.previousTerms ?? subject.consent.draft.terms, newTerms: changed.terms)
        }
        let email = try ConsentEmail.build(
            kind, subject: subject, templates: templates, publicURL: publicURL, outboxId: message.id, date: attemptAt,
            keyring: keyring, debit: debit, amendment: amendment)
        return .send(email.outgoing, evidence: email.evidence)
    }

    static let consentState = PGStatement(
        "SELECT status, \(microseconds("expires_at")) FROM consents WHERE merchant_id = $1 AND id = $2")

    /// A notice (of a debit or of an amendment) goes out only while its consent can still be debited; asked
    /// again right before it is handed over, since a cancellation may have come while it waited. When the answer
    /// cannot be had, it waits too.
    func stillWanted(_ message: ClaimedMessage, at now: Instant) async -> Bool {
        guard message.kind == .notice || message.kind == .amendmentNotice else { return true }
        guard let consentId = message.consentId else { return false }
        do {
            return try await pool.withConnection { connection in
                let result = try connection.query(Self.consentState, [message.merchantId, consentId])
                guard result.rowCount == 1,
                    let status = ConsentStatus(rawValue: try result[0].decode(String.self, 0))
                else { return false }
                let expiresAt = Instant(microsecondsSinceEpoch: try result[0].decode(Int64.self, 1))
                let effective = status.effective(expiresAt: expiresAt, at: now)
                return effective == .active || effective == .pending
            }
        } catch {
            return false
        }
    }

    /// The sent messages' events on their consents' histories, for a whole batch at once: the messages are in
    /// the order they were recorded, and events on one consent are chained in that order. A message whose consent
    /// no longer exists (or a webhook) gets no event.
    func recordSent(_ sent: [OutboxQueue.SentMessage], on connection: PGConnection) throws {
        let emails = sent.compactMap { one -> (OutboxQueue.SentMessage, ConsentChainBatch.Key)? in
            guard one.message.kind.isEmail, let consentId = one.message.consentId else { return nil }
            return (one, ConsentChainBatch.Key(merchantId: one.message.merchantId, consentId: consentId))
        }
        var chains = try ConsentChainBatch.lock(emails.map { $0.1 }, on: connection)
        for (one, key) in emails where chains.contains(key) {
            let (message, delivery) = (one.message, one.delivery)
            var data: [String: JSONValue] = [
                "outboxId": .string(message.id.lowercasedString), "messageId": .string(delivery.messageId),
                "sentAt": .string(delivery.sentAt.rfc3339), "serverReply": .string(delivery.serverReply),
            ]
            switch one.message.kind {
            case .confirmation:
                chains.append(
                    "confirmation.sent", data: .object(data), actor: Self.actor, at: delivery.sentAt,
                    confirmationSentAt: delivery.sentAt, to: key)
            case .notice:
                if let debitId = try AnnouncedDebit.recordNoticeSent(message, at: delivery.sentAt, on: connection) {
                    data["debitId"] = .string(debitId.lowercasedString)
                }
                chains.append("notice.sent", data: .object(data), actor: Self.actor, at: delivery.sentAt, to: key)
            case .cancellation:
                chains.append(
                    "cancellation_confirmation.sent", data: .object(data), actor: Self.actor, at: delivery.sentAt,
                    to: key)
            case .cardExpiring:
                chains.append("card_expiring.sent", data: .object(data), actor: Self.actor, at: delivery.sentAt, to: key)
            case .amendmentNotice, .amendmentConfirmation, .amendmentWithdrawn:
                if let amendmentId = try AmendmentMessage.recordSent(message, at: delivery.sentAt, on: connection) {
                    data["amendmentId"] = .string(amendmentId.lowercasedString)
                }
                chains.append(
                    "\(message.kind.rawValue).sent", data: .object(data), actor: Self.actor, at: delivery.sentAt,
                    to: key)
            case .webhook:
                break
            }
        }
        try chains.write(on: connection)
    }

    func recordFailed(_ message: ClaimedMessage, _ failure: OutboxFailure, on connection: PGConnection) throws {
        if message.kind == .webhook {
            if failure.destinationGone { try WebhookMessage.disableEndpoint(of: message, at: failure.at, on: connection) }
            return
        }
        guard let consentId = message.consentId,
            var head = try ConsentChainHead.lock(merchantId: message.merchantId, consentId: consentId, on: connection)
        else { return }
        try head.append(
            "\(message.kind.rawValue).failed",
            data: [
                "outboxId": .string(message.id.lowercasedString), "attempts": .integer(message.attempts),
                "reason": .string(failure.reason),
            ],
            actor: Self.actor, at: failure.at, on: connection)
    }

    func attemptFinished(_ message: ClaimedMessage, result: OutboxAttemptResult) {
        metrics.attemptFinished(kind: message.kind, result: result)
    }

    func giveUpAfterSeconds(for kind: OutboxKind) -> Int64? {
        kind == .webhook ? WebhookMessage.giveUpAfterSeconds : nil
    }
}

struct ComposeError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
