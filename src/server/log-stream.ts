/**
 * Where the server's log goes by default: standard output, written in batches (when 8 KiB are waiting, and at least
 * every half second) instead of one write per line. Each request logs two lines, and a write is a system call: under
 * many small requests, line-by-line writing cost the server a fifth of its throughput (bench/server-ingestion.ts).
 * What is waiting is written when the server closes; a process killed outright loses at most the last half second.
 */
import pino from "pino";

const FLUSH_MS = 500;

export interface LogStream {
  stream: pino.DestinationStream;
  /** Writes what is waiting and stops the timer. */
  close(): void;
}

export function batchedStdout(): LogStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 8192 });
  const timer = setInterval(() => destination.flush(), FLUSH_MS).unref();
  return {
    stream: destination,
    close: () => {
      clearInterval(timer);
      try {
        destination.flushSync();
      } catch {
        // standard output already closed (the reader went away): nothing more can be written
      }
    },
  };
}
