/** Entry of the compute worker (a module worker): exposes the one API object over Comlink. */
import { expose } from 'comlink';
import { studioApi } from './api';

expose(studioApi);
