import Foundation

// Row softmax and its backward, 8 lanes at a time: the attention probabilities and the
// cross-entropy's softmax.

/// Softmax over the first `length` entries of a row, in place, with the max subtracted;
/// entries `length ..< width` (the future) are set to 0.
@inline(never)
func softmaxCausalRow(_ row: UnsafeMutablePointer<Float>, length: Int, width: Int) {
    _ = softmaxRow(row, row, count: length)
    (row + length).update(repeating: 0, count: width - length)
}

/// Softmax of `count` entries of `inp` into `out` (which may alias `inp`), with the max
/// subtracted before `exp` (`exp8`, 8 lanes at a time); returns
/// logsumexp(inp) = max + log(sum_j exp(inp_j - max)), in nats.
@inline(never)
func softmaxRow(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, count: Int) -> Float {
    let vectorEnd = count & ~7
    var max8 = Float8(repeating: -.infinity)
    var j = 0
    while j < vectorEnd {
        let x = inp.load8(j)
        max8.replace(with: x, where: x .> max8)
        j += 8
    }
    var m = largestLane(max8)
    for i in vectorEnd..<count { m = max(m, inp[i]) }
    var sum8 = Float8.zero
    j = 0
    while j < vectorEnd {
        let e = exp8(inp.load8(j) - m)
        out.store8(e, j)
        sum8 += e
        j += 8
    }
    var sum = sum8.sum()
    for i in vectorEnd..<count {
        let e = exp1(inp[i] - m)
        out[i] = e
        sum += e
    }
    let inv = 1 / sum
    j = 0
    while j < vectorEnd {
        out.store8(out.load8(j) * inv, j)
        j += 8
    }
    for i in vectorEnd..<count { out[i] *= inv }
    return m + Foundation.log(sum)
}

/// Backward of the softmax of one causal row, in place in `g`: with p = P[t] and g = dP[t],
/// g[j] = p[j] (g[j] - <p, g>) scale for j <= t (`length` = t + 1 entries), 0 after.
@inline(never)
func softmaxCausalRowBackward(
    _ g: UnsafeMutablePointer<Float>, _ p: UnsafePointer<Float>, length: Int, width: Int, scale: Float
) {
    let vectorEnd = length & ~7
    var dot8 = Float8.zero
    var j = 0
    while j < vectorEnd {
        dot8 += p.load8(j) * g.load8(j)
        j += 8
    }
    var dot = dot8.sum()
    for i in vectorEnd..<length { dot += p[i] * g[i] }
    j = 0
    while j < vectorEnd {
        g.store8(p.load8(j) * (g.load8(j) - dot) * scale, j)
        j += 8
    }
    for i in vectorEnd..<length { g[i] = p[i] * (g[i] - dot) * scale }
    (g + length).update(repeating: 0, count: width - length)
}
