import { readFileSync } from 'node:fs';

/**
 * CPU time (user and system), in ms, from Linux's /proc (NaN elsewhere): of the whole process, or
 * with `mainThread` of its main thread only (whose task id is the process id), the thread every
 * turn's JavaScript runs on and so queues for.
 */
export function cpuMs(pid: number | undefined, { mainThread = false } = {}): number {
  try {
    const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}
