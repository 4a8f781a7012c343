import ConsentRules
import HTTPTypes
import Hummingbird
import PDFLayout

/// `GET /v1/consents/{id}/evidence`: the evidence bundle as JSON or, for `Accept: application/pdf`, as the
/// printable evidence record made from the same bundle. Both carry the bundle's SHA-256 in a header.
struct EvidenceController {
    static let bundleDigestHeader = HTTPField.Name("X-Evidence-Bundle-Sha256")
    let store: EvidenceDocumentStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("consents/{id}/evidence", use: evidence)
    }

    @Sendable func evidence(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        switch AcceptHeader.preferred(["application/json", "application/pdf"], in: request) {
        case "application/pdf":
            let (pdf, digest) = try await store.evidencePDF(consentId: context.consentId, keyHash: keyHash)
            return .pdf(pdf, fileName: "consent-\(context.consentId.lowercasedString)-evidence.pdf", bundleSha256: digest)
        default:
            let snapshot = try await store.snapshot(consentId: context.consentId, keyHash: keyHash)
            var response = Response.json(bytes: snapshot.bundleBytes, status: .ok)
            if let name = Self.bundleDigestHeader { response.headers[name] = snapshot.bundleSha256 }
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
