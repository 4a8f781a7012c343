import ConsentRules
import Foundation
import HummingbirdTesting
import Notifier
import TestSupport
import Testing

@testable import ConsentService

/// `GET /v1/compliance/report` through the router against a database in which each duty was met, missed and
/// left pending by the service itself: confirmations and notices sent by the notifier to the outbox folder or
/// refused by a real SMTP server, a cancellation, payments, a card-expiry sweep and a legal hold. The clock
/// starts on Saturday 2026-11-21 in Vilnius; every notice period is 14 days.
@Suite struct ComplianceReportTests {
    static func report(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ query: String, role: Role = .auditor
    ) async throws -> APIResponse {
        try await client.call(.get, "/v1/compliance/report?\(query)", key: merchant.keys[role], contentType: nil)
    }

    /// Each line as "duty outcome" → (count, consent ids).
    static func lines(_ response: APIResponse) throws -> [String: (count: Int, ids: Set<String>)] {
        #expect(response.status == .ok, "\(String(decoding: response.bytes.prefix(300), as: UTF8.self))")
        var lines: [String: (count: Int, ids: Set<String>)] = [:]
        for line in try response.json["lines"]?.arrayValue ?? [] {
            let key = "\(line["duty"]?.stringValue ?? "?") \(line["outcome"]?.stringValue ?? "?")"
            let ids = Set((line["consentIds"]?.arrayValue ?? []).compactMap(\.stringValue))
            lines[key] = (line["count"]?.intValue ?? -1, ids)
        }
        return lines
    }

    /// Captures `body`, under a reference of its own, as accepted at the clock's present moment.
    static func capture(
        _ merchant: TestMerchant, _ body: JSONValue = ConsentBody.valid(), client: any TestClientProtocol
    ) async throws -> String {
        let fresh = body.setting("evidence.acceptedAt", .string(merchant.clock.now.rfc3339))
            .setting("merchantReference", .string("order-" + randomLetters(8)))
            .setting("recurrenceId", .string("rec-" + randomLetters()))
        return try await ValidityTests.capture(merchant, fresh, client: client)
    }

    static func announce(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String, on date: String
    ) async throws {
        let response = try await DebitAnnouncementTests.announce(
            client, merchant, id, ["amount": "25.00", "currency": "EUR", "date": .string(date)])
        #expect(response.status == .created, "\(String(decoding: response.bytes, as: UTF8.self))")
    }

    static func drain(_ merchant: TestMerchant, url: String, smtp: SMTPConfiguration? = nil) async throws {
        let notifier = try await ConfirmationDeliveryTests.notifier(merchant, url: url, smtp: smtp)
        while try await notifier.worker.drainOneBatch() > 0 {}
        await ConfirmationDeliveryTests.stop(notifier)
    }

    @Test func everyDutyIsCountedExactlyWithItsConsents() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            try await merchant.test { client in
                // Saturday 21 November: a confirmation due on Tuesday the 24th, sent only on Wednesday.
                let late = try await Self.capture(merchant, client: client)
                merchant.clock.set(try #require(Instant(rfc3339: "2026-11-25T10:00:00Z")))
                let onTime = try await Self.capture(merchant, client: client)
                let variable = try await Self.capture(merchant, DebitAnnouncementTests.variableTerms, client: client)
                let cancelled = try await Self.capture(merchant, DebitAnnouncementTests.variableTerms, client: client)
                let expiring = try await Self.capture(
                    merchant,
                    ConsentBody.valid().setting("terms.frequency", ["interval": "monthly"])
                        .setting("card.expiryMonth", 12).setting("card.expiryYear", 2026),
                    client: client)
                let notified = try await AmendmentTests.amend(
                    client, merchant, variable,
                    ["terms": ["maxAmount": "40.00"], "effectiveFrom": "2026-12-20", "reason": "Lower cap"])
                #expect(notified.status == .created)
                let agreed = try await AmendmentTests.amend(
                    client, merchant, onTime,
                    [
                        "terms": ["amount": "12.99"], "effectiveFrom": "2027-01-14", "reason": "Price review",
                        "evidence": AmendmentTests.evidence.setting("acceptedAt", "2026-11-25T09:30:00Z"),
                    ])
                #expect(agreed.status == .created)
                // Notices for 20 and 9 December go out in time; the one for 5 December was due by 21 November.
                for date in ["2026-12-20", "2026-12-09", "2026-12-05"] {
                    try await Self.announce(client, merchant, variable, on: date)
                }
                try await Self.drain(merchant, url: url)

                // A mail server that refuses every recipient: a confirmation and a notice fail for good.
                let refused = try await Self.capture(merchant, client: client)
                try await Self.announce(client, merchant, variable, on: "2026-12-23")
                var rejecting = SMTPTestServer.Options()
                rejecting.rejectsRecipients = true
                try await SMTPTestServer.with(rejecting) { server in
                    try await Self.drain(merchant, url: url, smtp: ConfirmationDeliveryTests.plaintext(server))
                }

                // A notice withdrawn by the cancellation; a payment taken before it and one taken after it.
                try await Self.announce(client, merchant, cancelled, on: "2026-12-21")
                merchant.clock.advance(seconds: 3600)
                #expect(
                    try await CancellationTests.cancel(client, merchant, cancelled, ["requestedBy": "consumer"]).status
                        == .ok)

                merchant.clock.set(try #require(Instant(rfc3339: "2026-12-16T12:00:00Z")))
                for (payment, executedAt) in [("before", "2026-11-25T10:30:00Z"), ("after", "2026-11-27T08:00:00Z")] {
                    let body = PaymentTests.payment(payment, amount: "25.00").setting("executedAt", .string(executedAt))
                    #expect(try await PaymentTests.pay(client, merchant, cancelled, body).status == .created)
                }
                // The card runs out before the debit of 15 January: reminded on 16 December, and sent.
                let sweep = CardExpirySweep(
                    pool: database.pool, clock: merchant.clock.appClock, interval: .seconds(60),
                    logger: ConfirmationDeliveryTests.TestLogging.quiet)
                #expect(try await sweep.sweepOnce().reminded == 1)
                try await Self.drain(merchant, url: url)

                // Left unsent: a notice past its last day (8 December), one not yet due, a confirmation due on
                // the 18th.
                try await Self.announce(client, merchant, variable, on: "2026-12-22")
                try await Self.announce(client, merchant, variable, on: "2027-01-10")
                let waiting = try await Self.capture(merchant, client: client)
                let hold = try await client.call(
                    .post, "/v1/consents/\(late)/legal-hold", key: merchant.keys[.admin], json: ["reason": "Dispute"])
                #expect(hold.status == .ok)

                let response = try await Self.report(client, merchant, "from=2026-11-01&to=2027-01-31")
                let lines = try Self.lines(response)
                let expected: [String: (Int, Set<String>)] = [
                    "confirmation sent_on_time": (4, [onTime, variable, cancelled, expiring]),
                    "confirmation sent_late": (1, [late]),
                    "confirmation overdue_unsent": (1, [refused]),
                    "confirmation not_yet_due": (1, [waiting]),
                    "amendment_confirmation sent_on_time": (1, [onTime]),
                    "pre_debit_notice sent_on_time": (2, [variable]),
                    "pre_debit_notice sent_late": (1, [variable]),
                    "pre_debit_notice failed": (1, [variable]),
                    "pre_debit_notice missing": (1, [variable]),
                    "pre_debit_notice withdrawn": (1, [cancelled]),
                    "pre_debit_notice not_yet_due": (1, [variable]),
                    "amendment_notice sent_on_time": (1, [variable]),
                    "card_expiry_reminder sent_on_time": (1, [expiring]),
                    "payment_after_cancellation recorded": (1, [cancelled]),
                    "legal_hold held": (1, [late]),
                ]
                let everyLine = ComplianceDuty.allCases.flatMap { duty in duty.outcomes.map { "\(duty.rawValue) \($0.rawValue)" } }
                #expect(Set(lines.keys) == Set(everyLine), "every line, even an empty one")
                for key in everyLine {
                    let (count, ids) = expected[key] ?? (0, [])
                    #expect(lines[key]?.count == count, "\(key)")
                    #expect(lines[key]?.ids == ids, "\(key)")
                }
                let json = try response.json
                #expect(json["breaches"]?.intValue == 6, "late, overdue, late, failed, missing, after cancellation")
                #expect(json["today"] == "2026-12-16")
                #expect(json["timeZone"] == "Europe/Vilnius")

                // Only deadlines in the range: the notice for 9 December was due by 25 November, nothing else was.
                let oneDay = try Self.lines(try await Self.report(client, merchant, "from=2026-11-25&to=2026-11-25"))
                #expect(oneDay.values.reduce(0) { $0 + $1.count } == 2, "the notice and the legal hold")
                #expect(oneDay["pre_debit_notice sent_on_time"]?.count == 1)
                #expect(oneDay["legal_hold held"]?.ids == [late])

                // The same lines as CSV: a header, then one record per line with its consents space-separated.
                let csv = try await Self.report(client, merchant, "from=2026-11-01&to=2027-01-31&format=csv")
                #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
                let records = String(decoding: csv.bytes, as: UTF8.self).split(separator: "\r\n").map {
                    $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                }
                #expect(records.first == ["duty", "outcome", "breach", "count", "consent_ids"])
                #expect(records.count == everyLine.count + 1)
                for record in records.dropFirst() {
                    try #require(record.count == 5, "\(record)")
                    let key = "\(record[0]) \(record[1])"
                    #expect(Int(record[3]) == lines[key]?.count, "\(key)")
                    #expect(Set(record[4].split(separator: " ").map(String.init)) == lines[key]?.ids, "\(key)")
                    #expect(record[2] == (DutyOutcome(rawValue: record[1])?.isBreach == true ? "true" : "false"))
                }

                // Kept until 18 months after the payment recorded on 16 December: due for purge once that is
                // within 30 days, never while under legal hold.
                let read = try await client.call(.get, "/v1/consents/\(cancelled)", key: merchant.keys[.auditor])
                let retainUntil = try #require(LocalDate(iso: try read.json["retainUntil"]?.stringValue ?? ""))
                #expect(retainUntil == LocalDate(year: 2028, month: 6, day: 16))
                merchant.clock.set(Instant(utcMidnightOf: retainUntil.adding(days: -31)).adding(seconds: 12 * 3600))
                let before = try Self.lines(try await Self.report(client, merchant, "from=2028-05-01&to=2028-05-31"))
                #expect(before["purge_due due_within_30_days"]?.count == 0)
                merchant.clock.set(Instant(utcMidnightOf: retainUntil.adding(days: -29)).adding(seconds: 12 * 3600))
                let within = try Self.lines(try await Self.report(client, merchant, "from=2028-05-01&to=2028-05-31"))
                #expect(within["purge_due due_within_30_days"]?.ids == [cancelled])
                #expect(within["legal_hold held"]?.ids == [late])
            }
        }
    }

    @Test func badRangesAndFormatsAreRefusedWithTheirFieldsAndOnlyAuditorsAndAdminsMayAsk() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            for (query, fields) in [
                ("to=2026-11-30", ["from"]), ("from=2026-11-01", ["to"]), ("from=2026-11-31&to=2026-12-01", ["from"]),
                ("from=2026-12-01&to=2026-11-30", ["to"]), ("from=2026-01-01&to=2027-01-02", ["to"]),
                ("from=2026-11-01&to=2026-11-30&format=xlsx", ["format"]), ("", ["from", "to"]),
            ] {
                let response = try await Self.report(client, merchant, query)
                #expect(response.status == .unprocessableContent, "\(query)")
                #expect(response.errorCode == "validation_failed", "\(query)")
                #expect(response.errorFields.sorted() == fields, "\(query)")
            }
            let year = try await Self.report(client, merchant, "from=2026-01-01&to=2027-01-01", role: .admin)
            #expect(year.status == .ok, "366 days, both included, is the longest range")
            for role in [Role.checkout, .billing] {
                #expect(try await Self.report(client, merchant, "from=2026-11-01&to=2026-11-30", role: role).status == .forbidden)
            }
        }
    }
}
