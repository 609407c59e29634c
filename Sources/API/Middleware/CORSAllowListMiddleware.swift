import HTTPTypes
import Hummingbird

/// CORS for an explicit list of origins (or `*`). Preflight requests from an allowed origin
/// get 204 with the allowed methods and headers; other requests from it get
/// `Access-Control-Allow-Origin`. Origins not on the list get no CORS headers, so browsers
/// refuse them.
struct CORSAllowListMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let allowedOrigins: Set<String>
    let allowsAnyOrigin: Bool

    init(origins: [String]) {
        allowsAnyOrigin = origins.contains("*")
        allowedOrigins = Set(origins)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], allowsAnyOrigin || allowedOrigins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers = HTTPFields()
            headers[.accessControlAllowOrigin] = allowsAnyOrigin ? "*" : origin
            headers[.accessControlAllowMethods] = "GET, POST, DELETE, OPTIONS"
            headers[.accessControlAllowHeaders] = "Content-Type, X-API-Key, X-Request-ID"
            headers[.accessControlMaxAge] = "600"
            if !allowsAnyOrigin { headers[.vary] = "Origin" }
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = allowsAnyOrigin ? "*" : origin
        response.headers[.accessControlExposeHeaders] = "X-Request-ID, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"
        if !allowsAnyOrigin { response.headers[.vary] = "Origin" }
        return response
    }
}
