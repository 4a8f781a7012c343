import ConsentRules
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Notifier
import PGClient

/// The consumer's cancel page, `{PUBLIC_URL}/cancel/{token}` (CONTRACT.md, "Cancellation"): GET shows the
/// consent's terms and a button, POST cancels and shows the cancellation. No API key: the token, signed with
/// the merchant's key, is the credential. Plain HTML, no scripts, readable on a phone.
///
/// Cross-site request forgery: the form carries a second HMAC, of the token under the same key, that a page
/// on another site cannot read or compute; a POST without it, or whose browser says it came from another
/// site, cancels nothing.
struct CancelPageController {
    let pool: PGPool
    let store: CancellationStore
    let templates: MessageTemplates
    let publicURL: String
    let keyring: PersonalDataKeyring

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("cancel/{token}", use: show)
        router.post("cancel/{token}", use: cancel)
    }

    static let merchantKey = PGStatement("SELECT cancel_token_key, timezone FROM merchants WHERE merchant_id = $1")

    struct CancelLink: Sendable {
        let token: String
        let subject: CancelToken.Subject
        let key: [UInt8]
        let timeZone: TimeZone
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let link = try await resolve(context),
            let subject = try await MessageSubject.load(
                merchantId: link.subject.merchantId, consentId: link.subject.consentId, pool: pool,
                keyring: keyring)
        else { return page(.notFound, language: "en", facts: nil, status: .notFound) }
        let consent = subject.consent
        switch consent.effectiveStatus(at: store.clock.now()) {
        case .pending, .active:
            return page(.cancel, subject, link: link, extra: ["csrf": Self.formToken(link)])
        case .cancelled:
            return page(.cancelled, subject, link: link)
        case let ended:
            return page(.ended, subject, link: link, extra: ["status": ended.rawValue])
        }
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let link = try await resolve(context) else {
            return page(.notFound, language: "en", facts: nil, status: .notFound)
        }
        let form = try await Self.form(request)
        let crossSite = request.headers.contains { $0.name.canonicalName == "sec-fetch-site" && $0.value == "cross-site" }
        guard !crossSite, let csrf = form["csrf"],
            HMAC<SHA256>.isValidAuthenticationCode(
                Base64URL.decode(Substring(csrf)) ?? [], authenticating: Array(("cancel-form:" + link.token).utf8),
                using: SymmetricKey(data: link.key))
        else {
            // Back to the form, with a fresh token, rather than an error the consumer cannot act on.
            return Response(status: .seeOther, headers: [.location: "\(publicURL)/cancel/\(link.token)"])
        }
        guard let consent = try await store.cancelFromLink(link.subject, timeZone: link.timeZone),
            let subject = try await MessageSubject.load(
                merchantId: link.subject.merchantId, consentId: link.subject.consentId, pool: pool,
                keyring: keyring)
        else { return page(.notFound, language: "en", facts: nil, status: .notFound) }
        if consent.status == .cancelled { return page(.cancelled, subject, link: link) }
        return page(.ended, subject, link: link, extra: ["status": consent.effectiveStatus(at: store.clock.now()).rawValue])
    }

    /// The verified link, or nil for anything altered, unknown or signed with another merchant's key.
    func resolve(_ context: AppRequestContext) async throws -> CancelLink? {
        guard let token = context.parameters.get("token"), let merchantId = CancelToken.claimedMerchantId(token) else {
            return nil
        }
        let found = try await pool.withConnection { connection -> (key: [UInt8], zone: String)? in
            let result = try connection.query(Self.merchantKey, [merchantId])
            guard result.rowCount == 1 else { return nil }
            return (try result[0].decode([UInt8].self, 0), try result[0].decode(String.self, 1))
        }
        guard let found, let subject = CancelToken.verify(token, key: SymmetricKey(data: found.key)),
            subject.merchantId == merchantId
        else { return nil }
        return CancelLink(token: token, subject: subject, key: found.key, timeZone: TimeZone(identifier: found.zone) ?? .gmt)
    }

    static func formToken(_ link: CancelLink) -> String {
        Base64URL.encode(
            Array(HMAC<SHA256>.authenticationCode(
                for: Array(("cancel-form:" + link.token).utf8), using: SymmetricKey(data: link.key))))
    }

    func page(
        _ kind: PageKind, _ subject: MessageSubject, link: CancelLink, extra: [String: String] = [:]
    ) -> Response {
        let facts = subject.facts(cancelURL: "\(publicURL)/cancel/\(link.token)")
        return page(kind, language: subject.consent.draft.consumer.language, facts: facts, status: .ok, extra: extra)
    }

    func page(
        _ kind: PageKind, language: String, facts: MessageFacts?, status: HTTPResponse.Status,
        extra: [String: String] = [:]
    ) -> Response {
        let html = templates.renderPage(kind, language: language, facts: facts, page: extra)
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        for (name, value) in Self.pageHeaders {
            if let name = HTTPField.Name(name) { headers[name] = value }
        }
        return Response(
            status: status, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// The token is in the page's address: no referrer leaks it, no other site frames the page, nothing runs.
    static let pageHeaders = [
        ("Referrer-Policy", "no-referrer"),
        ("Content-Security-Policy",
         "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ("X-Content-Type-Options", "nosniff"),
    ]

    /// The form's fields (`application/x-www-form-urlencoded`, at most 4 KiB).
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 4096)
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = parts.first.flatMap(decode), let value = parts.count == 2 ? decode(parts[1]) : "" else { continue }
            fields[name] = value
        }
        return fields
    }
}
