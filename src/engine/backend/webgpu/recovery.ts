// Device-loss recovery: on a lost device, announce it, start a new device, give every live storage a new
// buffer restored from its snapshot, then announce 'restored' (or 'failed', when no device comes back: the
// app should fall back to the CPU). Kernels called meanwhile throw; reads wait for the outcome.

export type DeviceEvent =
  | { type: 'lost'; reason: string }
  | { type: 'restored'; restored: number; missing: number }
  | { type: 'failed'; reason: string }
  /** A validation or out-of-memory error of some work (its message names the operation); the next read rejects. */
  | { type: 'error'; message: string };

export class DeviceRecovery {
  /** A recovery in progress. */
  recovering: Promise<void> | null = null;

  constructor(
    /** Starts a new device and rebinds every live storage to it; resolves to the snapshot counts. */
    private restart: () => Promise<{ restored: number; missing: number }>,
    private emit: (e: DeviceEvent) => void,
  ) {}

  onLost(reason: string): void {
    this.emit({ type: 'lost', reason });
    // Recovery is over before listeners hear of it, so they may dispatch at once.
    const finish = (e: DeviceEvent): void => {
      this.recovering = null;
      this.emit(e);
    };
    this.recovering = this.restart().then(
      (counts) => finish({ type: 'restored', ...counts }),
      (e: unknown) => finish({ type: 'failed', reason: e instanceof Error ? e.message : String(e) }),
    );
  }
}
