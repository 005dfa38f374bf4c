// Device errors are never silent: validation and out-of-memory errors of a submit, an allocation or a
// plan's bind groups are caught by error scopes (and anything else by `uncapturederror`), turned into an
// Error naming the operation, announced as an 'error' device event, and handed to the next read, which
// rejects instead of returning values the failed work did not produce.

export class DeviceErrors {
  private failure: Error | null = null;
  /** Error-scope checks not yet settled, oldest first. */
  private checks = new Set<Promise<void>>();

  constructor(
    private device: GPUDevice,
    private announce: (error: Error) => void,
  ) {
    device.addEventListener('uncapturederror', (e) => {
      this.record(new Error(`WebGPU: ${(e as GPUUncapturedErrorEvent).error.message}`));
    });
  }

  /**
   * Runs `fn` inside validation and out-of-memory scopes; an error they catch is recorded with
   * `operation()` (called only then, so describing it costs nothing on success) in its message.
   */
  scope<T>(operation: () => string, fn: () => T): T {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let result: T;
    try {
      result = fn();
    } finally {
      const popped = Promise.all([this.device.popErrorScope(), this.device.popErrorScope()]);
      const check = popped.then(
        ([validation, memory]) => {
          const error = validation ?? memory;
          if (error) this.record(new Error(`WebGPU: ${operation()} failed: ${error.message}`));
        },
        () => {}, // the device was lost: the 'lost' event reports it
      );
      this.checks.add(check);
      void check.then(() => this.checks.delete(check));
    }
    return result;
  }

  record(error: Error): void {
    this.failure ??= error;
    this.announce(error);
  }

  /** Waits for the scopes opened so far; throws (once) the first error recorded since the last call. */
  async settled(): Promise<void> {
    await Promise.all([...this.checks]);
    const failure = this.failure;
    this.failure = null;
    if (failure) throw failure;
  }
}
