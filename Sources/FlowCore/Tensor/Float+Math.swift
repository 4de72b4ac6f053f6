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
}

extension Double {
    @inline(__always) package static func expCompat(_ x: Double) -> Double { exp(x) }
    @inline(__always) package static func logCompat(_ x: Double) -> Double { log(x) }
}
