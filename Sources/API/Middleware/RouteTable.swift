import HTTPTypes
import NIOConcurrencyHelpers

/// The route templates the application registered, so that a path known under another
/// method can be answered with 405 instead of 404.
final class RouteTable: Sendable {
    fileprivate let routes = NIOLockedValueBox<[(method: HTTPRequest.Method, segments: [Substring])]>([])

    func add(_ method: HTTPRequest.Method, _ template: String) {
        routes.withLockedValue { $0.append((method, template.split(separator: "/"))) }
    }

    /// Methods registered for templates matching `path`, in registration order.
    func methods(matching path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        return routes.withLockedValue { routes in
            var methods: [HTTPRequest.Method] = []
            for route in routes where Self.matches(route.segments, segments) && !methods.contains(route.method) {
                methods.append(route.method)
            }
            return methods
        }
    }

    private static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        guard template.count == path.count else { return false }
        return zip(template, path).allSatisfy { pattern, segment in
            pattern == segment || pattern.hasPrefix("{") || pattern.hasPrefix(":")
        }
    }
}

extension RouteTable {
    /// Whether exactly this template is registered under `method`.
    func contains(method: String, template: String) -> Bool {
        let wanted = template.split(separator: "/")
        return routes.withLockedValue { routes in
            routes.contains { $0.method.rawValue == method && $0.segments == wanted }
        }
    }
}
