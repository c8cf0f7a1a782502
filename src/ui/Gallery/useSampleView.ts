/** The input | reconstruction | heatmap of one sample, fetched lazily from the worker. */
import { useEffect, useState } from 'react';
import { sampleView } from '../../state/bridge';
import type { SampleView } from '../../worker/protocol';

export function useSampleView(index: number | null): SampleView | undefined {
  const [view, setView] = useState<{ index: number; view: SampleView | undefined } | null>(null);
  useEffect(() => {
    if (index === null) return;
    let live = true;
    void sampleView(index).then((v) => live && setView({ index, view: v }));
    return () => {
      live = false;
    };
  }, [index]);
  return view && view.index === index ? view.view : undefined;
}
