import ServiceConfig
import SharedState

/// Which budgets one `/api` request spends, each a GCRA key of its own:
///
/// - `global`: every request to the service, `GLOBAL_RATE_LIMIT` per minute;
/// - the caller's: its API key's `rate_limit`, else `DEFAULT_RATE_LIMIT` per minute (per
///   client IP when API keys are off);
/// - the route's, when `RATE_LIMIT_ENDPOINTS` gives its template a limit: per caller.
///
/// A budget's burst is `RATE_LIMIT_BURST`, but never more than its per-minute rate; the
/// global one allows a second's worth at once (at least the burst).
struct RateLimitPolicy: Sendable {
    /// Who spends the caller-level budget.
    enum Caller: Sendable {
        case key(id: String, perMinute: Int?)
        case address(String)
    }

    /// Which level a budget is, for the 429 message.
    enum Level: Sendable {
        case global, caller, endpoint
    }

    let global: RateLimitRule
    let burst: Int
    let defaultCaller: RateLimitRule
    /// Route limits by method, then route template (`/api/sessions/{id}`).
    let endpoints: [String: [String: RateLimitRule]]

    init(_ config: AppConfig.RateLimiting) {
        burst = config.burst
        let perSecond = (config.globalPerMinute + 59) / 60
        global = RateLimitRule(requests: config.globalPerMinute, period: .seconds(60),
                               burst: min(config.globalPerMinute, max(config.burst, perSecond)))
        defaultCaller = Self.rule(perMinute: config.defaultPerMinute, burst: config.burst)
        var endpoints: [String: [String: RateLimitRule]] = [:]
        for limit in config.endpoints {
            endpoints[limit.method, default: [:]][limit.path] = Self.rule(perMinute: limit.perMinute, burst: config.burst)
        }
        self.endpoints = endpoints
    }

    static func rule(perMinute: Int, burst: Int) -> RateLimitRule {
        RateLimitRule(requests: perMinute, period: .seconds(60), burst: min(perMinute, burst))
    }

    /// The budgets a request spends, with the level of each, in the order global, caller,
    /// route. `route` is the matched route template.
    func budgets(caller: Caller, method: String, route: String?) -> [(RateLimitRequest, Level)] {
        let callerKey: String
        let callerRule: RateLimitRule
        switch caller {
        case .key(let id, let perMinute):
            callerKey = "key:" + id
            callerRule = perMinute.map { Self.rule(perMinute: $0, burst: burst) } ?? defaultCaller
        case .address(let address):
            callerKey = "ip:" + address
            callerRule = defaultCaller
        }
        var budgets = [
            (RateLimitRequest(key: "global", rule: global), Level.global),
            (RateLimitRequest(key: callerKey, rule: callerRule), Level.caller),
        ]
        if let route, let rule = endpoints[method]?[route] {
            budgets.append((RateLimitRequest(key: "route:\(callerKey):\(method) \(route)", rule: rule), .endpoint))
        }
        return budgets
    }

    /// Route limits whose template is not a registered route (probably a typo in the setting).
    func unknownEndpoints(in routes: RouteTable) -> [String] {
        endpoints.flatMap { method, templates in
            templates.keys.filter { !routes.contains(method: method, template: $0) }.map { "\(method) \($0)" }
        }.sorted()
    }
}
