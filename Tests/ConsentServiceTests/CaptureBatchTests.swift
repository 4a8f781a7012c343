import ConsentRules
import Foundation
import PGClient
import Testing

@testable import ConsentService

/// Captures that arrive together share one key lookup and one insert statement (`StatementBatcher`,
/// `ConsentCaptureStatement`). Each must still get exactly the answer it would get alone, and what one capture
/// gets wrong must never keep another out or leave half a consent behind.
@Suite struct CaptureBatchTests {
    @Test func concurrentCapturesEachGetTheirOwnAnswer() async throws {
        let merchant = try await TestMerchant.make()
        let other = try await TestMerchant.make()
        let twin = ConsentBody.valid(reference: "order-twin")
        let sharedRecurrence = "rec-shared-" + randomLetters(8)

        enum Expected: Sendable { case created(String), createdOrReplayed, contested(String), refused(Int) }
        var requests: [(key: String?, body: JSONValue, expected: Expected)] = []
        for number in 0..<10 {
            requests.append((merchant.keys[.checkout], ConsentBody.valid(reference: "order-active-\(number)"), .created("active")))
            requests.append((merchant.keys[.admin], ConsentBody.valid(reference: "order-pending-\(number)", recurrenceId: nil), .created("pending")))
        }
        for _ in 0..<8 { requests.append((merchant.keys[.checkout], twin, .createdOrReplayed)) }
        for number in 0..<4 {
            // The same reference with different terms: one goes in, the others are refused.
            let body = ConsentBody.valid(reference: "order-contested").setting("terms.amount", .string("1\(number).00"))
            requests.append((other.keys[.checkout], body, .contested("duplicate_merchant_reference")))
            requests.append((other.keys[.checkout], ConsentBody.valid(reference: "order-rec-\(number)", recurrenceId: sharedRecurrence),
                             .contested("duplicate_recurrence_id")))
        }
        requests.append(("csk_unknown", ConsentBody.valid(), .refused(401)))
        requests.append((merchant.keys[.auditor], ConsentBody.valid(), .refused(403)))
        requests.append((merchant.keys[.checkout], ConsentBody.valid().setting("terms.currency", .string("XXX")), .refused(422)))

        let sent = requests.map { (key: $0.key, body: $0.body) }
        let answers = try await merchant.test { client in
            try await withThrowingTaskGroup(of: (Int, APIResponse).self) { group in
                for (index, request) in sent.enumerated() {
                    group.addTask {
                        (index, try await client.call(.post, "/v1/consents", key: request.key, json: request.body))
                    }
                }
                var answers: [Int: APIResponse] = [:]
                for try await (index, response) in group { answers[index] = response }
                return answers
            }
        }

        var twinIds = Set<String>()
        var twinCreated = 0
        var contested: [String: (created: Int, refused: Int)] = [:]
        for (index, request) in requests.enumerated() {
            let answer = try #require(answers[index])
            switch request.expected {
            case .created(let status):
                #expect(answer.status == .created, "request \(index)")
                #expect(try answer.json["status"]?.stringValue == status)
                #expect(try answer.json["merchantReference"] == request.body["merchantReference"])
            case .createdOrReplayed:
                #expect(answer.status == .created || answer.status == .ok, "request \(index): \(answer.status)")
                if answer.status == .created { twinCreated += 1 }
                twinIds.insert(try #require(try answer.json["id"]?.stringValue))
            case .contested(let code):
                if answer.status == .created {
                    contested[code, default: (0, 0)].created += 1
                } else {
                    #expect(answer.status == .conflict, "request \(index): \(answer.status)")
                    #expect(answer.errorCode == code)
                    contested[code, default: (0, 0)].refused += 1
                }
            case .refused(let status):
                #expect(answer.status.code == status, "request \(index)")
            }
        }
        #expect(twinCreated == 1)
        #expect(twinIds.count == 1, "every twin names the one stored consent")
        #expect(contested["duplicate_merchant_reference"]?.created == 1)
        #expect(contested["duplicate_merchant_reference"]?.refused == 3)
        #expect(contested["duplicate_recurrence_id"]?.created == 1)
        #expect(contested["duplicate_recurrence_id"]?.refused == 3)

        // 21 consents, 11 of them active: two events and one confirmation each, one event per pending one.
        let counts = try await merchant.rowCounts()
        #expect(counts["consents"] == 21)
        #expect(counts["consent_events"] == 11 * 2 + 10)
        #expect(counts["outbox"] == 11)
        let otherCounts = try await other.rowCounts()
        #expect(otherCounts["consents"] == 2)
        #expect(otherCounts["consent_events"] == 4)
        #expect(otherCounts["outbox"] == 2)
    }

    /// A capture ready to insert, as the service prepares it for `merchant`.
    static func pending(_ body: JSONValue, merchant: TestMerchant) async throws -> PendingCapture {
        let keyHash = APIKey.hash(try #require(merchant.keys[.checkout]))
        let principal = try await merchant.shared.pool.withConnection { connection in
            try Authenticator.principal(keyHash: keyHash, on: connection, permission: .createConsent)
        }
        let now = merchant.clock.now
        guard case .valid(let draft) = ConsentDraftValidator.validate(
            body, now: now, today: now.localDate(in: principal.merchant.timeZone))
        else {
            throw ConfigurationError(message: "the test's consent body is not valid")
        }
        let calendar = try #require(merchant.shared.calendars.calendar(for: principal.merchant.country))
        var consent = NewConsent.record(
            draft: draft, merchant: principal.merchant, calendar: calendar,
            requestHash: Digest.sha256Hex(body.serialized()), now: now)
        let events = NewConsent.events(for: &consent, actor: principal.actor)
        return PendingCapture(
            consent: consent, events: events, confirmationId: consent.status == .active ? UUID.v7(at: now) : nil,
            capturedAt: now)
    }

    static func insert(_ captures: [PendingCapture], merchant: TestMerchant) async throws -> [Result<Bool, any Error>] {
        try await merchant.shared.pool.withConnection { connection in
            ConsentCaptureStatement.insert(captures, keyring: TestEnvironment.keyring, on: connection)
        }
    }

    @Test func aCaptureTheDatabaseRefusesFailsAloneAndTheOthersOfItsBatchGoIn() async throws {
        let merchant = try await TestMerchant.make()
        let first = try await Self.pending(ConsentBody.valid(reference: "order-first"), merchant: merchant)
        let active = try await Self.pending(ConsentBody.valid(reference: "order-broken"), merchant: merchant)
        // Active consents have an activation time; a pending one with one breaks a CHECK of the table.
        var consent = active.consent
        consent.status = .pending
        let broken = PendingCapture(
            consent: consent, events: active.events, confirmationId: active.confirmationId, capturedAt: active.capturedAt)
        let last = try await Self.pending(ConsentBody.valid(reference: "order-last", recurrenceId: nil), merchant: merchant)

        let results = try await Self.insert([first, broken, last], merchant: merchant)
        #expect(results.count == 3)
        #expect(try results[0].get() == true)
        #expect(throws: PGError.self) { try results[1].get() }
        #expect(try results[2].get() == true)
        let counts = try await merchant.rowCounts()
        #expect(counts["consents"] == 2)
        #expect(counts["consent_events"] == 3, "two for the active consent, one for the pending one")
        #expect(counts["outbox"] == 1, "the active consent's confirmation only")
    }

    @Test func aCaptureInConflictWithOneBeforeItInTheSameBatchIsLeftOutWithItsEventsAndConfirmation() async throws {
        let merchant = try await TestMerchant.make()
        let original = try await Self.pending(ConsentBody.valid(reference: "order-same"), merchant: merchant)
        let sameReference = try await Self.pending(ConsentBody.valid(reference: "order-same"), merchant: merchant)
        let recurrenceId = try #require(original.consent.draft.recurrenceId)
        let sameRecurrence = try await Self.pending(
            ConsentBody.valid(reference: "order-other", recurrenceId: recurrenceId), merchant: merchant)

        let results = try await Self.insert([original, sameReference, sameRecurrence], merchant: merchant)
        #expect(try results.map { try $0.get() } == [true, false, false])
        let stored = try await merchant.shared.pool.withConnection { connection in
            try connection.query(
                "SELECT DISTINCT consent_id FROM consent_events WHERE merchant_id = $1 UNION ALL "
                    + "SELECT DISTINCT consent_id FROM outbox WHERE merchant_id = $1", [merchant.id]
            ).map { try $0.decode(UUID.self, 0) }
        }
        #expect(stored == [original.consent.id, original.consent.id])
        #expect(try await merchant.rowCounts()["consent_events"] == 2)
    }
}
