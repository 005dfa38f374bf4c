// The model-level suite (test/unit/nn/model-suite.ts) on WebGPU: the same seeded training and the course's
// worked numbers as on the CPU backend.
import { describe } from 'vitest';
import { gpuSuite, webgpuBackend } from './setup';
import { describeModelSuite } from '../unit/nn/model-suite';

// Fails under REQUIRE_WEBGPU=1 when no adapter exists; otherwise the suite is reported as skipped.
const gpu = await webgpuBackend();
describe.skipIf(typeof gpu === 'string')(gpuSuite('model suite on WebGPU', gpu), () => describeModelSuite('webgpu'));
