import Foundation
import FlowCore
import FlowData
import FlowModels
import FlowRender

/// Samples a training session into a `ModelSnapshot` at the resolution the layout will draw.
/// Deterministic: the samples and data points shown come from fixed seeds, so the same model
/// state always gives the same snapshot (and the same frame).
public enum SnapshotBuilder {
    public static let sampleCount = 1500
    public static let sampleSeed: UInt64 = 0x5A3D1E
    public static let dataSeed: UInt64 = 0xDA7A

    public static func build(session: TrainingSession, geometry: PlotGeometry, target: FieldGrid?,
                             lossHistory: [Double], lastLoss: Double?, itersPerSecond: Double?,
                             specialIndex: Int, event: String?, figures: [String: Double] = [:],
                             withTestNLL: Bool = true) -> ModelSnapshot {
        let model = session.model
        var snap = ModelSnapshot(model: session.config.kind, dataset: session.dataset.name, seed: session.config.seed)
        snap.iteration = session.iteration
        snap.itersPerSecond = itersPerSecond
        snap.loss = lastLoss
        snap.testNLL = withTestNLL ? Evaluation.testNLL(model, dataset: session.dataset) : nil
        snap.entropyFloor = session.dataset.entropyFloor
        snap.learningRate = Double(session.optimizer.learningRate)
        snap.lossHistory = lossHistory
        snap.target = target
        snap.event = event
        snap.figures = figures
        let box = snap.box
        var rng = Xoshiro256(seed: sampleSeed)
        let samples = model.sample(count: sampleCount, using: &rng)
        snap.samples = (0..<samples.rows).map { Point2(Double(samples[$0, 0]), Double(samples[$0, 1])) }
        let px = geometry.densityPixels
        if px.width > 0 && px.height > 0 {
            let grid = Evaluation.gridPoints(width: px.width, height: px.height, box: box)
            if let lp = model.logDensity(grid) {
                snap.density = FieldGrid(width: px.width, height: px.height, logValues: lp.map(Double.init))
            } else {
                var srng = Xoshiro256(seed: sampleSeed &+ 1)
                let many = model.sample(count: 20_000, using: &srng)
                snap.density = TargetField.histogram(many, pixels: Size2(px.width, px.height), box: box)
                snap.densityIsHistogram = true
            }
        }
        snap.specialViewNames = model.specialViewNames
        snap.specialIndex = model.specialViewNames.isEmpty ? 0 : specialIndex % model.specialViewNames.count
        var drng = Xoshiro256(seed: dataSeed)
        let data = session.dataset.sample(count: 800, using: &drng)
        var vrng = Xoshiro256(seed: sampleSeed &+ 2)
        snap.special = model.specialView(index: snap.specialIndex, data: data, box: box, using: &vrng)
        return snap
    }
}
