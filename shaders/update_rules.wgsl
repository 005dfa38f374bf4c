// The optimizer update of one parameter element, shared by apply_updates (optimizer.wgsl) and the fused
// training step (dense_step.wgsl). Regularization is folded into the gradient first:
// g += l1·sign(w) + 2·l2·w (Keras semantics, as the CPU backend in src/engine/backend/cpu/optimizer.ts).

// struct UpdateRule: generated from its declaration in src/engine/backend/webgpu/layouts.ts.

// The updated [w, slot0, slot1] from w, its gradient and slots; `t` is the 1-based step (Adam's bias
// correction). slot1 is Adam's second moment; other kinds return it unchanged.
fn apply_rule(r: UpdateRule, t: f32, w: f32, grad: f32, l1: f32, l2: f32, slot0: f32, slot1: f32) -> vec3f {
  let g = grad + l1 * sign_(w) + 2.0 * l2 * w;
  switch r.kind {
    case 0u: {
      let v = r.momentum * slot0 - r.lr * g;
      return vec3f(select(w + v, w + r.momentum * v - r.lr * g, r.nesterov == 1u), v, slot1);
    }
    case 1u: {
      let ms = r.rho * slot0 + (1.0 - r.rho) * g * g;
      return vec3f(w - r.lr * g / sqrt(ms + r.epsilon), ms, slot1);
    }
    case 2u: {
      let c1 = 1.0 - pow(r.beta1, t);
      let c2 = 1.0 - pow(r.beta2, t);
      let m = r.beta1 * slot0 + (1.0 - r.beta1) * g;
      let v = r.beta2 * slot1 + (1.0 - r.beta2) * g * g;
      return vec3f(w - r.lr * (m / c1) / (sqrt(v / c2) + r.epsilon), m, v);
    }
    default: {
      let acc = slot0 + g * g;
      return vec3f(w - r.lr * g / sqrt(acc + r.epsilon), acc, slot1);
    }
  }
}

// TensorFlow Playground's zero-crossing test (Regularization.clipAtZero; as src/engine/backend/cpu/optimizer.ts):
// the step without its regularization share lr·(l1·sign(w) + 2·l2·w) and the full step end on opposite
// sides of 0. `w` is the weight before the step, `next` after it.
fn crosses_zero(r: UpdateRule, w: f32, next: f32, l1: f32, l2: f32) -> bool {
  let data_only = next + r.lr * (l1 * sign_(w) + 2.0 * l2 * w);
  return data_only * next < 0.0;
}
