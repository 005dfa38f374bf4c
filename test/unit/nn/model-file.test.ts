import { describeModelFileSuite } from './model-file-suite';

describeModelFileSuite('cpu');
