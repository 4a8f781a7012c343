import ArgumentParser
import ConsentRules
import Foundation
import PGClient

struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Print a consent's evidence bundle as JSON, the same as GET /v1/consents/{id}/evidence.")

    @Argument(help: "The consent's id.") var consentId: String
    @Option(help: "The consent's merchant (found by the id when left out, which reads the whole table).")
    var merchant: String?

    static let merchantOf = PGStatement("SELECT merchant_id FROM consents WHERE id = $1")

    func run() async throws {
        guard let id = UUID(uuidString: consentId) else { throw ValidationError("CONSENT_ID must be a consent id (a UUID)") }
        let merchant = self.merchant
        let bundle = try await withDatabase { configuration, pool in
            let keyring = try configuration.personalDataKeys.keyring()
            return try await pool.withTransaction { connection -> JSONValue? in
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                let merchantId: String
                if let merchant {
                    merchantId = merchant
                } else {
                    let found = try connection.query(Self.merchantOf, [id])
                    guard found.rowCount == 1 else { return nil }
                    merchantId = try found[0].decode(String.self, 0)
                }
                guard
                    let consent = try ConsentQueries.one(
                        ConsentQueries.byId, [merchantId, id], keyring: keyring, on: connection)
                else { return nil }
                return try EvidenceBundle.build(
                    consent, generatedAt: AppClock.system.now(), keyring: keyring, on: connection)
            }
        }
        guard let bundle else {
            FileHandle.standardError.write(Data("no consent \(id.lowercasedString)\n".utf8))
            throw ExitCode(1)
        }
        FileHandle.standardOutput.write(Data(bundle.serialized() + [UInt8(ascii: "\n")]))
    }
}
