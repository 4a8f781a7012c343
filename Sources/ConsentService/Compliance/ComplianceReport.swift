import ConsentRules
import Foundation

/// The compliance report of one merchant for one range, as JSON or as CSV with a record per line.
struct ComplianceReport: Sendable {
    let merchantId: String
    let request: ComplianceReportRequest
    let timeZone: String
    /// The merchant's day when the report was made: what "overdue", "missing" and the purge horizon count from.
    let today: LocalDate
    let generatedAt: Instant
    let lines: [ComplianceLine]
    /// How far behind the primary the server it was read from was.
    let lag: ReplayLag

    var fileName: String { "compliance-\(merchantId)-\(request.from.iso)-\(request.to.iso).\(request.format.rawValue)" }

    var json: JSONValue {
        .object([
            "merchantId": .string(merchantId), "from": .string(request.from.iso), "to": .string(request.to.iso),
            "timeZone": .string(timeZone), "today": .string(today.iso), "generatedAt": .string(generatedAt.rfc3339),
            "breaches": .integer(lines.filter(\.isBreach).reduce(0) { $0 + $1.count }),
            "lines": .array(lines.map { line in
                .object([
                    "duty": .string(line.duty.rawValue), "outcome": .string(line.outcome.rawValue),
                    "breach": .bool(line.isBreach), "count": .integer(line.count),
                    "consentIds": .array(line.consentIds.map { .string($0.lowercasedString) }),
                ])
            }),
        ])
    }

    static let csvHeader = ["duty", "outcome", "breach", "count", "consent_ids"]

    /// A header, then one record per line; a line's consents are separated by spaces in its last field.
    var csv: [UInt8] {
        var out: [UInt8] = []
        CSVRecord.append(Self.csvHeader, to: &out)
        for line in lines {
            CSVRecord.append(
                [
                    line.duty.rawValue, line.outcome.rawValue, line.isBreach ? "true" : "false", String(line.count),
                    line.consentIds.map(\.lowercasedString).joined(separator: " "),
                ], to: &out)
        }
        return out
    }
}
