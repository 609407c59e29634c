import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Search
import Storage

/// `cci-bench search`: latency of typical searches through the storage layer alone (the SQL
/// and reading its rows) and through HTTP (`GET /api/sessions/search`) against a server on
/// the same database.
struct SearchBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search")

    @Option(help: "sqlite or postgres.") var backend: String = "sqlite"
    @Option(help: "SQLite database file.") var databasePath: String = "data/cci.db"
    @Option(help: "PostgreSQL URL.") var databaseURL: String = ""
    @Option(help: "Migrations folder.") var migrations: String = "migrations"
    @Option(help: "Base URL of a server on the same database.") var server: String
    @Option(help: "API key for the server, if it needs one.") var apiKey: String?
    @Option(help: "Timed runs per query and path.") var rounds: Int = 200
    @Option(help: "A project for the filtered queries.") var project: String = "/home/dev/project-07"

    /// Typical searches: label and the query string parameters of the HTTP request.
    var queries: [(label: String, parameters: [(String, String)])] {
        [
            ("single term", [("q", "migration")]),
            ("rare identifier", [("q", "ECONNREFUSED")]),
            ("multi-term", [("q", "database connection error")]),
            ("phrase", [("q", "\"connection refused\"")]),
            ("prefix", [("q", "migrat*")]),
            ("OR and exclusion", [("q", "sqlite OR postgres -docker")]),
            ("file name", [("q", "UserService.swift")]),
            ("single term, project filter", [("q", "migration"), ("project", project)]),
            ("multi-term, branch + dates", [("q", "test failure"), ("branch", "main"), ("from", "2025-01-01")]),
            ("tool calls, errors only", [("q", "build"), ("kinds", "tool_call,tool_result"), ("errors", "true")]),
            ("per entry", [("q", "migration"), ("group", "entry")]),
        ]
    }

    func run() async throws {
        let storage = try StorageFactory.open(.init(
            backend: backend == "postgres" ? .postgres : .sqlite, sqlitePath: databasePath, postgresURL: databaseURL,
            poolSize: 4, busyTimeout: .seconds(5), migrationsDirectory: migrations, backupDirectory: NSTemporaryDirectory()))
        let session = URLSession(configuration: .ephemeral)
        var floor = Latencies()
        for round in 0..<(rounds + 10) {
            if round < 10 {
                _ = try await get(session, path: "/live", parameters: [])
            } else {
                try await floor.record { _ = try await get(session, path: "/live", parameters: []) }
            }
        }
        print("| query | matches | SQL p50 | SQL p95 | SQL p99 | HTTP p50 | HTTP p95 | HTTP p99 | HTTP/SQL p50 |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for (label, parameters) in queries {
            let request = try Self.request(parameters)
            var sql = Latencies()
            var http = Latencies()
            var total = 0
            for round in 0..<(rounds + 5) {
                if round < 5 {  // the first runs warm caches
                    total = try await search(storage, request)
                    _ = try await get(session, path: "/api/sessions/search", parameters: parameters)
                    continue
                }
                try await sql.record { total = try await search(storage, request) }
                try await http.record { _ = try await get(session, path: "/api/sessions/search", parameters: parameters) }
            }
            print(String(format: "| %@ | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.2f× |",
                         label, total, sql.percentile(50), sql.percentile(95), sql.percentile(99),
                         http.percentile(50), http.percentile(95), http.percentile(99),
                         http.percentile(50) / max(sql.percentile(50), 0.001)))
        }
        print(String(format: "\nHTTP client floor (`GET /live`): p50 %.2f ms, p99 %.2f ms", floor.percentile(50), floor.percentile(99)))
        await storage.close()
    }

    /// The request the server builds from the same parameters.
    static func request(_ parameters: [(String, String)]) throws -> SearchRequest {
        let values = Dictionary(parameters, uniquingKeysWith: { $1 })
        var request = SearchRequest(query: try SearchQuery.parse(values["q"] ?? ""))
        request.grouping = values["group"] == "entry" ? .entry : .session
        request.project = values["project"]
        request.branch = values["branch"]
        request.from = values["from"]
        if let kinds = values["kinds"] { request.kinds = kinds.split(separator: ",").map(String.init) }
        request.errorsOnly = values["errors"] == "true"
        return request
    }

    private func search(_ storage: SQLStorage, _ request: SearchRequest) async throws -> Int {
        switch request.grouping {
        case .session: return try await storage.searchSessions(request, offset: 0).total
        case .entry: return try await storage.searchEntries(request, offset: 0).total
        }
    }

    private func get(_ session: URLSession, path: String, parameters: [(String, String)]) async throws -> Data {
        var components = URLComponents(string: server + path)!
        if !parameters.isEmpty { components.queryItems = parameters.map { URLQueryItem(name: $0.0, value: $0.1) } }
        var request = URLRequest(url: components.url!)
        if let apiKey { request.setValue(apiKey, forHTTPHeaderField: "X-API-Key") }
        let (data, response) = try await session.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw ValidationError("\(path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0): \(String(decoding: data, as: UTF8.self))")
        }
        return data
    }
}
