#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, platform-neutral wrappers over the C math library used by scalar paths.
extension Float {
    @inline(__always) package static func expCompat(_ x: Float) -> Float { expf(x) }
    @inline(__always) package static func logCompat(_ x: Float) -> Float { logf(x) }
    @inline(__always) package static func log1pCompat(_ x: Float) -> Float { log1pf(x) }
    @inline(__always) package static func sinCompat(_ x: Float) -> Float { sinf(x) }

    /// sin x without libm: reduced to [−π, π], folded to [−π/2, π/2], then the Taylor series
    /// to x¹¹ (error below 1e-7 there); a few times faster than `sinf` for the sine features.
    @inline(__always) package static func fastSin(_ x: Float) -> Float {
        let twoPi: Float = 6.283185307, halfPi: Float = 1.570796327, pi: Float = 3.141592654
        var r = x - twoPi * (x / twoPi).rounded()
        r = r > halfPi ? pi - r : (r < -halfPi ? -pi - r : r)
        let r2 = r * r
        let p = 1 + r2 * (-1 / 6 + r2 * (1 / 120 + r2 * (-1 / 5040 + r2 * (1 / 362_880 + r2 * (-1 / 39_916_800)))))
        return r * p
    }

    /// cos x = sin(x + π/2).
    @inline(__always) package static func fastCos(_ x: Float) -> Float { fastSin(x + 1.570796327) }
}

extension Double {
    @inline(__always) package static func expCompat(_ x: Double) -> Double { exp(x) }
    @inline(__always) package static func logCompat(_ x: Double) -> Double { log(x) }
}
