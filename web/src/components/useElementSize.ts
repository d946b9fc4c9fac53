// The size of an element as it is laid out, followed as it changes (a
// virtualized list draws only the rows that fit).
import { useLayoutEffect, useState } from 'preact/hooks';

export interface Size {
  width: number;
  height: number;
}

/** REF's inner size (without scroll bars); INITIAL until it is measured, before the first paint. */
export function useElementSize(ref: { current: HTMLElement | null }, initial: Size = { width: 0, height: 0 }): Size {
  const [size, setSize] = useState(initial);
  useLayoutEffect(() => {
    const el = ref.current!;
    const measure = () => setSize((s) => (s.width === el.clientWidth && s.height === el.clientHeight ? s : { width: el.clientWidth, height: el.clientHeight }));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return size;
}
