import Foundation
import FlowApp
import FlowCore
import FlowData
import FlowModels
import FlowRender

/// Explorer frame costs: building a snapshot (density grid, samples, views) and rendering a
/// full 160×48 frame, per model.
enum FrameBench {
    static func run(models: [ModelKind], timer: BenchTimer) -> [BenchRow] {
        var rows: [BenchRow] = []
        let size = Size(width: 160, height: 48)
        let layout = ExplorerLayout(size: size)
        let g = layout.geometry
        for kind in models {
            guard let model = try? ModelFactory.make(ModelConfig.defaults(for: kind)) else { continue }
            let session = TrainingSession(model: model, dataset: .toy(.eightGaussians))
            let target = TargetField.compute(session.dataset, pixels: g.targetPixels, box: 4)
            var snap: ModelSnapshot?
            let tSnap = timer.secondsPerCall {
                snap = SnapshotBuilder.build(session: session, geometry: g, target: target, lossHistory: [1, 2, 3],
                                             lastLoss: 1, itersPerSecond: 100, specialIndex: 0, event: nil)
            }
            var state = ExplorerState(model: kind, dataset: "8gaussians", seed: 1, size: size, datasetCycle: Dataset.builtinNames)
            state.snapshot = snap
            let tRender = timer.secondsPerCall { blackHole(ExplorerView.render(state)) }
            rows.append(BenchRow(group: kind.rawValue, name: "snapshot 160x48 (density grid, samples, view)", value: tSnap * 1e3, unit: "ms"))
            rows.append(BenchRow(group: kind.rawValue, name: "render 160x48 frame", value: tRender * 1e3, unit: "ms"))
            rows.append(BenchRow(group: kind.rawValue, name: "full frame rate bound", value: 1 / (tSnap + tRender), unit: "frames/s"))
            if let tRecord = recordingCost(state, timer: timer) {
                rows.append(BenchRow(group: kind.rawValue, name: "asciicast recording per frame", value: tRecord * 1e3, unit: "ms"))
                rows.append(BenchRow(group: kind.rawValue, name: "asciicast recording, share of frame time",
                                     value: 100 * tRecord / (tSnap + tRender), unit: "%"))
            }
        }
        return rows
    }

    /// Seconds the asciicast recorder adds per drawn frame, alternating two different frames
    /// (so most rows change every time, the worst case for its row diff).
    static func recordingCost(_ state: ExplorerState, timer: BenchTimer) -> Double? {
        MainActor.assumeIsolated {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-bench-\(getpid()).cast").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            guard let recorder = try? CastRecorder(recording: BenchTerminal(state.size), to: path) else { return nil }
            var other = state
            other.logScale.toggle()
            let frames = [ExplorerView.render(state), ExplorerView.render(other)]
            var i = 0
            let t = timer.secondsPerCall { recorder.draw(frames[i % 2]); i += 1 }
            try? recorder.finish()
            return t
        }
    }
}
