import Foundation
import HTTPTypes
import Hummingbird

/// Gives every request an id: the caller's `X-Request-ID` when it is sane (1–128 characters
/// of letters, digits, `-`, `_`, `.`, `:`), otherwise a new UUID. The id is echoed on the
/// response, logged, and put in error bodies.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = Self.sanitized(request.headers[.requestID]) ?? UUID().uuidString.lowercased()
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        return response
    }

    static func sanitized(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count) else { return nil }
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
        }
        return allowed ? value : nil
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-ID")!
}
