import FlowModels

/// `flowlab demo`: a guided tour. Each stop sets up the explorer and shows a caption in the
/// title bar; Tab or Enter moves on, every other key works as usual.
public struct DemoTour: Sendable {
    struct Stop: Sendable {
        var caption: String
        var actions: [Action]
    }

    static let stops: [Stop] = [
        Stop(caption: "Tour 1/9: Real NVP learns 8 Gaussians. Tab: next", actions: []),
        Stop(caption: "Tour 2/9: the model density sharpens as NLL nears the floor. Tab: next", actions: []),
        Stop(caption: "Tour 3/9: the transport view bends a base grid into the data. Tab: next", actions: []),
        Stop(caption: "Tour 4/9: the latent view: data mapped to the base N(0,I). Tab: next", actions: [.cycleView]),
        Stop(caption: "Tour 5/9: Glow: actnorm + LU 2x2 + coupling. Tab: next", actions: [.nextModel]),
        Stop(caption: "Tour 6/9: NSF: monotone rational-quadratic splines, sharper with fewer layers. Tab: next", actions: [.nextModel]),
        Stop(caption: "Tour 7/9: FFJORD: particles flow along an ODE; watch NFE. Tab: next", actions: [.nextModel]),
        Stop(caption: "Tour 8/9: RAD folds the plane; colours are discrete latents. Tab: next", actions: [.nextModel]),
        Stop(caption: "Tour 9/9: press ? for all keys, m/d to explore, q to quit.", actions: []),
    ]

    public init() {}

    public private(set) var index = 0
    private var queued: [Action] = stops[0].actions

    public var caption: String? { DemoTour.stops.indices.contains(index) ? DemoTour.stops[index].caption : nil }

    public mutating func advance() {
        guard index + 1 < DemoTour.stops.count else { return }
        index += 1
        queued += DemoTour.stops[index].actions
    }

    public func pendingAction() -> Action? { queued.first }

    public mutating func consumeAction() { if !queued.isEmpty { queued.removeFirst() } }
}
