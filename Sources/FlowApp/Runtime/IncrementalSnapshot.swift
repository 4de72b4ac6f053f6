import Foundation
import FlowCore
import FlowData
import FlowModels
import FlowRender

/// The live explorer's snapshot, refreshed piece by piece so that every publish stays within a
/// small time budget however slow the model (a CNF's density grid costs hundreds of ms): the
/// status is fresh every time, the density grid is recomputed a band of rows at a time, the
/// samples a chunk at a time, and the model view and test NLL when their turn comes.
struct IncrementalSnapshot {
    var geometry: PlotGeometry
    var density: FieldGrid?
    var densityIsHistogram = false
    var nextDensityRow = 0
    var rowsPerStep = 4
    var samples: [[Point2]] = []
    var nextSampleChunk = 0
    var special: SpecialView = .none
    var specialIndex = 0
    var specialNames: [String] = []
    var specialCost = 0.0
    var lastSpecialTime = -1e9
    var testNLL: Double?
    var trainNLL: Double?
    var nllCost = 0.0
    var lastNLLTime = -1e9
    var scrub: ScrubTrack?
    var scrubCost = 0.0
    var lastScrubTime = -1e9
    var histogramCost = 0.0
    var lastHistogramTime = -1e9

    init(geometry: PlotGeometry) { self.geometry = geometry }

    /// True between two sweeps of the density grid: the moment to take newer parameters, so
    /// that one picture comes from one parameter state (and a model that normalises its
    /// density, like CTF's energy model, normalises once per picture).
    var betweenSweeps: Bool { nextDensityRow == 0 }

    static func now() -> Double { Date.timeIntervalSinceReferenceDate }

    /// Forgets everything (new model, new geometry, or a paused model that changed).
    mutating func invalidate(geometry: PlotGeometry? = nil) {
        if let geometry { self.geometry = geometry }
        density = nil
        nextDensityRow = 0
        samples = []
        nextSampleChunk = 0
        lastSpecialTime = -1e9
        lastNLLTime = -1e9
        lastScrubTime = -1e9
        lastHistogramTime = -1e9
    }

    /// Refreshes parts within `budget` seconds (everything when `complete`), then returns the
    /// snapshot to publish.
    mutating func update(session: TrainingSession, status: ModelSnapshot, specialIndex wanted: Int,
                         budget: Double, complete: Bool, scrubbing: Bool = false) -> ModelSnapshot {
        let start = Self.now()
        func left() -> Double { complete ? .infinity : budget - (Self.now() - start) }
        let model = session.model
        let box = status.viewBox
        let px = geometry.densityPixels
        // Density: a band of rows per step (implicit models: a whole histogram, it is cheap).
        if px.width > 0 && px.height > 0 {
            if density == nil || density!.width != px.width || density!.height != px.height {
                density = FieldGrid(width: px.width, height: px.height,
                                    logValues: [Double](repeating: -.infinity, count: px.width * px.height))
                nextDensityRow = 0
            }
            var firstPass = true
            while left() > 0 && (firstPass || complete) {
                firstPass = false
                let lo = nextDensityRow, hi = min(px.height, lo + (complete ? px.height : rowsPerStep))
                let t0 = Self.now()
                if let rows = SnapshotBuilder.densityRows(model, pixels: px, rows: lo..<hi, box: box) {
                    density!.logValues.replaceSubrange((lo * px.width)..<(hi * px.width), with: rows)
                    densityIsHistogram = false
                    nextDensityRow = hi % px.height
                    // Aim for a band that takes about a third of the budget.
                    let perRow = (Self.now() - t0) / Double(hi - lo)
                    rowsPerStep = max(1, min(px.height, Int(budget / 3 / max(perRow, 1e-6))))
                    if complete || nextDensityRow == 0 { break }
                } else {
                    // No density (GLF): a histogram of 10 000 samples, refreshed like the model
                    // view (it costs tens of milliseconds), but at least 4 times a second.
                    let t0 = Self.now()
                    if complete || !densityIsHistogram || t0 - lastHistogramTime > max(0.25, 8 * histogramCost) {
                        let (hist, _) = SnapshotBuilder.density(model, pixels: px, box: box)
                        density = hist
                        densityIsHistogram = true
                        histogramCost = Self.now() - t0
                        lastHistogramTime = Self.now()
                    }
                    break
                }
            }
        }
        // Samples: one chunk per step (all when complete or when there are none yet).
        let chunks = SnapshotBuilder.sampleCount / SnapshotBuilder.sampleChunk
        repeat {
            let piece = SnapshotBuilder.samples(model, chunk: nextSampleChunk)
            if samples.count < chunks { samples.append(piece) } else { samples[nextSampleChunk] = piece }
            nextSampleChunk = (nextSampleChunk + 1) % chunks
        } while (complete && nextSampleChunk != 0) || (samples.count < chunks && left() > 0)
        // Model view: when its turn comes (at most an eighth of the time on it).
        let t = Self.now()
        if complete || wanted != specialIndex || specialNames.isEmpty || (t - lastSpecialTime > max(0.5, 8 * specialCost) && left() > 0) {
            let t0 = Self.now()
            (special, specialNames, specialIndex) = SnapshotBuilder.special(session: session, index: wanted, box: box)
            specialCost = Self.now() - t0
            lastSpecialTime = Self.now()
        }
        // Scrubber track: like the model view (all of it at once: its stages share one solve).
        if !scrubbing {
            scrub = nil
        } else if complete || scrub == nil || (Self.now() - lastScrubTime > max(0.5, 4 * scrubCost) && left() > 0) {
            let t0 = Self.now()
            scrub = SnapshotBuilder.scrubTrack(session: session, box: box)
            scrubCost = Self.now() - t0
            lastScrubTime = Self.now()
        }
        // Test NLL (1000 exact evaluations): every ≥ 2 s, and never more than 10 % of the time.
        if complete || (Self.now() - lastNLLTime > max(2, 10 * nllCost) && left() > 0) {
            let t0 = Self.now()
            testNLL = Evaluation.testNLL(model, dataset: session.dataset)
            trainNLL = status.columns == nil ? nil : Evaluation.trainNLL(model, dataset: session.dataset)
            nllCost = Self.now() - t0
            lastNLLTime = Self.now()
        }
        var snap = status
        snap.density = density
        snap.densityIsHistogram = densityIsHistogram
        snap.samples = samples.flatMap { $0 }
        snap.special = special
        snap.specialViewNames = specialNames
        snap.specialIndex = specialIndex
        snap.testNLL = testNLL
        snap.trainNLL = trainNLL
        snap.scrub = scrub
        return snap
    }
}
