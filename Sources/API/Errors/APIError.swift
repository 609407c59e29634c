import HTTPTypes
import Hummingbird

/// An error with a stable machine-readable code, its HTTP status and a message safe to show.
///
/// Every error the API returns has the shape
/// `{"error": {"code": "...", "message": "...", "request_id": "..."}}`.
public struct APIError: Error, Sendable, Equatable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Extra headers, e.g. `Allow` on 405 or `Retry-After` on 429.
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public static func badRequest(_ message: String) -> APIError { .init(.badRequest, code: "invalid_request", message) }
    public static func notFound(_ message: String = "not found") -> APIError { .init(.notFound, code: "not_found", message) }
    public static func payloadTooLarge(limit: Int) -> APIError {
        .init(.contentTooLarge, code: "payload_too_large", "request body exceeds the limit of \(limit) bytes")
    }
    public static func unavailable(_ message: String) -> APIError { .init(.serviceUnavailable, code: "unavailable", message) }
    public static let internalError = APIError(.internalServerError, code: "internal_error", "internal server error")
}
