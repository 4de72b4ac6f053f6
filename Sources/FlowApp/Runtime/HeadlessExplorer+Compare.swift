import FlowData
import FlowModels
import FlowRender

extension HeadlessExplorer {
    /// The split compare view without a terminal (issue 14): `o.model` on the left and `right`
    /// on the right, both trained `o.iterations` seeded steps on `o.dataset`, snapshotted at the
    /// compare layout's geometry and rendered. Deterministic, for the snapshot tests.
    package static func compareFrame(_ o: Options, right: ModelKind) throws -> Frame {
        let dataset = try Dataset(name: o.dataset)
        var state = ExplorerState(model: o.model, dataset: dataset.name, seed: o.seed, size: o.size,
                                  capabilities: o.capabilities, datasetCycle: Dataset.builtinNames)
        state.paused = true
        state.logScale = o.logScale
        state.compareModel = right
        guard !ExplorerLayout(state).isTooSmall else { return ExplorerView.render(state) }
        func snapshot(_ model: ModelKind, _ g: PlotGeometry) throws -> ModelSnapshot {
            var config = ModelConfig.defaults(for: model, dataset: dataset)
            config.seed = o.seed
            config.cosineDecay = false
            let session = TrainingSession(model: try ModelFactory.make(config), dataset: dataset)
            var history: [Double] = []
            var figures: Figures = [:]
            for _ in 0..<o.iterations {
                let m = session.step()
                history.append(m.loss)
                for (k, v) in m.figures { figures[k] = (figures[k] ?? v) * 0.9 + v * 0.1 }
            }
            let target = g.targetPixels.width > 0
                ? TargetField.compute(dataset, pixels: g.targetPixels, box: dataset.viewBox) : nil
            var snap = SnapshotBuilder.build(session: session, geometry: g, target: target,
                                             lossHistory: LossHistory.downsample(history, to: 200), lastLoss: history.last,
                                             itersPerSecond: nil, specialIndex: 0, event: nil, figures: figures)
            snap.energyDistance = SnapshotBuilder.energyDistance(snap.samples, reference: SnapshotBuilder.energyReference(dataset))
            return snap
        }
        state.snapshot = try snapshot(o.model, ExplorerLayout.geometry(for: state))
        state.compareSnapshot = try snapshot(right, ExplorerLayout.compareGeometry(for: state))
        return ExplorerView.render(state)
    }
}
