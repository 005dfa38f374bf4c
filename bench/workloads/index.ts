// Every workload, in the order of the results table.
import { cnnMnist } from './cnn-mnist';
import { fitCnnMnist } from './fit-cnn-mnist';
import { heatmap } from './heatmap';
import { matmul1024, matmul512 } from './matmul';
import { mlpMnist } from './mlp-mnist';
import { mlpPlayground } from './mlp-playground';
import { mlpPlaygroundMulticlass } from './mlp-playground-multiclass';
import type { Workload } from './workload';

export const WORKLOADS: Workload[] = [mlpPlayground, mlpPlaygroundMulticlass, heatmap, cnnMnist, fitCnnMnist, mlpMnist, matmul512, matmul1024];
