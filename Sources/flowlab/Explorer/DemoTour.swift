import FlowApp
import FlowModels

/// `flowlab demo`: a guided tour. Each stop sets up the explorer and shows a caption in the
/// title bar; Tab or Enter moves on, every other key works as usual.
struct DemoTour {
    struct Stop {
        var caption: String
        var actions: [Action]
    }

    static let stops: [Stop] = [
        Stop(caption: "Tour 1/6: Real NVP learns 8 Gaussians. Tab: next", actions: []),
        Stop(caption: "Tour 2/6: the model density sharpens as NLL nears the floor. Tab: next", actions: []),
        Stop(caption: "Tour 3/6: the transport view bends a base grid into the data. Tab: next", actions: []),
        Stop(caption: "Tour 4/6: the latent view: data mapped to the base N(0,I). Tab: next", actions: [.cycleView]),
        Stop(caption: "Tour 5/6: Glow on moons: actnorm + LU 2x2 + coupling. Tab: next", actions: [.nextModel, .nextDataset, .nextDataset, .nextDataset]),
        Stop(caption: "Tour 6/6: press ? for all keys, q to quit. Enjoy!", actions: []),
    ]

    private(set) var index = 0
    private var queued: [Action] = stops[0].actions

    var caption: String? { DemoTour.stops.indices.contains(index) ? DemoTour.stops[index].caption : nil }

    mutating func advance() {
        guard index + 1 < DemoTour.stops.count else { return }
        index += 1
        queued += DemoTour.stops[index].actions
    }

    func pendingAction() -> Action? { queued.first }

    mutating func consumeAction() { if !queued.isEmpty { queued.removeFirst() } }
}
