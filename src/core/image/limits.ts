/**
 * Size limits shared by every decoder, checked from the header before any pixel is decoded so
 * that a hostile or broken file cannot make the worker or the CLI allocate gigabytes.
 */

/** Largest image accepted, in pixels (50 megapixels = 200 MB of RGBA). */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** Throws a readable Error unless `width x height` is a non-empty image within the limit. */
export function checkImageSize(width: number, height: number, format: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0)
    throw new Error(`corrupt ${format}: invalid size ${width} x ${height}`);
  if (width * height > MAX_IMAGE_PIXELS)
    throw new Error(
      `image too large (${width} x ${height} pixels; at most ${MAX_IMAGE_PIXELS / 1e6} megapixels are accepted)`,
    );
}

/** The message of anything thrown, for wrapping library errors in our own words. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
