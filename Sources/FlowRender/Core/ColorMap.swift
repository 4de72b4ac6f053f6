import Foundation
/// Maps a value in [0, 1] to a colour: a perceptual map (viridis) quantised to the xterm
/// 256-colour cube, a reduced 8-step palette on 16-colour terminals, and a character ramp when
/// there is no colour at all.
package struct ColorMap: Sendable, Equatable {
    /// Viridis control points (matplotlib), linearly interpolated.
    static let viridis: [(Double, Double, Double)] = [
        (68, 1, 84), (72, 36, 117), (65, 68, 135), (53, 95, 141), (42, 120, 142), (33, 145, 140),
        (34, 168, 132), (68, 191, 112), (122, 209, 81), (189, 223, 38), (253, 231, 37),
    ]
    /// 16-colour steps, dark to bright.
    static let sixteen: [UInt8] = [0, 4, 12, 6, 2, 10, 3, 11, 15]
    /// Character ramps for monochrome output.
    package static let asciiRamp: [Character] = Array(" .:-=+*#%@")
    package static let shadeRamp: [Character] = [" ", "░", "▒", "▓", "█"]

    /// The precomputed 256-colour indices for 64 evenly spaced values.
    package let steps256: [UInt8]

    package init() {
        var s: [UInt8] = []
        for i in 0..<64 {
            let (r, g, b) = ColorMap.interpolate(Double(i) / 63)
            s.append(ColorMap.xterm256(r, g, b))
        }
        steps256 = s
    }

    package static let standard = ColorMap()

    static func interpolate(_ t: Double) -> (Double, Double, Double) {
        let u = min(max(t, 0), 1) * Double(viridis.count - 1)
        let i = min(Int(u), viridis.count - 2)
        let f = u - Double(i)
        let a = viridis[i], b = viridis[i + 1]
        return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }

    /// The palette as text (`step t xterm-index r g b`, one line per step): the source of
    /// `assets/colormaps/viridis-xterm256.txt`, so other tools can reproduce FlowLab's colours.
    package var table: String {
        var out = "# FlowLab density colour map: viridis (matplotlib) quantised to the xterm 256-colour palette\n"
        out += "# step t xterm_index r g b\n"
        for (i, idx) in steps256.enumerated() {
            let (r, g, b) = ColorMap.interpolate(Double(i) / 63)
            out += "\(i) \(String(format: "%.4f", Double(i) / 63)) \(idx) \(Int(r.rounded())) \(Int(g.rounded())) \(Int(b.rounded()))\n"
        }
        return out
    }

    /// The nearest colour of the xterm 6×6×6 cube or grey ramp.
    package static func xterm256(_ r: Double, _ g: Double, _ b: Double) -> UInt8 {
        let levels: [Double] = [0, 95, 135, 175, 215, 255]
        func nearest(_ v: Double) -> Int { levels.indices.min { abs(levels[$0] - v) < abs(levels[$1] - v) }! }
        let (ri, gi, bi) = (nearest(r), nearest(g), nearest(b))
        let cube = (levels[ri], levels[gi], levels[bi])
        let cubeErr = pow2(cube.0 - r) + pow2(cube.1 - g) + pow2(cube.2 - b)
        let grey = (r + g + b) / 3
        let gi2 = min(23, max(0, Int(((grey - 8) / 10).rounded())))
        let gv = Double(8 + 10 * gi2)
        let greyErr = pow2(gv - r) + pow2(gv - g) + pow2(gv - b)
        return greyErr < cubeErr ? UInt8(232 + gi2) : UInt8(16 + 36 * ri + 6 * gi + bi)
    }

    static func pow2(_ x: Double) -> Double { x * x }

    /// The colour for `t` ∈ [0, 1] at a colour depth (nil when there is no colour).
    package func color(_ t: Double, depth: Capabilities.ColorDepth) -> Color? {
        let u = t.isFinite ? min(max(t, 0), 1) : 0
        switch depth {
        case .full256: return .indexed(steps256[min(63, Int(u * 63 + 0.5))])
        case .sixteen: return .indexed(ColorMap.sixteen[min(ColorMap.sixteen.count - 1, Int(u * Double(ColorMap.sixteen.count - 1) + 0.5))])
        case .none: return nil
        }
    }

    /// The ramp character for `t` ∈ [0, 1].
    package static func rampCharacter(_ t: Double, unicode: Bool) -> Character {
        let ramp = unicode ? shadeRamp : asciiRamp
        let u = t.isFinite ? min(max(t, 0), 1) : 0
        return ramp[min(ramp.count - 1, Int(u * Double(ramp.count - 1) + 0.5))]
    }
}

/// A stable categorical palette (regions, series), 12 well-separated 256-colour indices with
/// 16-colour fallbacks and ASCII letters.
package enum CategoricalPalette {
    static let full: [UInt8] = [33, 208, 41, 197, 141, 226, 51, 130, 213, 118, 246, 27]
    static let sixteen: [UInt8] = [12, 9, 10, 13, 11, 14, 4, 1, 2, 5, 3, 6]
    static let letters: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    package static func color(_ index: Int, depth: Capabilities.ColorDepth) -> Color? {
        let i = ((index % full.count) + full.count) % full.count
        switch depth {
        case .full256: return .indexed(full[i])
        case .sixteen: return .indexed(sixteen[i])
        case .none: return nil
        }
    }

    package static func letter(_ index: Int) -> Character { letters[((index % 26) + 26) % 26] }
}
