/** Helpers every child process of a real run uses. */

/** Exit as soon as the parent is gone (its IPC channel closes), so nothing outlives a killed run. */
export function exitWithParent(): void {
  if (process.send === undefined) {
    process.stderr.write('wsfleet: this file is started by `wsfleet real`, not by hand\n');
    process.exit(2);
  }
  process.on('disconnect', () => process.exit(0));
  // A run's children stop with the run; SIGINT from the terminal goes to the whole group, the parent decides.
  process.on('SIGINT', () => undefined);
}

/** Sends one message to the parent; a parent already gone means this child exits. */
export function sendToParent(message: unknown): void {
  if (process.connected && process.send !== undefined) process.send(message);
  else process.exit(0);
}
