// The element-wise losses and their gradients, shared by loss_with_grad (loss.wgsl) and the fused
// training step (dense_step.wgsl). Clipping and the fromLogits path follow the CPU backend
// (src/engine/backend/cpu/loss.ts).

// [loss, dloss/dpred] of one element: kind 0 mse, 1 mae, 2 huber, 3 binary crossentropy (LOSS_CODES).
fn element_loss(kind: u32, from_logits: bool, clip_low: f32, clip_high: f32, q: f32, y: f32) -> vec2f {
  let d = q - y;
  switch kind {
    case 0u: { return vec2f(d * d, 2.0 * d); }
    case 1u: { return vec2f(abs(d), sign_(d)); }
    case 2u: {
      if (abs(d) <= 1.0) { return vec2f(0.5 * d * d, d); }
      return vec2f(abs(d) - 0.5, sign_(d));
    }
    default: {
      if (from_logits) {
        return vec2f(max(q, 0.0) - q * y + log1p_(exp(-abs(q))), sigmoid_(q) - y);
      }
      let c = clamp_(q, clip_low, clip_high);
      let clipped = q < clip_low || q > clip_high;
      return vec2f(-(y * log_(c) + (1.0 - y) * log_(1.0 - c)), select((1.0 - y) / (1.0 - c) - y / c, 0.0, clipped));
    }
  }
}
