import Hummingbird
import NIOCore
import Logging
import PGClient

/// Turns every error into the contract's error body, so no client ever sees a framework-shaped error.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch {
            return try Self.apiError(for: error, logger: context.logger).response(from: request, context: context)
        }
    }

    static func apiError(for error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case is NIOTooManyBytesError:
            return .payloadTooLarge
        case let error as PGError where error.isConnectionProblem:
            logger.warning("database unavailable", metadata: ["error": "\(error)"])
            return .serviceUnavailable
        case let error as HTTPError:
            return APIError(status: error.status, code: code(for: error.status), message: message(for: error))
        default:
            // PGError's description carries no bind values; other errors are our own.
            logger.error("request failed", metadata: ["error": "\(error)"])
            return APIError(status: .internalServerError, code: .internalError, message: "An internal error occurred.")
        }
    }

    private static func code(for status: HTTPResponse.Status) -> APIError.Code {
        switch status {
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .contentTooLarge: .payloadTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .badRequest: .malformedJSON
        default: status.code >= 500 ? .internalError : APIError.Code(rawValue: "http_\(status.code)")
        }
    }

    private static func message(for error: HTTPError) -> String {
        if let body = error.body { return body }
        return error.status == .notFound ? "No such resource." : error.status.reasonPhrase
    }
}
