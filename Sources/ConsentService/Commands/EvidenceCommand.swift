import ArgumentParser
import ConsentRules
import Foundation
import PGClient

struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Print a consent's evidence bundle as JSON, the same as GET /v1/consents/{id}/evidence; --pdf also writes its document.")

    @Argument(help: "The consent's id.") var consentId: String
    @Option(help: "The consent's merchant (found by the id when left out, which reads the whole table).")
    var merchant: String?
    @Option(help: ArgumentHelp(
        "Also write the printable evidence document made from this very bundle to this file (PDF).",
        discussion: "The JSON printed, without its final newline, hashes to the SHA-256 the document names."))
    var pdf: String?

    static let merchantOf = PGStatement("SELECT merchant_id FROM consents WHERE id = $1")

    func run() async throws {
        guard let id = UUID(uuidString: consentId) else { throw ValidationError("CONSENT_ID must be a consent id (a UUID)") }
        let merchant = self.merchant
        let found = try await withDatabase { configuration, pool in
            let keyring = try configuration.personalDataKeys.keyring()
            let templates = try ResourceLocator.directory(
                named: "templates", override: configuration.notifier.templatesDirectory)
            let wording = try pdf.map { _ in try DocumentWording.load(directory: templates) }
            return try await pool.withTransaction { connection -> (JSONValue, DocumentMerchant, DocumentWording?)? in
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
                let bundle = try EvidenceBundle.build(
                    consent, generatedAt: AppClock.system.now(), keyring: keyring, on: connection)
                return (bundle, try DocumentMerchant.load(merchantId, on: connection), wording)
            }
        }
        guard let (bundle, documentMerchant, wording) = found else {
            FileHandle.standardError.write(Data("no consent \(id.lowercasedString)\n".utf8))
            throw ExitCode(1)
        }
        let bytes = bundle.serialized()
        if let pdf, let wording {
            let document = EvidenceDocument(
                bundle: bundle, bundleSha256: Digest.sha256Hex(bytes), merchantName: documentMerchant.name,
                words: wording.language(documentMerchant.language), timeZone: documentMerchant.timeZone)
            let rendered = try await EvidenceDocumentStore.render(document.printed(), creationDate: document.creationDate)
            try Data(rendered.bytes).write(to: URL(fileURLWithPath: pdf))
        }
        FileHandle.standardOutput.write(Data(bytes + [UInt8(ascii: "\n")]))
    }
}
