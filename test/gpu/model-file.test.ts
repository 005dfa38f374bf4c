// Model files on WebGPU: save, load and continue training equals training straight through (test/unit/nn/model-file-suite.ts).
import { describe } from 'vitest';
import { gpuSuite, webgpuBackend } from './setup';
import { describeModelFileSuite } from '../unit/nn/model-file-suite';

// Fails under REQUIRE_WEBGPU=1 when no adapter exists; otherwise skipped with the reason in its title.
const gpu = await webgpuBackend();
describe.skipIf(typeof gpu === 'string')(gpuSuite('model-file suite on WebGPU', gpu), () => describeModelFileSuite('webgpu'));
