/**
 * The load driver in a process of its own: `load` (a LoadRequest) sends the signed requests and answers with
 * every ack's timing. Its event loop does nothing else, so an ack is timed when it arrives, not when a busy
 * benchmark process gets round to it. Started by bench/processes.ts; prints `listening 0` when ready.
 */
import { runLoad, type LoadRequest } from './load.js';
import { memoryStats, serveIpc } from './processes.js';

serveIpc({
  load: (payload) => runLoad(payload as LoadRequest),
  stats: () => memoryStats(),
});
process.stdout.write('listening 0\n');
