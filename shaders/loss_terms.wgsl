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

// Categorical cross-entropy, one class j of a row at a time (the row's sums come from the caller):
// [loss, dloss/dz_j] from the logits, with m the row's maximum, s = Σ e^(z−m), log_s = log s and
// y_sum = Σ y (1 for one-hot rows): −y·log softmax(z)_j and softmax_j·Σy − y_j.
fn logits_ce_term(z: f32, y: f32, m: f32, s: f32, log_s: f32, y_sum: f32) -> vec2f {
  return vec2f(-y * (z - m - log_s), exp(z - m) / s * y_sum - y);
}
// [loss, dloss/dp_j] from a probability, clipped to [clip_low, 1] as Keras does: zero gradient where clipped.
fn probs_ce_term(v: f32, y: f32, clip_low: f32) -> vec2f {
  let c = clamp_(v, clip_low, 1.0);
  return vec2f(-y * log_(c), select(-y / c, 0.0, v < clip_low || v > 1.0));
}
