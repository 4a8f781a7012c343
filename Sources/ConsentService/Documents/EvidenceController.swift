import ConsentRules
import HTTPTypes
import Hummingbird
import PDFLayout

/// `GET /v1/consents/{id}/evidence`: the evidence bundle as JSON or, for `Accept: application/pdf`, as the
/// printable evidence record made from the same bundle; both carry the bundle's SHA-256 in a header. And
/// `GET /v1/consents/{id}/dispute-evidence`: the chargeback pack for one payment.
struct EvidenceController {
    static let bundleDigestHeader = HTTPField.Name("X-Evidence-Bundle-Sha256")
    static let supportsMerchantHeader = HTTPField.Name("X-Evidence-Supports-Merchant")
    let store: EvidenceDocumentStore
    let disputes: DisputeStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("consents/{id}/evidence", use: evidence)
        group.get("consents/{id}/dispute-evidence", use: disputeEvidence)
    }

    @Sendable func disputeEvidence(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let parameters = request.uri.queryParameters
        let dispute = try DisputeRequest.parse(
            paymentId: parameters.get("paymentId"), reason: parameters.get("reason"))
        let pack = try await disputes.pack(consentId: context.consentId, request: dispute, keyHash: keyHash)
        let safeId = String(dispute.paymentId.unicodeScalars.map { scalar -> Character in
            scalar.properties.isAlphabetic && scalar.isASCII || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
                ? Character(scalar) : "_"
        }.prefix(64))
        var response = Response.pdf(
            pack.pdf, fileName: "consent-\(context.consentId.lowercasedString)-dispute-\(safeId).pdf",
            bundleSha256: pack.bundleSha256)
        if let name = Self.supportsMerchantHeader { response.headers[name] = pack.supportsMerchant ? "true" : "false" }
        pack.lag.mark(&response)
        return response
    }

    @Sendable func evidence(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        switch AcceptHeader.preferred(["application/json", "application/pdf"], in: request) {
        case "application/pdf":
            let (pdf, bundle) = try await store.evidencePDF(consentId: context.consentId, keyHash: keyHash)
            var response = Response.pdf(
                pdf, fileName: "consent-\(context.consentId.lowercasedString)-evidence.pdf", bundleSha256: bundle.sha256)
            bundle.lag.mark(&response)
            return response
        default:
            let bundle = try await store.bundle(consentId: context.consentId, keyHash: keyHash)
            var response = Response.json(bytes: bundle.bytes, status: .ok)
            if let name = Self.bundleDigestHeader { response.headers[name] = bundle.sha256 }
            bundle.lag.mark(&response)
            return response
        }
    }
}

extension Response {
    static func pdf(_ pdf: RenderedPDF, fileName: String, bundleSha256: String) -> Response {
        var headers: HTTPFields = [
            .contentType: "application/pdf",
            .contentDisposition: "inline; filename=\"\(fileName)\"",
            .cacheControl: "no-store",
        ]
        if let name = EvidenceController.bundleDigestHeader { headers[name] = bundleSha256 }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: pdf.bytes)))
    }
}
