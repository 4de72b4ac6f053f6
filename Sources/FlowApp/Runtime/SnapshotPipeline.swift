import Foundation
import FlowCore
import FlowData
import FlowModels
import FlowRender

/// Turns `SnapshotRequest`s into snapshots on a replica of the trained model: the same
/// configuration, the request's parameters and controls, attached to the same data. A
/// replica gives exactly the snapshot the live model would (`SnapshotWorkerTests`), so the
/// work can run on any thread while training goes on with the original.
struct SnapshotPipeline {
    private var replica: TrainingSession?
    private var run = -1
    private var assembler: IncrementalSnapshot
    private var target: FieldGrid?
    private var targetKey = ""
    /// The energy distance's data points, for the dataset named.
    private var energyReference: (dataset: String, points: Matrix)?

    init(geometry: PlotGeometry) { assembler = IncrementalSnapshot(geometry: geometry) }

    /// The snapshot for `r`, refreshing what fits in `budget` seconds unless the request is complete.
    mutating func build(_ r: SnapshotRequest, budget: Double) -> ModelSnapshot {
        let session: TrainingSession
        do { session = try replica(for: r) } catch {
            // The trainer built the same configuration, so this cannot fail in practice; show the status.
            return r.status
        }
        if r.geometry != assembler.geometry { assembler.invalidate(geometry: r.geometry) }
        let key = "\(r.dataset.name)|\(r.geometry.targetPixels)"
        if key != targetKey {
            target = TargetField.compute(r.dataset, pixels: r.geometry.targetPixels, box: r.dataset.viewBox)
            targetKey = key
        }
        var status = r.status
        status.target = target
        var snap = assembler.update(session: session, status: status, specialIndex: r.specialIndex,
                                    budget: budget, complete: r.complete, scrubbing: r.scrubbing)
        snap.probe = r.probe.map { SnapshotBuilder.probeReading(session.model, at: $0) }
        if r.measuresEnergyDistance {
            if energyReference?.dataset != r.dataset.name {
                energyReference = (r.dataset.name, SnapshotBuilder.energyReference(r.dataset))
            }
            snap.energyDistance = SnapshotBuilder.energyDistance(snap.samples, reference: energyReference!.points)
        }
        return snap
    }

    /// The replica for the request's run, holding the request's controls and, between sweeps
    /// of the density grid, its parameters.
    private mutating func replica(for r: SnapshotRequest) throws -> TrainingSession {
        let fresh = run != r.run || replica == nil
        if fresh {
            replica = TrainingSession(model: try ModelFactory.make(r.config), dataset: r.dataset)
            run = r.run
            assembler.invalidate()
        }
        let model = replica!.model
        if fresh || r.complete || assembler.betweenSweeps {
            for (p, value) in zip(model.parameters, r.parameters) { p.value = value }
            model.didLoadParameters()
        }
        if let on = r.switchOn, model.modelSwitch?.isOn != on { model.setSwitch(on) }
        if let k = r.knob, model.knob?.value != k { model.setKnob(k) }
        return replica!
    }
}
