// The part of ConvNetJS 0.3.0 (plain JavaScript, no types of its own) the benchmark uses.
declare module 'convnetjs' {
  // A CommonJS module: its exports object is the default import.
  namespace convnetjs {
    export class Vol {
      constructor(sx: number, sy: number, depth: number, c?: number);
      sx: number;
      sy: number;
      depth: number;
      w: Float64Array;
      dw: Float64Array;
    }
    export interface LayerDef {
      type: string;
      [option: string]: unknown;
    }
    export interface Layer {
      layer_type: string;
      out_act: Vol;
      filters?: Vol[];
      biases?: Vol;
    }
    export class Net {
      layers: Layer[];
      makeLayers(defs: LayerDef[]): void;
      forward(v: Vol, isTraining?: boolean): Vol;
    }
    export class RegressionLayer implements Layer {
      constructor(opt: { in_sx: number; in_sy: number; in_depth: number });
      layer_type: string;
      out_act: Vol;
    }
    export interface TrainerOptions {
      method?: 'sgd' | 'adagrad' | 'windowgrad' | 'adadelta';
      learning_rate?: number;
      momentum?: number;
      batch_size?: number;
      l2_decay?: number;
      ro?: number;
      eps?: number;
    }
    export class Trainer {
      constructor(net: Net, options?: TrainerOptions);
      /** One example: forward, backward, and every batch_size calls an update. y: a class index or target values. */
      train(x: Vol, y: number | number[]): { loss: number; cost_loss: number };
    }
  }
  export default convnetjs;
}
