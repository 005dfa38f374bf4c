// The model-level suite (test/unit/nn/model-suite.ts) on the wasm backend: the same seeded training and the
// course's worked numbers as on the CPU reference, through WebAssembly matmuls, convolutions and the fused
// dense step.
import { describeModelSuite } from '../nn/model-suite';

describeModelSuite('wasm');
