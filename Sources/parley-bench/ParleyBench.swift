import ArgumentParser

@main
struct ParleyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-bench",
        abstract: "Load and latency benchmarks against a running Parley server.",
        subcommands: [
            AdminPagesBenchmark.self, RealtimeBenchmark.self, WebhookReceiverBenchmark.self,
            ContactDetailBenchmark.self, EventCodingBenchmark.self, WebhookClientBenchmark.self,
        ]
    )
}
