import ArgumentParser
import Foundation
import PGClient

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the stored records.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every consent's event chain; exit 1 naming the first broken event of each broken chain.")

        @Option(help: "Check only this merchant's consents.") var merchant: String?

        func run() async throws {
            let merchant = self.merchant
            let report = try await withDatabase { _, pool in
                try await ChainAudit(pool: pool, pageSize: 500).verify(merchantId: merchant)
            }
            for broken in report.broken {
                print(
                    "BROKEN merchant \(broken.merchantId) consent \(broken.consentId.lowercasedString) "
                        + "event \(broken.problem.seq): \(broken.problem)")
            }
            if report.broken.isEmpty {
                print("verified \(report.consents) consents and \(report.events) events: every chain is intact")
            } else {
                print("\(report.broken.count) of \(report.consents) consents have a broken chain")
                throw ExitCode(1)
            }
        }
    }
}
