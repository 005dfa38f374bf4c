// The model-level suite (test/unit/nn/model-suite.ts) on WebGPU: the same seeded training and the course's
// worked numbers as on the CPU backend.
import { webgpuBackend } from './setup';
import { describeModelSuite } from '../unit/nn/model-suite';

// Fails under REQUIRE_WEBGPU=1 when no adapter exists; otherwise the suite's setBackend would throw.
const gpu = await webgpuBackend();
if (typeof gpu === 'string') console.warn(`model suite on WebGPU not run: ${gpu}`);
else describeModelSuite('webgpu');
