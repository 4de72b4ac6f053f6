import Foundation
import FlowApp
import FlowCore
import FlowData
import FlowModels
import FlowRender

/// The live explorer, measured as a person sees it: the real loop at 160×48 on a terminal
/// that draws nothing, training on 8gaussians. Reports new pictures per second (frames that
/// show a newer snapshot), training speed against the same run headless, and how long `+`
/// takes to show its new learning rate on screen.
enum LiveBench {
    static func run(models: [ModelKind], seconds: Double) -> [BenchRow] {
        MainActor.assumeIsolated {
            models.flatMap { kind -> [BenchRow] in
                let live = measure(kind, seconds: seconds)
                // The same iterations headless: FFJORD's cost per iteration grows as it trains.
                guard let headless = try? headlessRate(kind, iterations: live.iterations) else { return [] }
                let rate = Double(live.iterations.count) / live.seconds
                return [
                    BenchRow(group: kind.rawValue, name: "headless training, explorer's configuration", value: headless, unit: "it/s"),
                    BenchRow(group: kind.rawValue, name: "explorer 160x48: new pictures per second", value: live.pictures, unit: "frames/s"),
                    BenchRow(group: kind.rawValue, name: "explorer 160x48: training speed, share of headless", value: 100 * rate / headless, unit: "%"),
                    BenchRow(group: kind.rawValue, name: "explorer 160x48: key to frame (+, median of 5)", value: live.keyLatency * 1e3, unit: "ms"),
                ]
            }
        }
    }

    /// Iterations per second of the explorer's configuration trained in a plain loop, over the
    /// given iterations (the same seed retraces the explorer's run step for step).
    static func headlessRate(_ kind: ModelKind, iterations: Range<Int>) throws -> Double {
        let data = try Dataset(name: "8gaussians")
        var config = ModelConfig.defaults(for: kind, dataset: data)
        config.seed = 1
        config.cosineDecay = false
        let session = TrainingSession(model: try ModelFactory.make(config), dataset: data)
        while session.iteration < iterations.lowerBound { session.step() }
        let t0 = now()
        while session.iteration < iterations.upperBound { session.step() }
        return Double(iterations.count) / (now() - t0)
    }

    @MainActor
    static func measure(_ kind: ModelKind, seconds: Double) -> (pictures: Double, iterations: Range<Int>, seconds: Double, keyLatency: Double) {
        let terminal = BenchTerminal(Size(width: 160, height: 48))
        let loop = ExplorerLoop(model: kind, dataset: "8gaussians", seed: 1, backend: terminal, datasetCycle: Dataset.builtinNames)
        loop.start()
        defer { loop.stop() }
        func run(for s: Double) { let end = now() + s; while now() < end { loop.turn() } }
        run(for: 1.5)  // the first complete snapshot, warm caches
        let i0 = loop.state.snapshot?.iteration ?? 0, p0 = terminal.pictures, t0 = now()
        run(for: seconds)
        let dt = now() - t0
        let i1 = max(i0, loop.state.snapshot?.iteration ?? 0)
        let pictures = Double(terminal.pictures - p0) / dt
        var latencies: [Double] = []
        for k in 0..<5 {
            let before = loop.state.snapshot?.learningRate
            terminal.queue.append(.key(k % 2 == 0 ? "+" : "-"))
            let start = now()
            while loop.state.snapshot?.learningRate == before && now() - start < 2 { loop.turn() }
            latencies.append(now() - start)
            run(for: 0.2)
        }
        return (pictures, i0..<i1, dt, latencies.sorted()[2])
    }

    static func now() -> Double { Date.timeIntervalSinceReferenceDate }
}

/// A terminal that waits for input like a real one, takes queued keys, and counts the frames
/// that changed.
final class BenchTerminal: TerminalBackend {
    let size: Size
    var queue: [InputEvent] = []
    private(set) var pictures = 0
    private var last: Frame?
    init(_ size: Size) { self.size = size }
    var capabilities: Capabilities { .full }
    func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
        if !queue.isEmpty { return queue.removeFirst() }
        Thread.sleep(forTimeInterval: Double(timeoutMilliseconds) / 1000)
        return nil
    }
    func draw(_ frame: Frame) {
        if frame != last { pictures += 1 }
        last = frame
    }
    func invalidate() {}
}
