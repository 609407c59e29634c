import ArgumentParser

/// Benchmarks that need the service's own modules; the scripts in `scripts/` drive them.
@main
struct CCIBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cci-bench",
        abstract: "Measures the service's hot paths and prints Markdown tables.",
        subcommands: [SearchBenchmark.self, ParseBenchmark.self])
}
