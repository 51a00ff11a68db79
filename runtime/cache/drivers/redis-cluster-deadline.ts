/**
 * A Cluster command either gets its reply within the deadline or fails, and a
 * command whose outcome was reported is never sent (again) afterwards.
 *
 * ioredis's Cluster does not guarantee either on its own (its issue #1604):
 * - a command queued while the Cluster has no slot map (offline queue) or
 *   waiting to be retried after a failover (its delay queue) has no timer, so
 *   a caller that gave up on it cannot stop it from being sent later;
 * - a command that timed out on a node stays in that node's queue; when the
 *   connection then closes, the Cluster retries it on the promoted replica.
 * Both let a `$cache.set` that the hook saw fail land after a later set that
 * succeeded, so a read after the later set returns the older value.
 * And a master that hangs (rather than closing its connections) is never
 * replaced in the client's slot map: it refreshes that only on MOVED or a
 * closed connection. A timed-out command therefore asks for a refresh.
 *
 * The deadline starts when the Cluster first sees the command and covers all
 * its retries; once the command has settled (any way), every node refuses to
 * send it. Not covered: the `eval` ioredis sends when a script's `evalsha`
 * meets NOSCRIPT is a new command with a deadline of its own, so such a call
 * can take up to twice the timeout; and the slot-map refresh a timeout starts
 * holds its own connections until `slotsRefreshTimeout`.
 */
import type { Cluster, Redis } from 'ioredis';

/** The part of ioredis's Command this relies on (ioredis 5; checked by test/cache/redis-cluster-deadline.test.ts). */
interface QueuedCommand {
  name: string;
  promise: Promise<unknown>;
  reject(err: Error): void;
}

type SendCommand = (command: QueuedCommand, ...rest: unknown[]) => unknown;

/** ioredis's own message for a command timeout, so the driver explains both the same way. */
const TIMED_OUT = 'Command timed out';

export function enforceCommandDeadline(cluster: Cluster, timeoutMs: number): void {
  // Keyed by the command's promise, not the command: a pipeline retried after MOVED resets its commands'
  // promises (initPromise) and sends the same objects again, which is a new attempt with its own deadline.
  const settled = new WeakSet<Promise<unknown>>();
  const timed = new WeakSet<Promise<unknown>>();
  const clusterSend = patchable(cluster);
  const sendThroughCluster = clusterSend.sendCommand.bind(cluster) as SendCommand;
  const refreshSlots = () => (cluster as unknown as { refreshSlotsCache(): void }).refreshSlotsCache();

  clusterSend.sendCommand = (command, ...rest) => {
    const attempt = command.promise;
    if (settled.has(attempt)) return attempt;
    const result = sendThroughCluster(command, ...rest);
    if (!timed.has(attempt)) {
      timed.add(attempt);
      // After the first send: the Cluster has wrapped reject by then, so this rejection ends its retries too.
      const timer = setTimeout(() => {
        if (command.promise !== attempt) return; // a later attempt of the same command has its own timer
        command.reject(new Error(TIMED_OUT));
        // A master that stopped answering without closing its connection may have been replaced by now, and
        // nothing else tells the Cluster client (it refreshes its slot map on MOVED or a closed connection).
        refreshSlots();
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        settled.add(attempt);
      };
      attempt.then(done, done);
    }
    return result;
  };

  cluster.on('+node', (node: Redis) => {
    const nodeSend = patchable(node);
    const sendToNode = nodeSend.sendCommand.bind(node) as SendCommand;
    nodeSend.sendCommand = (command, ...rest) => (settled.has(command.promise) ? command.promise : sendToNode(command, ...rest));
  });
}

function patchable(client: Cluster | Redis): { sendCommand: SendCommand } {
  return client as unknown as { sendCommand: SendCommand };
}
