/** Draws an RGBA tile (ImageData layout) onto a canvas, scaled up with crisp pixels. */
import { useEffect, useRef } from 'react';
import type { RgbaTile } from '../../worker/protocol';
import './rgba-canvas.css';

interface Props {
  tile: RgbaTile | null | undefined;
  /** Displayed side in CSS pixels. */
  size: number;
  label: string;
}

export function RgbaCanvas({ tile, size, label }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !tile) return;
    canvas.width = tile.width;
    canvas.height = tile.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const pixels = new Uint8ClampedArray(tile.data.length);
    pixels.set(tile.data);
    ctx.putImageData(new ImageData(pixels, tile.width, tile.height), 0, 0);
  }, [tile]);
  return (
    <canvas
      ref={ref}
      className={tile ? 'rgba-canvas' : 'rgba-canvas rgba-canvas--empty'}
      style={{ width: size, height: size }}
      role="img"
      aria-label={label}
    />
  );
}
