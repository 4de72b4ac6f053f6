import Foundation
import FlowCore
import FlowData
import FlowModels
import FlowRender

/// Samples a training session into a `ModelSnapshot` at the resolution the layout will draw.
/// Deterministic: the samples and data points shown come from fixed seeds, so the same model
/// state always gives the same snapshot (and the same frame). The parts are visible to the package so the live
/// explorer can refresh them incrementally (`IncrementalSnapshot`).
package enum SnapshotBuilder {
    package static let sampleCount = 1500
    package static let sampleChunk = 300
    package static let sampleSeed: UInt64 = 0x5A3D1E
    package static let dataSeed: UInt64 = 0xDA7A

    /// Everything in one go (headless frames, snapshot tests).
    package static func build(session: TrainingSession, geometry: PlotGeometry, target: FieldGrid?,
                             lossHistory: [Double], lastLoss: Double?, itersPerSecond: Double?,
                             specialIndex: Int, event: String?, figures: Figures = [:],
                             withTestNLL: Bool = true, scrubbing: Bool = false, probe: Point2? = nil) -> ModelSnapshot {
        var snap = status(session: session, target: target, lossHistory: lossHistory, lastLoss: lastLoss,
                          itersPerSecond: itersPerSecond, event: event, figures: figures)
        if scrubbing { snap.scrub = scrubTrack(session: session, box: snap.viewBox) }
        snap.probe = probe.map { probeReading(session.model, at: $0) }
        snap.testNLL = withTestNLL ? Evaluation.testNLL(session.model, dataset: session.dataset) : nil
        if withTestNLL && snap.columns != nil { snap.trainNLL = Evaluation.trainNLL(session.model, dataset: session.dataset) }
        snap.samples = (0..<(sampleCount / sampleChunk)).flatMap { samples(session.model, chunk: $0) }
        let (field, histogram) = density(session.model, pixels: geometry.densityPixels, box: snap.viewBox)
        snap.density = field
        snap.densityIsHistogram = histogram
        (snap.special, snap.specialViewNames, snap.specialIndex) = special(session: session, index: specialIndex, box: snap.viewBox)
        return snap
    }

    /// Points of the energy distance in the compare view's leaderboard: few, as it is
    /// quadratic (a few ms per snapshot).
    package static let energyDistanceCount = 500

    /// The fixed-seed data points the leaderboard's energy distance compares with (held-out
    /// points for a CSV).
    package static func energyReference(_ dataset: Dataset) -> Matrix {
        if case .csv(let c) = dataset { return c.test.rows > energyDistanceCount ? c.test.rows(0..<energyDistanceCount) : c.test }
        var rng = Xoshiro256(seed: Evaluation.energyDistanceSeed &+ 1)
        return dataset.sample(count: energyDistanceCount, using: &rng)
    }

    /// The energy distance of (the first `energyDistanceCount` of) a snapshot's samples to the
    /// reference points; nil without samples.
    package static func energyDistance(_ samples: [Point2], reference: Matrix) -> Double? {
        let n = min(samples.count, energyDistanceCount)
        guard n > 1, reference.rows > 1 else { return nil }
        let a = Matrix(rows: n, cols: 2, storage: samples.prefix(n).flatMap { [Float($0.x), Float($0.y)] })
        return Evaluation.energyDistance(a, reference)
    }

    /// The cheap fields: iteration, rates, loss, learning rate, history, events.
    package static func status(session: TrainingSession, target: FieldGrid?, lossHistory: [Double], lastLoss: Double?,
                              itersPerSecond: Double?, event: String?, figures: Figures) -> ModelSnapshot {
        var snap = ModelSnapshot(model: session.config.kind, dataset: session.dataset.name, seed: session.config.seed)
        snap.iteration = session.iteration
        snap.itersPerSecond = itersPerSecond
        snap.loss = lastLoss
        snap.entropyFloor = session.dataset.entropyFloor
        snap.learningRate = Double(session.optimizer.learningRate)
        snap.lossHistory = lossHistory
        snap.target = target
        snap.event = event
        snap.figures = figures
        snap.specialViewNames = session.model.views.map(\.title)
        snap.controls = ControlReading.of(session.model)
        snap.viewBox = session.dataset.viewBox
        snap.parameterCount = session.model.parameters.reduce(0) { $0 + $1.value.count }
        if case .csv(let c) = session.dataset {
            snap.columns = c.columns
            snap.skippedRows = c.skippedRows
        }
        return snap
    }

    /// Chunk `k` of the displayed samples (each chunk has its own fixed seed).
    package static func samples(_ model: any GenerativeModel, chunk k: Int) -> [Point2] {
        var rng = Xoshiro256(seed: sampleSeed &+ UInt64(k) &* 7919)
        let s = model.sample(count: sampleChunk, using: &rng)
        return s.points
    }

    /// Log-densities of pixel rows `rows` of the density grid, or nil without a tractable density.
    package static func densityRows(_ model: any GenerativeModel, pixels: Size, rows: Range<Int>, box: ViewBox) -> [Double]? {
        let grid = Evaluation.gridPoints(width: pixels.width, height: pixels.height, box: box)
        let part = grid.rows((rows.lowerBound * pixels.width)..<(rows.upperBound * pixels.width))
        return model.logDensity(part)?.map(Double.init)
    }

    /// The whole density grid, or a histogram of 10 000 samples for implicit models.
    package static func density(_ model: any GenerativeModel, pixels px: Size, box: ViewBox) -> (FieldGrid?, Bool) {
        guard px.width > 0 && px.height > 0 else { return (nil, false) }
        if let lp = densityRows(model, pixels: px, rows: 0..<px.height, box: box) {
            return (FieldGrid(width: px.width, height: px.height, logValues: lp), false)
        }
        var rng = Xoshiro256(seed: sampleSeed &+ 1)
        let many = model.sample(count: 10_000, using: &rng)
        return (TargetField.histogram(many, pixels: px, box: box), true)
    }

    /// The scrubber's track (fixed data points and seed), nil when the model has none.
    package static func scrubTrack(session: TrainingSession, box: ViewBox) -> ScrubTrack? {
        var drng = Xoshiro256(seed: dataSeed)
        let data = session.dataset.sample(count: 800, using: &drng)
        var rng = Xoshiro256(seed: sampleSeed &+ 3)
        return session.model.scrubTrack(data: data, box: box.halfWidth, using: &rng)
    }

    /// The change of variables at one point.
    package static func probeReading(_ model: any FlowLabModel, at p: Point2) -> ProbeReading {
        ProbeReading(point: p, terms: model.densityTerms(Matrix(rows: 1, cols: 2, storage: [Float(p.x), Float(p.y)])))
    }

    /// The model-specific view (with fixed data points and seed).
    package static func special(session: TrainingSession, index: Int, box: ViewBox) -> (SpecialView, [String], Int) {
        let model = session.model
        let names = model.views.map(\.title)
        let i = names.isEmpty ? 0 : index % names.count
        var drng = Xoshiro256(seed: dataSeed)
        let data = session.dataset.sample(count: 800, using: &drng)
        var vrng = Xoshiro256(seed: sampleSeed &+ 2)
        return (model.view(index: i, data: data, box: box.halfWidth, using: &vrng), names, i)
    }
}
