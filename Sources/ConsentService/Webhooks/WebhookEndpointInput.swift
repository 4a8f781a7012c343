import ConsentRules
import Notifier

/// The body of `POST /v1/webhook-endpoints`: `{"url": "https://…", "events": ["consent.cancelled", …]}`. Only the
/// URL's form is checked here; where it leads is checked by resolving it (``WebhookDestination``).
struct WebhookEndpointInput: Sendable, Equatable {
    let url: String
    /// Without repeats, in the order given.
    let events: [WebhookEventType]

    static let fields: Set<String> = ["url", "events"]
    static let maxURLLength = 2000

    static func parse(_ body: JSONValue) throws -> WebhookEndpointInput {
        guard case .object(let object) = body else {
            throw APIError.validation("", "The body must be a JSON object.")
        }
        var errors = object.keys.sorted().filter { !fields.contains($0) }.map {
            FieldError(field: $0, message: "unknown field")
        }
        var url: String?
        switch object["url"] {
        case nil, .null?:
            errors.append(FieldError(field: "url", message: "is required"))
        case .string(let text)?:
            if let problem = urlProblem(text) {
                errors.append(FieldError(field: "url", message: problem))
            } else {
                url = text
            }
        default:
            errors.append(FieldError(field: "url", message: "must be a string"))
        }
        var events: [WebhookEventType] = []
        let known = WebhookEventType.allCases.map(\.rawValue).joined(separator: ", ")
        switch object["events"] {
        case nil, .null?:
            errors.append(FieldError(field: "events", message: "is required"))
        case .array(let items)? where !items.isEmpty:
            for (index, item) in items.enumerated() {
                guard case .string(let name) = item, let type = WebhookEventType(rawValue: name) else {
                    errors.append(FieldError(field: "events[\(index)]", message: "must be one of \(known)"))
                    continue
                }
                if !events.contains(type) { events.append(type) }
            }
        default:
            errors.append(FieldError(field: "events", message: "must be a non-empty array of event types: \(known)"))
        }
        guard errors.isEmpty, let url else { throw APIError.validation(errors) }
        return WebhookEndpointInput(url: url, events: events)
    }

    /// Why a URL cannot be an endpoint, judging by its form alone; nil when it can.
    static func urlProblem(_ url: String) -> String? {
        guard url.utf8.count <= maxURLLength else { return "must be at most \(maxURLLength) bytes" }
        guard url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            return "must be an http:// or https:// URL without spaces or non-ASCII characters (percent-encode them)"
        }
        guard WebhookDestination.hostAndPort(of: url) != nil else {
            return "must be an http:// or https:// URL with a host and no user name or password"
        }
        guard !url.contains("#") else { return "must not have a fragment (#…)" }
        return nil
    }
}
