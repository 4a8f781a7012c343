import Foundation
import Notifier
import Testing

@testable import ConsentService

/// The notifier's settings as `serve` and `notifier` read them from the environment.
@Suite struct NotifierConfigurationTests {
    static func read(_ environment: [String: String]) throws -> NotifierConfiguration {
        try AppConfiguration.fromEnvironment(environment).notifier
    }

    @Test func defaultsWriteToTheOutboxFolderUnderTheDataDirectory() throws {
        let configuration = try Self.read(["DATA_DIR": "/srv/consents", "PORT": "9090"])
        #expect(configuration.smtp == nil)
        #expect(configuration.outboxDirectory == "/srv/consents/outbox")
        #expect(configuration.publicURL == "http://localhost:9090")
        // Four messages under way per connection.
        #expect(configuration.worker.concurrency == 16)
        #expect(configuration.worker.batchSize == 32)
        #expect(configuration.leaseSeconds == 300)
        #expect(configuration.allowPrivateWebhookDestinations == false)
    }

    @Test func privateWebhookDestinationsAreAllowedOnlyWhenSaidSo() throws {
        #expect(try Self.read(["WEBHOOK_ALLOW_PRIVATE_DESTINATIONS": "true"]).allowPrivateWebhookDestinations)
        #expect(try !Self.read(["WEBHOOK_ALLOW_PRIVATE_DESTINATIONS": "false"]).allowPrivateWebhookDestinations)
        // A short SMTP timeout still leaves a webhook's 15 s in the lease.
        let quick = try Self.read(["SMTP_TIMEOUT_SECONDS": "5"])
        #expect(quick.worker.sendBudgetSeconds >= 20)
    }

    @Test func anSMTPURLWithCredentialsAndSettings() throws {
        let configuration = try Self.read([
            "SMTP_URL": "smtp://mailer:p%40ss@mail.example:587", "SMTP_CONNECTIONS": "8", "SMTP_TIMEOUT_SECONDS": "30",
            "PUBLIC_URL": "https://consents.example/", "NOTIFIER_BATCH_SIZE": "100",
        ])
        let smtp = try #require(configuration.smtp)
        #expect(smtp.url == "smtp://mail.example:587/", "without the user information")
        #expect(smtp.security == .startTLSRequired)
        #expect(smtp.username == "mailer")
        #expect(smtp.password == "p@ss")
        #expect(smtp.connections == 8)
        #expect(smtp.totalTimeout == .seconds(30))
        #expect(configuration.worker.concurrency == 32)
        #expect(configuration.worker.batchSize == 100)
        #expect(configuration.publicURL == "https://consents.example", "no trailing slash")
        #expect(try Self.read(["SMTP_URL": "smtps://mail.example"]).smtp?.security == .implicitTLS)
        #expect(
            try Self.read(["SMTP_URL": "smtp://127.0.0.1:2525", "SMTP_SECURITY": "plaintext-loopback"]).smtp?.security
                == .plaintextOnLoopback)
    }

    @Test func unusableSettingsStopTheStartWithTheirName() {
        let bad: [([String: String], String)] = [
            (["SMTP_URL": "http://mail.example"], "SMTP_URL"),
            (["SMTP_URL": "smtp://mail.example", "SMTP_SECURITY": "plaintext-loopback"], "SMTP_URL"),
            (["SMTP_URL": "smtp://mail.example", "SMTP_SECURITY": "none"], "SMTP_SECURITY"),
            (["PUBLIC_URL": "consents.example"], "PUBLIC_URL"),
            (["SMTP_CONNECTIONS": "0"], "SMTP_CONNECTIONS"),
            // The lease must hold a whole delivery.
            (["SMTP_TIMEOUT_SECONDS": "60", "NOTIFIER_LEASE_SECONDS": "30"], "NOTIFIER_LEASE_SECONDS"),
            (["SMTP_TIMEOUT_SECONDS": "5", "NOTIFIER_LEASE_SECONDS": "20"], "NOTIFIER_LEASE_SECONDS"),
            (["WEBHOOK_ALLOW_PRIVATE_DESTINATIONS": "maybe"], "WEBHOOK_ALLOW_PRIVATE_DESTINATIONS"),
        ]
        for (environment, name) in bad {
            #expect {
                try Self.read(environment)
            } throws: { error in
                "\(error)".contains(name)
            }
        }
    }
}
