import Hummingbird

/// `GET /v1/compliance/report` (CONTRACT.md, "Compliance report"): the merchant's duties whose deadlines fall in
/// a range, line by line, as JSON or CSV. Auditor and admin keys.
struct ComplianceController {
    let store: ComplianceReportStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("compliance/report", use: report)
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let parameters = request.uri.queryParameters
        let asked = try ComplianceReportRequest.parse(
            from: parameters.get("from"), to: parameters.get("to"), format: parameters.get("format"))
        let report = try await store.report(asked, keyHash: keyHash)
        var response: Response
        switch asked.format {
        case .json:
            response = Response.json(report.json)
            response.headers[.cacheControl] = "no-store"
        case .csv:
            response = Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8; header=present",
                    .contentDisposition: "attachment; filename=\"\(report.fileName)\"",
                    .cacheControl: "no-store",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: report.csv)))
        }
        report.lag.mark(&response)
        return response
    }
}
