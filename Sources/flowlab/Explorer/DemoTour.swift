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
        Stop(caption: "Tour 1/8: Real NVP learns 8 Gaussians. Tab: next", actions: []),
        Stop(caption: "Tour 2/8: the model density sharpens as NLL nears the floor. Tab: next", actions: []),
        Stop(caption: "Tour 3/8: the transport view bends a base grid into the data. Tab: next", actions: []),
        Stop(caption: "Tour 4/8: the latent view: data mapped to the base N(0,I). Tab: next", actions: [.cycleView]),
        Stop(caption: "Tour 5/8: Glow: actnorm + LU 2x2 + coupling. Tab: next", actions: [.nextModel]),
        Stop(caption: "Tour 6/8: FFJORD: particles flow along an ODE; watch NFE. Tab: next", actions: [.nextModel]),
        Stop(caption: "Tour 7/8: RAD folds the plane; colours are discrete latents. Tab: next", actions: [.nextModel]),
        Stop(caption: "Tour 8/8: press ? for all keys, m/d to explore, q to quit.", actions: []),
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
