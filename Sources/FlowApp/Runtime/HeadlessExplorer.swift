import FlowCore
import FlowData
import FlowModels
import FlowRender

/// The explorer without a terminal: train N seeded iterations, snapshot, render. Used by
/// `flowlab render` and the frame snapshot tests; the same code paths as the live explorer.
package enum HeadlessExplorer {
    package struct Options: Sendable {
        package var model: ModelKind
        package var dataset: String
        package var seed: UInt64 = 1
        package var iterations: Int = 0
        package var size: Size
        package var specialIndex: Int = 0
        package var logScale = true
        package var showHelp = false
        package var capabilities: Capabilities = .full
        package var config: ModelConfig?
        /// The scrubber at this fraction of its track (`--scrub F`), nil: off.
        package var scrub: Double?
        /// The probe at this point, data coordinates (`--probe X,Y`), nil: off.
        package var probe: Point2?
        /// A lesson's preset and caption (`--lesson N`, from 0 here).
        package var lesson: Int?
        package var preset: ConfigPreset?

        /// Options for lesson `i` (from 0): its model, dataset, view, scrubber, probe and preset.
        package init(lesson i: Int, iterations: Int, size: Size) {
            let l = Lessons.all[i]
            self.init(model: l.model, dataset: l.dataset, iterations: iterations, size: size)
            lesson = i
            specialIndex = l.view
            scrub = l.scrub
            probe = l.probe
            preset = l.preset
        }

        package init(model: ModelKind, dataset: String, iterations: Int, size: Size) {
            self.model = model
            self.dataset = dataset
            self.iterations = iterations
            self.size = size
        }
    }

    /// Trains and renders. Throws `DatasetError`/`ModelError` for bad names.
    package static func frame(_ o: Options) throws -> Frame {
        let dataset = try Dataset(name: o.dataset)
        var config = o.config ?? ModelConfig.defaults(for: o.model, dataset: dataset)
        config.seed = o.seed
        config.cosineDecay = false  // the explorer trains open-ended at a constant rate
        if let p = o.preset, p.model == o.model { p.apply(to: &config) }
        let session = TrainingSession(model: try ModelFactory.make(config), dataset: dataset)
        var history: [Double] = []
        var last: Double?
        var figures: Figures = [:]
        var event: String?
        for _ in 0..<o.iterations {
            let m = session.step()
            last = m.loss
            history.append(m.loss)
            for (k, v) in m.figures { figures[k] = (figures[k] ?? v) * 0.9 + v * 0.1 }
            if let msg = m.message { event = "iter \(m.iteration): \(msg)" }
        }
        return frame(session: session, options: o, history: history, lastLoss: last, figures: figures, event: event)
    }

    /// Renders an existing session (e.g. a loaded checkpoint).
    package static func frame(session: TrainingSession, options o: Options, history: [Double] = [], lastLoss: Double? = nil,
                             figures: Figures = [:], event: String? = nil) -> Frame {
        var state = ExplorerState(model: session.config.kind, dataset: session.dataset.name, seed: session.config.seed,
                                  size: o.size, capabilities: o.capabilities, datasetCycle: Dataset.builtinNames)
        state.paused = true
        state.logScale = o.logScale
        state.showHelp = o.showHelp
        state.specialIndex = o.specialIndex
        state.lesson = o.lesson
        let layout = ExplorerLayout(state)
        if !layout.isTooSmall {
            let g = layout.geometry
            let target = TargetField.compute(session.dataset, pixels: g.targetPixels,
                                             box: session.dataset.viewBox)
            state.snapshot = SnapshotBuilder.build(session: session, geometry: g, target: target,
                                                   lossHistory: LossHistory.downsample(history, to: 200),
                                                   lastLoss: lastLoss, itersPerSecond: nil,
                                                   specialIndex: o.specialIndex, event: event, figures: figures,
                                                   scrubbing: o.scrub != nil, probe: o.probe)
            if let f = o.scrub { state.scrubPosition = state.snapshot?.scrub?.index(fraction: f) ?? 0 }
            state.probe = o.probe
        }
        return ExplorerView.render(state)
    }
}

/// Keeps the loss sparkline short.
package enum LossHistory {
    /// Means over equal chunks so that at most `n` values remain.
    package static func downsample(_ values: [Double], to n: Int) -> [Double] {
        guard values.count > n, n > 0 else { return values }
        let chunk = (values.count + n - 1) / n
        return stride(from: 0, to: values.count, by: chunk).map { start in
            let part = values[start..<min(values.count, start + chunk)].filter(\.isFinite)
            return part.isEmpty ? .nan : part.reduce(0, +) / Double(part.count)
        }
    }
}
