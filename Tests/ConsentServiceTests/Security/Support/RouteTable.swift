import ConsentRules
import Crypto
import Foundation
import HTTPTypes

@testable import ConsentService

/// Who may call a route, as CONTRACT.md ("Who may call what") and openapi.yaml say: written out here rather than
/// derived from `Role.may`, so that the service's own permissions are checked against the contract.
enum RouteAccess: Sendable {
    /// No key is needed and any key is ignored (the consumer's cancel link, health and metrics).
    case open
    /// A key of one of these roles; any other role is 403, no key or an unknown key is 401.
    case roles(Set<Role>)
}

/// What a route acts on, which decides what another merchant's key must get.
enum RouteScope: Sendable {
    /// One consent or webhook endpoint named in the path or query: another merchant's is answered exactly as an
    /// unknown one.
    case resource
    /// A listing of the caller's own merchant: another merchant's rows never appear in it.
    case listing
    /// Creates something new for the caller's merchant, or is not a merchant's at all.
    case none
}

/// The state a route's normal request needs, made afresh for every request that may change it.
enum RouteSetup: Sendable {
    case nothing, pendingConsent, activeConsent, heldConsent, webhookEndpoint, cancelLink, amendedConsent, paidConsent
}

/// The names a request is built from: made by ``RouteFixtures`` for a merchant, or unknown ones.
struct RouteTarget: Sendable {
    var consentId = UUID().uuidString.lowercased()
    var recurrenceId = "rec-" + randomLetters()
    var merchantReference = "ref-" + randomLetters()
    var endpointId = UUID().uuidString.lowercased()
    var amendmentId = UUID().uuidString.lowercased()
    /// The payment a `paidConsent` has recorded.
    var paymentId = "pay-" + randomLetters()
    /// A cancel-link token, and the form token of its page: by default well formed, for a merchant that does
    /// not exist, under a key nobody has.
    var token = CancelToken.issue(
        for: .init(merchantId: "m-unknown", consentId: UUID()), key: SymmetricKey(size: .bits256))
    var csrf = "none"

    /// Names that no merchant has.
    static func unknown() -> RouteTarget { RouteTarget() }
}

struct RouteRequest: Sendable {
    var uri: String
    var body: [UInt8]?
    var contentType: String?
    var headers: HTTPFields = [:]

    static func bodiless(_ uri: String) -> RouteRequest { RouteRequest(uri: uri, body: nil, contentType: nil) }

    static func json(_ uri: String, _ body: JSONValue) -> RouteRequest {
        RouteRequest(uri: uri, body: body.serialized(), contentType: "application/json")
    }
}

/// One route of the API: how to make its normal request and what that request answers.
struct RouteSpec: Sendable, CustomStringConvertible {
    let method: HTTPRequest.Method
    /// As openapi.yaml and the router spell it, e.g. `/v1/consents/{id}`.
    let path: String
    let access: RouteAccess
    /// The normal answer to an allowed caller.
    let allowedStatus: HTTPResponse.Status
    let scope: RouteScope
    let setup: RouteSetup
    let request: @Sendable (RouteTarget) -> RouteRequest

    var description: String { "\(method) \(path)" }
}

/// Every route of the service, once. `RouteTableTests` holds this list against the router's registered routes
/// and against openapi.yaml's operations, so a route added to either without an entry here fails.
enum RouteTable {
    static let readers: Set<Role> = [.checkout, .billing, .auditor, .admin]
    static let billers: Set<Role> = [.billing, .admin]
    static let auditors: Set<Role> = [.auditor, .admin]
    static let admins: Set<Role> = [.admin]

    static let debit = "amount=10.23&currency=EUR&date=2026-12-15"

    static let routes: [RouteSpec] = [
        RouteSpec(
            method: .post, path: "/v1/consents", access: .roles([.checkout, .admin]), allowedStatus: .created,
            scope: .none, setup: .nothing,
            request: { _ in .json("/v1/consents", ConsentBody.valid()) }),
        RouteSpec(
            method: .get, path: "/v1/consents", access: .roles(readers), allowedStatus: .ok, scope: .resource,
            setup: .activeConsent,
            request: { .bodiless("/v1/consents?merchantReference=\($0.merchantReference)") }),
        RouteSpec(
            method: .get, path: "/v1/consents/{id}", access: .roles(readers), allowedStatus: .ok, scope: .resource,
            setup: .activeConsent, request: { .bodiless("/v1/consents/\($0.consentId)") }),
        RouteSpec(
            method: .post, path: "/v1/consents/{id}/activate", access: .roles([.checkout, .billing, .admin]),
            allowedStatus: .ok, scope: .resource, setup: .pendingConsent,
            request: {
                .json(
                    "/v1/consents/\($0.consentId)/activate",
                    .object(["recurrenceId": .string($0.recurrenceId), "initialPaymentId": "pay-first"]))
            }),
        RouteSpec(
            method: .get, path: "/v1/recurrences/{recurrenceId}", access: .roles(readers), allowedStatus: .ok,
            scope: .resource, setup: .activeConsent, request: { .bodiless("/v1/recurrences/\($0.recurrenceId)") }),
        RouteSpec(
            method: .get, path: "/v1/consents/{id}/validity", access: .roles(billers), allowedStatus: .ok,
            scope: .resource, setup: .activeConsent,
            request: { .bodiless("/v1/consents/\($0.consentId)/validity?\(debit)") }),
        RouteSpec(
            method: .get, path: "/v1/recurrences/{recurrenceId}/validity", access: .roles(billers),
            allowedStatus: .ok, scope: .resource, setup: .activeConsent,
            request: { .bodiless("/v1/recurrences/\($0.recurrenceId)/validity?\(debit)") }),
        RouteSpec(
            method: .post, path: "/v1/consents/{id}/debits", access: .roles(billers), allowedStatus: .created,
            scope: .resource, setup: .activeConsent,
            request: {
                .json(
                    "/v1/consents/\($0.consentId)/debits",
                    .object(["amount": "10.23", "currency": "EUR", "date": "2026-12-15"]))
            }),
        RouteSpec(
            method: .post, path: "/v1/consents/{id}/cancel", access: .roles(billers), allowedStatus: .ok,
            scope: .resource, setup: .activeConsent,
            request: { .json("/v1/consents/\($0.consentId)/cancel", .object(["requestedBy": "merchant"])) }),
        RouteSpec(
            method: .post, path: "/v1/consents/{id}/amendments", access: .roles(billers), allowedStatus: .created,
            scope: .resource, setup: .activeConsent,
            request: {
                .json(
                    "/v1/consents/\($0.consentId)/amendments",
                    ["terms": ["amount": "9.99"], "effectiveFrom": "2027-01-14", "reason": "loyalty discount"])
            }),
        RouteSpec(
            method: .put, path: "/v1/consents/{id}/card", access: .roles(billers), allowedStatus: .ok,
            scope: .resource, setup: .activeConsent,
            request: {
                .json(
                    "/v1/consents/\($0.consentId)/card",
                    ["brand": "VISA", "last4": "4242", "expiryMonth": 3, "expiryYear": 2030, "source": "consumer"])
            }),
        RouteSpec(
            method: .get, path: "/v1/consents/{id}/amendments", access: .roles(readers), allowedStatus: .ok,
            scope: .resource, setup: .amendedConsent, request: { .bodiless("/v1/consents/\($0.consentId)/amendments") }),
        RouteSpec(
            method: .delete, path: "/v1/consents/{id}/amendments/{amendmentId}", access: .roles(billers),
            allowedStatus: .ok, scope: .resource, setup: .amendedConsent,
            request: { .bodiless("/v1/consents/\($0.consentId)/amendments/\($0.amendmentId)") }),
        RouteSpec(
            method: .get, path: "/v1/consents/{id}/payments", access: .roles([.billing, .auditor, .admin]),
            allowedStatus: .ok, scope: .resource, setup: .activeConsent,
            request: { .bodiless("/v1/consents/\($0.consentId)/payments") }),
        RouteSpec(
            method: .get, path: "/v1/recurrences/{recurrenceId}/payments", access: .roles([.billing, .auditor, .admin]),
            allowedStatus: .ok, scope: .resource, setup: .activeConsent,
            request: { .bodiless("/v1/recurrences/\($0.recurrenceId)/payments") }),
        RouteSpec(
            method: .post, path: "/v1/consents/{id}/payments", access: .roles(billers), allowedStatus: .created,
            scope: .resource, setup: .activeConsent,
            request: {
                .json(
                    "/v1/consents/\($0.consentId)/payments",
                    .object([
                        "paymentId": .string("pay-" + randomLetters()), "amount": "10.23", "currency": "EUR",
                        "executedAt": "2026-11-21T11:00:00Z", "status": "approved", "final": .bool(false),
                    ]))
            }),
        RouteSpec(
            method: .get, path: "/v1/consents/{id}/events", access: .roles(auditors), allowedStatus: .ok,
            scope: .resource, setup: .activeConsent, request: { .bodiless("/v1/consents/\($0.consentId)/events") }),
        RouteSpec(
            method: .get, path: "/v1/consents/{id}/evidence", access: .roles(auditors), allowedStatus: .ok,
            scope: .resource, setup: .activeConsent, request: { .bodiless("/v1/consents/\($0.consentId)/evidence") }),
        RouteSpec(
            method: .get, path: "/v1/consents/{id}/dispute-evidence", access: .roles(auditors), allowedStatus: .ok,
            scope: .resource, setup: .paidConsent,
            request: {
                .bodiless("/v1/consents/\($0.consentId)/dispute-evidence?paymentId=\($0.paymentId)&reason=not_authorised")
            }),
        RouteSpec(
            method: .post, path: "/v1/consents/{id}/legal-hold", access: .roles(admins), allowedStatus: .ok,
            scope: .resource, setup: .activeConsent,
            request: { .json("/v1/consents/\($0.consentId)/legal-hold", .object(["reason": "litigation"])) }),
        RouteSpec(
            method: .delete, path: "/v1/consents/{id}/legal-hold", access: .roles(admins), allowedStatus: .ok,
            scope: .resource, setup: .heldConsent, request: { .bodiless("/v1/consents/\($0.consentId)/legal-hold") }),
        RouteSpec(
            method: .post, path: "/v1/webhook-endpoints", access: .roles(admins), allowedStatus: .created,
            scope: .none, setup: .nothing,
            request: { _ in
                .json(
                    "/v1/webhook-endpoints",
                    .object(["url": "http://127.0.0.1:9/hooks", "events": .array(["consent.cancelled"])]))
            }),
        RouteSpec(
            method: .get, path: "/v1/webhook-endpoints", access: .roles(admins), allowedStatus: .ok,
            scope: .listing, setup: .webhookEndpoint, request: { _ in .bodiless("/v1/webhook-endpoints") }),
        RouteSpec(
            method: .delete, path: "/v1/webhook-endpoints/{id}", access: .roles(admins), allowedStatus: .ok,
            scope: .resource, setup: .webhookEndpoint, request: { .bodiless("/v1/webhook-endpoints/\($0.endpointId)") }),
        RouteSpec(
            method: .get, path: "/v1/webhook-deliveries", access: .roles(admins), allowedStatus: .ok,
            scope: .listing, setup: .webhookEndpoint, request: { _ in .bodiless("/v1/webhook-deliveries") }),
        RouteSpec(
            method: .get, path: "/v1/exports/consents", access: .roles(auditors), allowedStatus: .ok,
            scope: .listing, setup: .activeConsent,
            request: { _ in .bodiless("/v1/exports/consents?from=2026-11-21&to=2026-11-21&format=ndjson") }),
        RouteSpec(
            method: .get, path: "/v1/compliance/report", access: .roles(auditors), allowedStatus: .ok,
            scope: .listing, setup: .activeConsent,
            request: { _ in .bodiless("/v1/compliance/report?from=2026-11-01&to=2026-11-30") }),
        RouteSpec(
            method: .get, path: "/v1/merchant-events", access: .roles(auditors), allowedStatus: .ok,
            scope: .listing, setup: .nothing, request: { _ in .bodiless("/v1/merchant-events") }),
        RouteSpec(
            method: .get, path: "/cancel/{token}", access: .open, allowedStatus: .ok, scope: .none,
            setup: .cancelLink, request: { .bodiless("/cancel/\($0.token)") }),
        RouteSpec(
            method: .post, path: "/cancel/{token}", access: .open, allowedStatus: .ok, scope: .none,
            setup: .cancelLink,
            request: {
                RouteRequest(
                    uri: "/cancel/\($0.token)", body: Array("csrf=\($0.csrf)".utf8),
                    contentType: "application/x-www-form-urlencoded")
            }),
        RouteSpec(
            method: .get, path: "/healthz", access: .open, allowedStatus: .ok, scope: .none, setup: .nothing,
            request: { _ in .bodiless("/healthz") }),
        RouteSpec(
            method: .get, path: "/readyz", access: .open, allowedStatus: .ok, scope: .none, setup: .nothing,
            request: { _ in .bodiless("/readyz") }),
        RouteSpec(
            method: .get, path: "/metrics", access: .open, allowedStatus: .ok, scope: .none, setup: .nothing,
            request: { _ in .bodiless("/metrics") }),
    ]
}
