import HTTPTypes
import Hummingbird
import Logging

/// Turns every error into the API's one JSON error shape, so no stack trace, SQL text or
/// framework message reaches a client. Unknown paths get 404; a known path with the wrong
/// method gets 405 with `Allow`.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = translate(error, request: request, context: context)
            if apiError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(error)", "request_id": "\(context.requestID)"])
            }
            return ErrorBody.response(for: apiError, requestID: context.requestID)
        }
    }

    private func translate(_ error: any Error, request: Request, context: Context) -> APIError {
        if let apiError = error as? APIError { return apiError }
        if let httpError = error as? any HTTPResponseError {
            switch httpError.status {
            case .notFound:
                // The router's own 404: no route for this method. Another method may have one.
                let allowed = routes.methods(matching: request.uri.path)
                if !allowed.isEmpty && !allowed.contains(request.method) {
                    return APIError(.methodNotAllowed, code: "method_not_allowed",
                                    "\(request.method) is not allowed on \(request.uri.path)",
                                    headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
                }
                return .notFound("no route for \(request.method) \(request.uri.path)")
            case .contentTooLarge:
                return APIError(.contentTooLarge, code: "payload_too_large", "request body is too large")
            case .badRequest:
                return .badRequest("the request could not be decoded")
            case .unsupportedMediaType:
                return APIError(.unsupportedMediaType, code: "unsupported_media_type", "unsupported content type")
            default:
                let status = httpError.status
                if status.code < 500 {
                    return APIError(status, code: status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                                    status.reasonPhrase)
                }
                return .internalError
            }
        }
        return .internalError
    }
}
