import FlowModels
/// Frame-rendering benchmarks (filled in with the explorer).
enum FrameBench {
    static func run(models: [ModelKind], timer: BenchTimer) -> [BenchRow] { [] }
}
