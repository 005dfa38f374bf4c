// The image lessons' networks, as the course builds them in Keras: a list of layer configs in the model
// file's own form ({ type, config }, built by layerFromConfig), so a preset is data the URL, the layer
// editor and the model file can all read. The input layer comes from the dataset's image size; the
// optimizer, loss and batch size are the lesson's (src/app/presets.ts), as for every lesson.
export interface LayerConfig {
  type: 'Dense' | 'Conv2D' | 'MaxPooling2D' | 'AveragePooling2D' | 'Flatten' | 'Dropout';
  config: Record<string, unknown>;
}

export const IMAGE_PRESET_IDS = ['mlp', 'cnn', 'cnn-course'] as const;
export type ImagePresetId = (typeof IMAGE_PRESET_IDS)[number];

export interface ImagePreset {
  id: ImagePresetId;
  layers: readonly LayerConfig[];
}

const conv = (filters: number, kernelSize = 3): LayerConfig => ({ type: 'Conv2D', config: { filters, kernelSize, activation: 'relu' } });
const pool: LayerConfig = { type: 'MaxPooling2D', config: { poolSize: 2 } };
const flatten: LayerConfig = { type: 'Flatten', config: {} };
const dense = (units: number, activation: string): LayerConfig => ({ type: 'Dense', config: { units, activation } });
const dropout = (rate: number): LayerConfig => ({ type: 'Dropout', config: { rate } });

export const IMAGE_PRESETS: Readonly<Record<ImagePresetId, ImagePreset>> = {
  // The course's multilayer perceptron for MNIST: 784-256-256-10 with dropout 0.45.
  mlp: {
    id: 'mlp',
    layers: [flatten, dense(256, 'relu'), dropout(0.45), dense(256, 'relu'), dropout(0.45), dense(10, 'softmax')],
  },
  // A small fast CNN (16 and 32 filters) for slow machines and software adapters.
  cnn: {
    id: 'cnn',
    layers: [conv(16), pool, conv(32), pool, flatten, dense(64, 'relu'), dense(10, 'softmax')],
  },
  // The course's network: three 3×3 convolutions of 64 filters, two max-poolings, softmax (80,266 parameters on 28×28).
  'cnn-course': {
    id: 'cnn-course',
    layers: [conv(64), pool, conv(64), pool, conv(64), flatten, dense(10, 'softmax')],
  },
};
