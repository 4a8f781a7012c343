import ConsentRules
import Foundation
import Logging
import Notifier
import PGClient
import ServiceLifecycle

/// Reminds consumers, once per card, that their card expires before the next debit of a scheduled consent: the
/// policy's days (30) before that debit, a `card_expiring` email with how to update the card, and a
/// `card.expiring` event (and webhook) so billing can ask for new details before the debit fails. Rows are
/// claimed with SKIP LOCKED, so any number of notifiers can sweep at once.
struct CardExpirySweep: Service {
    let pool: PGPool
    let clock: AppClock
    let interval: Duration
    let logger: Logger

    static let actor = "system:notifier"
    static let batchSize = 500

    /// Active scheduled consents whose card now used expires by the month `$1 * 12 + $2 - 1` (from which a
    /// reminder can be owed today at the latest: the policy's days before a debit after the expiry), not yet
    /// reminded for that card, with what the decision needs. Cards already expired stay candidates until
    /// reminded, or until the consent ends.
    static let candidates = PGStatement(
        """
        SELECT c.merchant_id, c.id, c.card_seq, \(ConsentRow.termsAndCardList(alias: "c")), m.timezone,
               p.card_reminder_days, c.last_event_seq, c.last_event_hash
        FROM consents c
        JOIN merchants m ON m.merchant_id = c.merchant_id
        JOIN LATERAL (
            SELECT mp.card_reminder_days FROM merchant_policies mp WHERE mp.merchant_id = c.merchant_id
            ORDER BY mp.version DESC LIMIT 1
        ) p ON true
        WHERE c.status = 'active' AND c.terms_type = 'scheduled'
          AND (c.card_expiry_year, c.card_expiry_month) <= ($1::smallint, $2::smallint)
          AND NOT EXISTS (
              SELECT 1 FROM card_expiry_reminders r
              WHERE r.merchant_id = c.merchant_id AND r.consent_id = c.id AND r.card_seq = c.card_seq)
        ORDER BY c.card_expiry_year, c.card_expiry_month
        LIMIT $3
        FOR UPDATE OF c SKIP LOCKED
        """)

    static let remember = PGStatement(
        """
        INSERT INTO card_expiry_reminders (merchant_id, consent_id, card_seq, outbox_id, debit_date, queued_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        """)

    func run() async throws {
        await PeriodicWork(name: "card expiry reminders", interval: interval, logger: logger) {
            try await sweepOnce().examined == Self.batchSize
        }.run()
    }

    /// One batch: how many candidates it looked at and how many reminders it queued.
    func sweepOnce() async throws -> (examined: Int, reminded: Int) {
        let now = clock.now()
        // No reminder period is longer than 90 days, and no time zone is a day ahead of UTC.
        let latest = now.localDate(in: .gmt).adding(days: 91)
        let counts = try await pool.withTransaction { connection -> (Int, Int) in
            let rows = try connection.query(Self.candidates, [latest.year, latest.month, Self.batchSize])
            var reminded = 0
            for row in rows where try remindIfDue(row, now: now, on: connection) {
                reminded += 1
            }
            return (rows.rowCount, reminded)
        }
        if counts.1 > 0 { logger.info("card expiry reminders queued", metadata: ["count": "\(counts.1)"]) }
        return counts
    }

    private func remindIfDue(_ row: PGRow, now: Instant, on connection: PGConnection) throws -> Bool {
        var cursor = RowCursor(row)
        let merchantId: String = try cursor.next()
        let consentId: UUID = try cursor.next()
        let cardSeq: Int = try cursor.next()
        let capturedTerms = try ConsentRow.decodeTerms(&cursor)
        let card = try ConsentRow.decodeCard(&cursor)
        guard let timeZone = TimeZone(identifier: try cursor.next()) else {
            throw StoredDataError(column: "merchants.timezone")
        }
        let reminderDays: Int = try cursor.next()
        let today = now.localDate(in: timeZone)
        let terms = try ConsentTermsVersions.load(
            merchantId: merchantId, consentId: consentId, day: today, on: connection
        ).amendedTerms ?? capturedTerms
        guard let due = CardExpiryReminder.due(card: card, terms: terms, today: today, reminderDays: reminderDays),
            today >= due.remindOn
        else { return false }
        let messageId = UUID.v7(at: now)
        try OutboxQueue.enqueue(
            .cardExpiring, id: messageId, merchantId: merchantId, consentId: consentId, dueAt: now,
            payload: ["cardSeq": .integer(cardSeq), "debitDate": .string(due.debit.iso)], on: connection)
        _ = try connection.query(
            Self.remember, [merchantId, consentId, cardSeq, messageId, due.debit.iso, now.rfc3339])
        var head = ConsentChainHead(
            merchantId: merchantId, consentId: consentId, lastEventSeq: try cursor.next(),
            lastEventHash: try cursor.next())
        try head.append(
            "card.expiring",
            data: [
                "cardSeq": .integer(cardSeq), "card": CardStore.summary(card), "debitDate": .string(due.debit.iso),
                "outboxId": .string(messageId.lowercasedString),
            ],
            actor: Self.actor, at: now, on: connection)
        return true
    }
}
