// Loads something over REST when its inputs change, keeping the last answer while reloading and the failure as a readable message.

import { useCallback, useEffect, useRef, useState } from "react";

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  /** Asks again (after a change the page made); resolves once the answer is in. */
  reload(): Promise<void>;
}

/** Runs `load` now and whenever `key` changes; an answer to an older request never overwrites a newer one. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const request = ++latest.current;
    setLoading(true);
    try {
      const value = await loadRef.current();
      if (request !== latest.current) return;
      setData(value);
      setError(null);
    } catch (err) {
      if (request === latest.current) setError(err instanceof Error ? err.message : String(err));
    } finally {
      if (request === latest.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
    return () => {
      latest.current++;
    };
  }, [key, reload]);

  return { data, error, loading, reload };
}
