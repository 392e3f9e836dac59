/**
 * A handler's composition, built on its first invocation instead of at module load.
 *
 * Lambda times a cold start from the module load; whatever a handler imports statically is paid
 * there, before the first event is even read. The handlers import their use cases, adapters and
 * SDK clients with `await import()` through this, so the bundle's module load evaluates almost
 * nothing — esbuild keeps a dynamically imported module in the same file but runs its code only
 * when the import is reached. The work moves to the first invocation; bench/NOTES.md measures both.
 */
export function lazyOnce<T>(build: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= build().catch((error: unknown) => {
      // A failed build (a missing environment variable) is tried again on the next event,
      // as it was when the handler built its dependencies synchronously.
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
