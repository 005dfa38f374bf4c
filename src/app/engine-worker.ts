// The CPU path's Web Worker: the network and its training live here (see network-host.ts).
import { expose } from 'comlink';
import { NetworkHost } from './network-host';

expose(new NetworkHost());
