import HTTPTypes
import Hummingbird

/// Requires a valid `X-API-Key` on the routes it guards and puts the key in the context.
/// With authentication disabled it lets everything through.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let authenticator: APIKeyAuthenticator?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authenticator else { return try await next(request, context) }
        var context = context
        context.apiKey = try await authenticator.authenticate(request.headers[.apiKey])
        return try await next(request, context)
    }
}

/// Refuses with 403 a key that lacks the permission a group of routes needs.
struct PermissionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let required: Permission
    let enforced: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if enforced {
            guard let key = context.apiKey, Permission.granted(required, by: key.permissions) else {
                throw APIError(.forbidden, code: "forbidden", "this API key lacks the \(required.rawValue) permission")
            }
        }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let apiKey = HTTPField.Name("X-API-Key")!
}
