// Model files on WebGPU: save, load and continue training equals training straight through (test/unit/nn/model-file-suite.ts).
import { webgpuBackend } from './setup';
import { describeModelFileSuite } from '../unit/nn/model-file-suite';

// Fails under REQUIRE_WEBGPU=1 when no adapter exists; otherwise the suite's setBackend would throw.
const gpu = await webgpuBackend();
if (typeof gpu === 'string') console.warn(`model-file suite on WebGPU not run: ${gpu}`);
else describeModelFileSuite('webgpu');
