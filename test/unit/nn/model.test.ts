import { describeModelSuite } from './model-suite';

describeModelSuite('cpu');
