/**
 * The `sync` and `status` events an editor's binding listens to (its `CollabProvider`), kept
 * apart from whatever makes them: a handle's socket that may open later (Presence), or the
 * in-page sandbox provider. Listeners may remove themselves while being called.
 */
export type SyncListener = (isSynced: boolean) => void;
export type StatusListener = (event: { status: string }) => void;

export class ProviderEvents {
  private readonly syncListeners = new Set<SyncListener>();
  private readonly statusListeners = new Set<StatusListener>();

  on(type: 'sync', listener: SyncListener): void;
  on(type: 'status', listener: StatusListener): void;
  on(type: 'sync' | 'status', listener: SyncListener | StatusListener): void {
    if (type === 'sync') this.syncListeners.add(listener as SyncListener);
    else this.statusListeners.add(listener as StatusListener);
  }

  off(type: 'sync', listener: SyncListener): void;
  off(type: 'status', listener: StatusListener): void;
  off(type: 'sync' | 'status', listener: SyncListener | StatusListener): void {
    if (type === 'sync') this.syncListeners.delete(listener as SyncListener);
    else this.statusListeners.delete(listener as StatusListener);
  }

  protected emitSync(synced: boolean): void {
    for (const listener of [...this.syncListeners]) listener(synced);
  }

  protected emitStatus(event: { status: string }): void {
    for (const listener of [...this.statusListeners]) listener(event);
  }

  protected clearListeners(): void {
    this.syncListeners.clear();
    this.statusListeners.clear();
  }
}
