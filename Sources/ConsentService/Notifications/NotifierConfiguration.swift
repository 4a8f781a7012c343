import Notifier

/// The notifier's settings (see README, "Configuration").
struct NotifierConfiguration: Sendable {
    /// Where cancel links point: `{publicURL}/cancel/{token}`. No trailing slash.
    var publicURL = "http://localhost:8080"
    /// Nil: messages are written as `.eml` files to `outboxDirectory` instead of being sent.
    var smtp: SMTPConfiguration?
    var outboxDirectory = "data/outbox"
    var templatesDirectory: String?
    var worker = OutboxWorker.Settings()
    var leaseSeconds: Int64 = 300
    var overdueCheckInterval = Duration.seconds(60)
    /// Webhook endpoints may be (and lead to) private, loopback or other non-public addresses. Off by default:
    /// a merchant's URL must not reach into the operator's own network.
    var allowPrivateWebhookDestinations = false

    /// Messages a worker has under way per SMTP connection: while a connection sends one, the next are read,
    /// composed and waiting for it, and the ones sent at about the same time share their reads and their commit.
    static let messagesPerConnection = 4

    static let securityNames: [String: SMTPConfiguration.Security] = [
        "starttls": .startTLSRequired, "tls": .implicitTLS, "plaintext-loopback": .plaintextOnLoopback,
    ]

    static func read(_ reader: EnvironmentReader, dataDirectory: String, port: Int) throws -> NotifierConfiguration {
        var configuration = NotifierConfiguration()
        configuration.publicURL = "http://localhost:\(port)"
        if let url = reader.value("PUBLIC_URL") {
            guard url.hasPrefix("https://") || url.hasPrefix("http://"), !url.contains(" ") else {
                throw ConfigurationError(message: "PUBLIC_URL must be an http:// or https:// URL")
            }
            configuration.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        configuration.outboxDirectory = reader.value("OUTBOX_DIR") ?? dataDirectory + "/outbox"
        configuration.templatesDirectory = reader.value("TEMPLATES_DIR")

        let connections = try reader.integer("SMTP_CONNECTIONS", 1...64) ?? 4
        let connectTimeout = try reader.integer("SMTP_CONNECT_TIMEOUT_SECONDS", 1...300) ?? 10
        let totalTimeout = try reader.integer("SMTP_TIMEOUT_SECONDS", 1...600) ?? 60
        if let url = reader.value("SMTP_URL") {
            var security: SMTPConfiguration.Security?
            if let name = reader.value("SMTP_SECURITY") {
                guard let known = securityNames[name] else {
                    throw ConfigurationError(message: "SMTP_SECURITY must be starttls, tls or plaintext-loopback")
                }
                security = known
            }
            do {
                configuration.smtp = try SMTPConfiguration.parse(
                    url: url, security: security, caFile: reader.value("SMTP_CA_FILE"),
                    connectTimeout: .seconds(connectTimeout), totalTimeout: .seconds(totalTimeout),
                    connections: connections)
            } catch {
                throw ConfigurationError(message: "SMTP_URL is not usable: \(error.context)")
            }
        }
        configuration.worker.concurrency = connections * Self.messagesPerConnection
        configuration.worker.batchSize = try reader.integer("NOTIFIER_BATCH_SIZE", 1...1000) ?? connections * 8
        configuration.worker.pollInterval = .seconds(try reader.integer("NOTIFIER_POLL_SECONDS", 1...3600) ?? 5)
        // A message is only started while a whole delivery (bounded by the SMTP total timeout, or by the webhook
        // timeout) and its recording still fit in the lease. A message that has waited for a free connection
        // until then is given back unsent.
        let longestDelivery = max(totalTimeout, Int(WebhookTransport().timeout.components.seconds))
        configuration.worker.sendBudgetSeconds = Int64(longestDelivery + 5)
        let minimumLease = longestDelivery + 10
        configuration.leaseSeconds = Int64(
            try reader.integer("NOTIFIER_LEASE_SECONDS", minimumLease...86400) ?? max(300, minimumLease))
        configuration.overdueCheckInterval = .seconds(try reader.integer("OVERDUE_CHECK_SECONDS", 1...86400) ?? 60)
        configuration.allowPrivateWebhookDestinations = try reader.boolean("WEBHOOK_ALLOW_PRIVATE_DESTINATIONS") ?? false
        return configuration
    }
}
