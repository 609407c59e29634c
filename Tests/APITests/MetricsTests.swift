import Foundation
import HTTPTypes
import HummingbirdTesting
import Storage
import TestSupport
import Testing

@Suite("Prometheus metrics", .serialized)
struct MetricsTests {
    @Test("/metrics exposes request counts by route template, latency, in-flight, pools and build info",
          arguments: TestDatabase.backends)
    func exposition(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, _ in
            _ = try await client.execute(uri: "/health", method: .get)
            _ = try await client.execute(uri: "/ready", method: .get)
            _ = try await client.execute(uri: "/no/such/route", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = String(buffer: response.body)
            #expect(text.contains(#"claude_code_requests_total{method="GET",route="/health",status="200"}"#))
            #expect(text.contains(#"claude_code_requests_total{method="GET",route="/ready",status="200"}"#))
            // Unknown paths are counted under one label, never their raw path.
            #expect(!text.contains("/no/such/route"))
            #expect(text.contains("claude_code_request_duration_seconds_bucket"))
            #expect(text.contains("claude_code_http_requests_in_flight"))
            #expect(text.contains("claude_code_db_pool_connections"))
            #expect(text.contains("claude_code_db_pool_max_connections"))
            #expect(text.contains("claude_code_db_query_duration_seconds"))
            #expect(text.contains(#"claude_code_build_info{version=""#))
        }
    }

    @Test("METRICS_ENABLED=false removes /metrics")
    func disabled() async throws {
        try await TestApp.run(environment: ["METRICS_ENABLED": "false"]) { client, _, _ in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .notFound)
        }
    }
}
