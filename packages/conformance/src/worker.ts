/** Worker thread: runs the cases the main thread sends, one at a time, so a hang or crash is contained. */
import { parentPort, workerData } from 'node:worker_threads';
import { reopenCase } from './cases.js';
import { executeCase, importBackend } from './execute.js';

export interface CaseRequest {
  id: number;
  suite: string;
  name: string;
  modelPath: string;
}

const { backend, backendModule } = workerData as { backend: string; backendModule?: string };
await importBackend(backend, backendModule);
parentPort!.on('message', async (msg: CaseRequest) => {
  const result = await executeCase(reopenCase(msg.suite, msg.name, msg.modelPath), backend);
  parentPort!.postMessage({ id: msg.id, result });
});
parentPort!.postMessage({ ready: true });
