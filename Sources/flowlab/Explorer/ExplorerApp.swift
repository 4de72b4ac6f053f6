import FlowApp
import FlowData
import FlowModels
import FlowRender
import FlowTerminal

/// The live explorer: wires the curses backend to FlowApp's `ExplorerLoop`. Every exit path
/// (q, Ctrl-C, SIGTERM, errors) restores the terminal.
@MainActor
struct ExplorerApp {
    var model: ModelKind
    var dataset: String
    var seed: UInt64
    var ascii: Bool
    var lesson: Int?
    var autoplay: Double?

    func run() throws {
        // Validate names before touching the terminal so errors print normally.
        _ = try Dataset(name: dataset)
        _ = try ModelFactory.make(ModelConfig.defaults(for: model))
        let screen = try CursesScreen(forceASCII: ascii)
        TerminalGuard.install()
        defer { screen.close() }
        var cycle = Dataset.builtinNames
        if dataset.hasPrefix("csv:") { cycle.append(dataset) }
        let loop = ExplorerLoop(model: model, dataset: dataset, seed: seed, backend: screen, datasetCycle: cycle,
                                lesson: lesson, autoplay: autoplay, message: screen.lacksUTF8 && !ascii ? "no UTF-8 locale: ASCII mode" : nil)
        loop.run(shouldStop: { TerminalGuard.stopRequested })
    }
}
