import { useEffect, useState } from "react";

/**
 * `value` once `key` has stayed the same for `delay` ms. Keyed rather than compared by identity, because a
 * payload built from the form is a new object on every render even when nothing changed.
 */
export function useDebounced<T>(value: T, key: string | null, delay = 400): { value: T; key: string | null; pending: boolean } {
  const [settled, setSettled] = useState<{ value: T; key: string | null }>({ value, key });
  useEffect(() => {
    if (key === settled.key) return;
    const timer = setTimeout(() => setSettled({ value, key }), delay);
    return () => clearTimeout(timer);
    // `value` changes whenever `key` does; keying on it alone would restart the timer on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, delay, settled.key]);
  return { ...settled, pending: key !== settled.key };
}
