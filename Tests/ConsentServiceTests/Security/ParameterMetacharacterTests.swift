import ConsentRules
import Foundation
import HummingbirdTesting
import Testing

@testable import ConsentService

/// SQL and C metacharacters, percent-encoded, in every query parameter and path parameter: a value that names
/// something finds exactly it, anything else is the contract's 404 or 422. Never a 5xx.
@Suite struct ParameterMetacharacterTests {
    /// Every payload as the bytes a URI carries: the metacharacters (NUL included) and invalid UTF-8.
    static var encodedPayloads: [String] {
        Metacharacters.payloads.map(Metacharacters.percentEncoded) + Metacharacters.invalidUTF8.map(Metacharacters.percentEncoded)
    }

    /// Query parameters that take a value of a fixed form: (route, the other parameters, the parameter).
    static let formedQueries: [(path: String, query: [String: String], parameter: String, key: Role)] = {
        let debit = ["amount": "10.23", "currency": "EUR", "date": "2026-12-15"]
        let export = ["from": "2026-11-21", "to": "2026-11-21", "format": "ndjson"]
        var queries: [(String, [String: String], String, Role)] = []
        for parameter in debit.keys.sorted() {
            queries.append(("/v1/consents/{id}/validity", debit, parameter, .billing))
            queries.append(("/v1/recurrences/{recurrenceId}/validity", debit, parameter, .billing))
        }
        for parameter in export.keys.sorted() { queries.append(("/v1/exports/consents", export, parameter, .auditor)) }
        for parameter in ["after", "limit"] { queries.append(("/v1/merchant-events", ["limit": "10"], parameter, .auditor)) }
        for parameter in ["status", "limit", "after"] {
            queries.append(("/v1/webhook-deliveries", ["status": "queued", "limit": "10"], parameter, .admin))
        }
        return queries
    }()

    @Test func formedQueryParametersAreRefusedNamingTheParameter() async throws {
        let merchant = try await TestMerchant.make()
        let tables = try await Metacharacters.tables(pool: merchant.shared.pool)
        try await merchant.test { client in
            let target = try await RouteFixtures.make(.activeConsent, for: merchant, client: client)
            let before = try await merchant.fingerprint()
            for (path, query, parameter, role) in Self.formedQueries {
                let base = path.replacingOccurrences(of: "{id}", with: target.consentId)
                    .replacingOccurrences(of: "{recurrenceId}", with: target.recurrenceId)
                for payload in Self.encodedPayloads {
                    var values = query.mapValues(Metacharacters.percentEncoded)
                    values[parameter] = Metacharacters.percentEncoded(query[parameter] ?? "") + payload
                    let uri = base + "?" + values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
                    let response = try await client.call(.get, uri, key: merchant.keys[role])
                    _ = Metacharacters.outcome(response, field: parameter, accepted: [], uri)
                }
            }
            #expect(try await merchant.fingerprint() == before)
        }
        try await Metacharacters.expectTablesIntact(before: tables, pool: merchant.shared.pool)
    }

    /// `merchantReference` and `recurrenceId` are free identifiers: a consent stored under a value with
    /// metacharacters is found by exactly that value, in the query or in the path.
    @Test func referencesAndRecurrenceIdsFindExactlyTheirConsent() async throws {
        let merchant = try await TestMerchant.make()
        let tables = try await Metacharacters.tables(pool: merchant.shared.pool)
        try await merchant.test { client in
            var found = 0
            for (index, payload) in Metacharacters.payloads.enumerated() {
                let reference = "ref-\(index)-" + payload
                let recurrenceId = "rec-\(index)-" + payload
                // One consent under the reference and another under the recurrence id, each valid otherwise.
                let byReference = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(reference: reference))
                let byRecurrence = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(recurrenceId: recurrenceId))
                let recurrencePath = "/v1/recurrences/" + Metacharacters.percentEncoded(recurrenceId)
                let lookups: [(String, APIResponse, Bool)] = [
                    ("/v1/consents?merchantReference=" + Metacharacters.percentEncoded(reference), byReference, true),
                    (recurrencePath, byRecurrence, true),
                    (recurrencePath + "/validity?" + RouteTable.debit, byRecurrence, false),
                ]
                for (uri, created, answersWithTheConsent) in lookups {
                    let response = try await client.call(.get, uri, key: merchant.keys[.billing])
                    guard created.status == .created else {
                        _ = Metacharacters.outcome(response, field: nil, accepted: [], notFoundAllowed: true, uri)
                        continue
                    }
                    #expect(response.status == .ok, "\(uri)")
                    if answersWithTheConsent {
                        #expect(try response.json["id"] == created.json["id"], "\(uri)")
                        found += 1
                    }
                }
            }
            #expect(found >= Metacharacters.payloads.count, "most payloads make valid identifiers: \(found)")
            for bytes in Metacharacters.invalidUTF8 {
                for uri in [
                    "/v1/consents?merchantReference=ref" + Metacharacters.percentEncoded(bytes),
                    "/v1/recurrences/rec" + Metacharacters.percentEncoded(bytes),
                    "/v1/recurrences/rec" + Metacharacters.percentEncoded(bytes) + "/validity?" + RouteTable.debit,
                ] {
                    let response = try await client.call(.get, uri, key: merchant.keys[.billing])
                    _ = Metacharacters.outcome(response, field: nil, accepted: [], notFoundAllowed: true, uri)
                }
            }
        }
        try await Metacharacters.expectTablesIntact(before: tables, pool: merchant.shared.pool)
    }

    /// Every route with an id or token in its path, given metacharacters there instead: 404, for an allowed
    /// caller, exactly as an unknown id; the cancel page's 404 page for a token.
    @Test func pathParametersWithMetacharactersNameNothing() async throws {
        let merchant = try await TestMerchant.make()
        let tables = try await Metacharacters.tables(pool: merchant.shared.pool)
        try await merchant.test { client in
            let before = try await merchant.fingerprint()
            for route in RouteTable.routes where route.path.contains("{") {
                guard case .roles = route.access else {
                    for payload in Self.encodedPayloads {
                        var target = RouteTarget()
                        target.token = "tok" + payload
                        let response = try await client.send(route, route.request(target), key: nil)
                        #expect(response.status == .notFound, "\(route) \(payload)")
                        #expect(response.headers[.contentType]?.hasPrefix("text/html") == true, "\(route) \(payload)")
                    }
                    continue
                }
                for payload in Self.encodedPayloads {
                    var target = RouteTarget()
                    target.consentId = "0190" + payload
                    target.recurrenceId = "rec-none-" + payload
                    target.endpointId = "0190" + payload
                    // Admin may call every keyed route, so the answer is about the path alone.
                    let response = try await client.send(route, route.request(target), key: merchant.keys[.admin])
                    _ = Metacharacters.outcome(
                        response, field: nil, accepted: [], notFoundAllowed: true, "\(route) \(payload)")
                    #expect(response.status == .notFound, "\(route) \(payload)")
                }
            }
            #expect(try await merchant.fingerprint() == before)
        }
        try await Metacharacters.expectTablesIntact(before: tables, pool: merchant.shared.pool)
    }
}
