// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "claude-code-intelligence",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cci", targets: ["cci"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // System libraries, from Debian's -dev packages.
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CMalloc"),

        // Domain and infrastructure modules.
        .target(
            name: "ServiceConfig",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(name: "Transcript"),
        .target(name: "Compression", dependencies: ["Transcript", "Ollama"]),
        .target(
            name: "Ollama",
            dependencies: [
                "CCurl",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SharedState",
            dependencies: [
                "CHiredis",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(name: "Search", dependencies: ["Transcript"]),
        .target(
            name: "Ingest",
            dependencies: ["Transcript", "Storage", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "Storage",
            dependencies: [
                "CSQLite3", "CLibPQ", "Search",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "API",
            dependencies: [
                "ServiceConfig", "Storage", "Search", "SharedState", "Transcript", "Ingest", "Ollama", "Compression",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "cci",
            dependencies: [
                "API", "ServiceConfig", "Storage", "Ingest", "Ollama", "Compression", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),

        // Benchmarks (driven by scripts/bench-*.sh; not part of the test suite).
        .executableTarget(
            name: "cci-bench",
            dependencies: ["Storage", "Search", "Ingest", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/cci-bench"
        ),

        // Tests. TestSupport finds the test servers (PostgreSQL, Redis) and the corpus.
        .target(name: "TestSupport", dependencies: ["Storage", "Search", "Ingest"], path: "Tests/TestSupport"),
        // A stand-in Ollama server speaking Ollama's wire formats, for the client and API tests.
        .target(
            name: "OllamaStandIn",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/OllamaStandIn"
        ),
        .testTarget(name: "OllamaTests", dependencies: ["Ollama", "OllamaStandIn"]),
        .testTarget(name: "ServiceConfigTests", dependencies: ["ServiceConfig", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Search", "TestSupport"]),
        .testTarget(name: "SearchTests", dependencies: ["Search"]),
        .testTarget(name: "TranscriptTests", dependencies: ["Transcript", "TestSupport"]),
        .testTarget(name: "CompressionTests", dependencies: ["Compression", "Transcript", "TestSupport", "Ollama", "OllamaStandIn"]),
        .testTarget(
            name: "SharedStateTests",
            dependencies: [
                "SharedState", "TestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API", "ServiceConfig", "Storage", "Ingest", "Ollama", "OllamaStandIn", "SharedState", "TestSupport", "Transcript",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "OllamaStandIn", "Transcript"]),
    ]
)
